"""Catalogue entries: backups on record (issue 16 §6), the scheduled backup's credential."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group

ENTRIES = (
    Action("backup.credential_made", G.BACKUPS, N_("Backup credential made"),
           N_("{who} made the credential for scheduled backups ({file}).")),
    Action("backup.credential_revoked", G.BACKUPS, N_("Backup credential revoked"),
           N_("{who} revoked the credential for scheduled backups.")),
)
