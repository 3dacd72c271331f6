"""Which backup folders are off-site, when an off-site copy was last made, and how old the
evidence of regulation art. 8 may grow before the dashboard turns red.

A folder is marked off-site by an administrator (a USB drive taken home, a share in
another building); every backup written there is noted (`note_copy`) in the same write
as its `backup.created` event. The limits are settings (days): the newest off-site copy
and the newest successful restore test may be at most that old.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app import audit, clock
from app.errors import ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import LAST_VERIFIED, record_value
from app.store import dialect, schema

OFFSITE = "backup_offsite"                    # JSON list of the folders marked off-site
LAST_OFFSITE = "backup_last_offsite"          # "stamp|file" of the newest off-site copy
OFFSITE_MAX_DAYS = "backup_offsite_max_days"
RESTORE_TEST_MAX_DAYS = "backup_restore_test_max_days"
DEFAULTS = {OFFSITE: "[]", LAST_OFFSITE: "", OFFSITE_MAX_DAYS: "7",
            RESTORE_TEST_MAX_DAYS: "31"}
DAY_LIMITS = (1, 366)


@dataclass(frozen=True)
class Evidence:
    offsite: tuple[str, ...]
    last_offsite: datetime | None      # aware, UTC
    last_offsite_file: str
    last_restore_test: datetime | None
    last_restore_test_file: str
    offsite_max_days: int
    restore_test_max_days: int


def stamp_and_file(value: str) -> tuple[datetime | None, str]:
    stamp, _sep, file = (value or "").partition("|")
    try:
        return clock.parse_stamp(stamp), file
    except ValueError:
        return None, file


def _days(text: str, key: str) -> int:
    try:
        return min(max(int(text), DAY_LIMITS[0]), DAY_LIMITS[1])
    except ValueError:
        return int(DEFAULTS[key])


def folder_list(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(f) for f in value) if isinstance(value, list) else ()


def read(conn: Connection) -> Evidence:
    """The marks, the last off-site copy and restore test, and the limits, in one read."""
    keys = [*DEFAULTS, LAST_VERIFIED]
    stored = dict(conn.execute(select(schema.setting.c.key, schema.setting.c.value)
                               .where(schema.setting.c.key.in_(keys))).all())
    values = {**DEFAULTS, LAST_VERIFIED: "", **stored}
    offsite_at, offsite_file = stamp_and_file(values[LAST_OFFSITE])
    tested_at, tested_file = stamp_and_file(values[LAST_VERIFIED])
    return Evidence(folder_list(values[OFFSITE]), offsite_at, offsite_file, tested_at,
                    tested_file, _days(values[OFFSITE_MAX_DAYS], OFFSITE_MAX_DAYS),
                    _days(values[RESTORE_TEST_MAX_DAYS], RESTORE_TEST_MAX_DAYS))


def is_offsite(conn: Connection, folder: Path | str) -> bool:
    return str(Path(folder)) in {str(Path(f)) for f in read(conn).offsite}


def note_copy(conn: Connection, folder: Path | str, created_at: str, target: Path) -> bool:
    """After a backup was written to `folder`: note it when the folder is off-site."""
    if not is_offsite(conn, folder):
        return False
    record_value(conn, LAST_OFFSITE, f"{created_at}|{target.name}")
    return True


def save_settings(session: Session, values: dict[str, str], defaults: dict[str, str]
                  ) -> None:
    """Settings whose defaults live in app/backup rather than app.settings.DEFAULTS: one
    transaction, one `setting.changed` event per value that changes."""
    db, table = session.db, schema.setting
    with db.write() as conn:
        for key, value in values.items():
            before = conn.execute(select(table.c.value).where(table.c.key == key)).scalar()
            if before == value:
                continue
            conn.execute(dialect.insert(conn, table).values(key=key, value=value)
                         .on_conflict_do_update(index_elements=["key"], set_={"value": value}))
            audit.append(conn, db, actor=session.username, action="setting.changed",
                         detail={"key": key, "before": before if before is not None
                                 else defaults[key], "after": value})


@requires(Permission.BACKUPS)
def mark(session: Session, folder: str, offsite: bool) -> tuple[str, ...]:
    """Mark a backup folder off-site (True) or on-site (False)."""
    with session.db.read() as conn:
        current = read(conn).offsite
    folder = str(folder).strip()
    marked = [f for f in current if f != folder] + ([folder] if offsite else [])
    save_settings(session, {OFFSITE: json.dumps(marked, ensure_ascii=False)}, DEFAULTS)
    return tuple(marked)


def _check_days(value) -> str:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not DAY_LIMITS[0] <= number <= DAY_LIMITS[1]:
        raise ValidationError(_("Give a number of days from 1 to 366."), field="days")
    return str(number)


@requires(Permission.BACKUPS)
def set_limits(session: Session, offsite_days: int, restore_test_days: int) -> None:
    """How old the newest off-site copy and restore test may grow before turning red."""
    save_settings(session, {OFFSITE_MAX_DAYS: _check_days(offsite_days),
                            RESTORE_TEST_MAX_DAYS: _check_days(restore_test_days)}, DEFAULTS)
