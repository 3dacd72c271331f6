"""Verified backups: one file holding the encrypted database, its key ring and a manifest."""
