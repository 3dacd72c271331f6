"""The administrators' operations screens: Backups, Retention and Keys.

`register_sections()` adds the three sections to the registry. Three entry points are for
other screens to call (imported lazily, so start-up stays light):
- `start_scheduler(session, window)`: the minute timer for scheduled backups/verification;
- `backup_on_close(session, window, on_finished)`: the backup on close, from closeEvent;
- `offer_rotation(session, parent)`: after a user was disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.security import Permission, Session

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.backups.scheduler import BackupScheduler


def register_sections() -> None:
    from ui.backups.backups_section import BackupsSection
    from ui.backups.keys_section import KeysSection
    from ui.backups.retention_section import RetentionSection
    from ui.sections import Section, register

    register(Section("backups", lambda: _("Backups"), Permission.BACKUPS,
                     BackupsSection, order=700))
    register(Section("retention", lambda: _("Retention"), Permission.RETENTION_CONFIGURE,
                     RetentionSection, order=720))
    register(Section("keys", lambda: _("Keys"), Permission.KEYS_MANAGE, KeysSection,
                     order=740))


def start_scheduler(session: Session, parent: QWidget | None) -> BackupScheduler | None:
    """The scheduled backups of this session (None unless it is an administrator's)."""
    from ui.backups.scheduler import ensure_scheduler

    return ensure_scheduler(session, parent)


def backup_on_close(session: Session, parent: QWidget | None,
                    on_finished: Callable[[], Any] | None = None) -> bool:
    """True when a backup started: ignore this close; `on_finished` runs when it ends."""
    from ui.backups.scheduler import backup_on_close as start

    return start(session, parent, on_finished)


def offer_rotation(session: Session, parent: QWidget | None) -> None:
    """Ask whether to rotate the database key now that a user was disabled; run it if so."""
    from ui.backups.keys_section import offer_rotation as offer

    offer(session, parent)
