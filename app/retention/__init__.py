"""Retention: rules per data category, dry runs, applied runs on record, legal holds."""
