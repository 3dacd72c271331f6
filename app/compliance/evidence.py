"""Backups on record (regulation art. 8): the evidence a manager shows a regulator.

- the dashboard's two tiles: the last off-site copy and the last successful restore test,
  red when older than the limits an administrator sets (app/backup/offsite.py: 7 and 31
  days by default) or when there is none;
- `period_summary`: every backup, restore test and restore of a period, from the log;
- `backup_copies`: how many backups hold a customer's data now, and the day the last of
  them expires under the keep counts (the erasure plan says so).

Everything is read from the settings and the audit log in the caller's read, on both stores.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from app import clock
from app.backup import offsite
from app.backup.schedule import (
    DEFAULTS,
    DESTINATIONS,
    KEEP_DAILY,
    KEEP_LIMITS,
    KEEP_MONTHLY,
    KEEP_WEEKLY,
    survey,
)
from app.compliance.tiles import ComplianceTile
from app.i18n import _
from app.store import schema

TAB = "evidence"
KINDS = {"backup.created": "backup", "backup.verified": "restore_test",
         "backup.restore": "restore"}


def _age_text(today: date, then: datetime | None) -> str:
    if then is None:
        return _("never")
    days = (today - then.astimezone().date()).days
    return _("today") if days <= 0 else (
        _("1 day ago") if days == 1 else _("{days} days ago").format(days=days))


def _tile(key: str, title: str, today: date, then: datetime | None, file: str,
          limit: int, missing: str) -> ComplianceTile:
    old = then is None or (today - then.astimezone().date()).days > limit
    if then is None:
        detail = missing
    else:
        detail = _("{date} — {file}; at most {days} days allowed").format(
            date=then.astimezone().date().isoformat(), file=file, days=limit)
    return ComplianceTile(key=key, value=_age_text(today, then), title=title,
                          detail=detail, alarm=old, tab=TAB)


def dashboard_tiles(conn: Connection, today: date) -> list[ComplianceTile]:
    ev = offsite.read(conn)
    missing = _("No backup folder is marked off-site.") if not ev.offsite else \
        _("No backup has been written to an off-site folder yet.")
    return [
        _tile("backup_offsite", _("Last off-site backup"), today, ev.last_offsite,
              ev.last_offsite_file, ev.offsite_max_days, missing),
        _tile("backup_restore_test", _("Last successful restore test"), today,
              ev.last_restore_test, ev.last_restore_test_file, ev.restore_test_max_days,
              _("No backup has passed a restore test yet.")),
    ]


@dataclass(frozen=True)
class BackupEvent:
    at: str          # UTC stamp, as in the log
    kind: str        # "backup" | "restore_test" | "restore"
    outcome: str     # "ok" | "failed" | ...
    file: str        # the backup file's name (no folder)
    offsite: bool    # a backup written to an off-site folder
    by: str          # the account, or "(scheduled backup)"


def period_summary(conn: Connection, first: date, last: date) -> list[BackupEvent]:
    """Every backup, restore test and restore from `first` to `last` (UTC days), oldest
    first. Nothing in them names a customer."""
    e = schema.audit_event
    rows = conn.execute(select(e.c.at, e.c.action, e.c.outcome, e.c.actor, e.c.detail).where(
        and_(e.c.action.in_(tuple(KINDS)), e.c.at >= first.isoformat(),
             e.c.at < (last + timedelta(days=1)).isoformat())).order_by(e.c.seq)).all()
    out = []
    for r in rows:
        try:
            detail = json.loads(r.detail or "{}")
        except ValueError:
            detail = {}
        out.append(BackupEvent(r.at, KINDS[r.action], r.outcome, str(detail.get("file", "")),
                               bool(detail.get("offsite")), r.actor))
    return out


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def _keeps(conn: Connection) -> dict[str, int]:
    s = schema.setting
    stored = dict(conn.execute(select(s.c.key, s.c.value).where(s.c.key.in_(
        [*KEEP_LIMITS, DESTINATIONS]))).all())
    out = {}
    for key, (low, high) in KEEP_LIMITS.items():
        try:
            out[key] = min(max(int(stored.get(key, DEFAULTS[key])), low), high)
        except ValueError:
            out[key] = int(DEFAULTS[key])
    out[DESTINATIONS] = stored.get(DESTINATIONS, "[]")
    return out


def backup_copies(conn: Connection, db_id: str, today: date) -> tuple[int, date | None]:
    """How many backups of this database in the backup folders were taken by `today`
    (they hold what is erased today), and the last day the newest of them may still be
    kept: its date plus the longest keep period (daily days, weekly weeks, monthly
    months). None when there is no backup."""
    keeps = _keeps(conn)
    try:
        folders = [str(f) for f in json.loads(keeps[DESTINATIONS])]
    except (ValueError, TypeError):
        folders = []
    dates = [clock.parse_stamp(e.manifest.created_at).astimezone().date()
             for s in survey(folders) for e in s.entries
             if e.manifest is not None and e.manifest.db_id == db_id]
    dates = [d for d in dates if d <= today]
    if not dates:
        return 0, None
    newest = max(dates)
    until = max(newest + timedelta(days=keeps[KEEP_DAILY]),
                newest + timedelta(weeks=keeps[KEEP_WEEKLY]),
                _add_months(newest, keeps[KEEP_MONTHLY]))
    return len(dates), until
