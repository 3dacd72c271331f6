"""Where backups go and when they are due: destinations, daily time, keep counts, weekly
verification — stored as database settings — and the Qt-free rules that say what to run now.

Scheduled work runs inside a logged-in administrator's session (the backup service requires
Permission.BACKUPS), so `due_actions` is asked only while an administrator is logged in;
with nobody logged in, the operating system's scheduler runs `custos backup run` through
the backup-only credential (app/backup/unattended.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from app.backup.offsite import folder_list, save_settings, stamp_and_file
from app.backup.service import BackupEntry, list_backups, prune, take_backup
from app.errors import CustosError, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import LAST_BACKUP, LAST_VERIFIED
from app.store import schema
from app.store.database import Database

DESTINATIONS = "backup_destinations"    # JSON list of folders
DAILY_TIME = "backup_daily_time"        # "HH:MM", the PC's local time
KEEP_DAILY = "backup_keep_daily"
KEEP_WEEKLY = "backup_keep_weekly"
KEEP_MONTHLY = "backup_keep_monthly"
VERIFY_WEEKLY = "backup_verify_weekly"  # "1" or "0"
DEFAULTS: dict[str, str] = {DESTINATIONS: "[]", DAILY_TIME: "18:00", KEEP_DAILY: "7",
                            KEEP_WEEKLY: "4", KEEP_MONTHLY: "12", VERIFY_WEEKLY: "1"}

MAX_DESTINATIONS = 10
KEEP_LIMITS = {KEEP_DAILY: (1, 90), KEEP_WEEKLY: (0, 104), KEEP_MONTHLY: (0, 240)}
BACKUP_WARN_AFTER = timedelta(days=1)    # the status turns red after this
VERIFY_WARN_AFTER = timedelta(days=8)
VERIFY_EVERY = timedelta(days=7)         # the scheduled restore test
CLOSE_BACKUP_AFTER = timedelta(days=1)   # a backup on close when the last is older
RETRY_AFTER = timedelta(hours=1)         # a failed scheduled action is not retried sooner

Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class BackupSchedule:
    destinations: tuple[str, ...] = ()
    daily_time: time = time(18, 0)
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    verify_weekly: bool = True
    last_backup: datetime | None = None   # aware, UTC
    last_backup_file: str = ""
    last_verified: datetime | None = None
    last_verified_file: str = ""


def _int(text: str, key: str) -> int:
    low, high = KEEP_LIMITS[key]
    try:
        value = int(text)
    except ValueError:
        value = int(DEFAULTS[key])
    return min(max(value, low), high)


def parse_time(text: str) -> time:
    hours, sep, minutes = str(text).strip().partition(":")
    try:
        if not sep:
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(_("Give the daily backup time as HH:MM, for example 18:30."),
                              field="time") from None


def load_schedule(db: Database) -> BackupSchedule:
    """The stored schedule; a missing or unreadable value falls back to its default."""
    keys = [*DEFAULTS, LAST_BACKUP, LAST_VERIFIED]
    with db.read() as conn:
        stored = dict(conn.execute(select(schema.setting.c.key, schema.setting.c.value)
                                   .where(schema.setting.c.key.in_(keys))).all())
    values = {**DEFAULTS, **stored}
    try:
        daily = parse_time(values[DAILY_TIME])
    except ValidationError:
        daily = parse_time(DEFAULTS[DAILY_TIME])
    last_backup, backup_file = stamp_and_file(values.get(LAST_BACKUP, ""))
    last_verified, verified_file = stamp_and_file(values.get(LAST_VERIFIED, ""))
    return BackupSchedule(
        destinations=folder_list(values[DESTINATIONS]), daily_time=daily,
        keep_daily=_int(values[KEEP_DAILY], KEEP_DAILY),
        keep_weekly=_int(values[KEEP_WEEKLY], KEEP_WEEKLY),
        keep_monthly=_int(values[KEEP_MONTHLY], KEEP_MONTHLY),
        verify_weekly=values[VERIFY_WEEKLY] == "1",
        last_backup=last_backup, last_backup_file=backup_file,
        last_verified=last_verified, last_verified_file=verified_file)


def _save(session: Session, values: dict[str, str]) -> None:
    save_settings(session, values, DEFAULTS)


def _clean_folders(folders: Iterable[str]) -> list[str]:
    out: list[str] = []
    for folder in folders:
        text = str(folder).strip()
        if not text:
            continue
        if not Path(text).is_absolute() or len(text) > 500:
            raise ValidationError(_("A backup folder must be a full path, such as "
                                    "E:\\Backups or /media/usb/backups."), field="folder")
        if text not in out:
            out.append(text)
    if len(out) > MAX_DESTINATIONS:
        raise ValidationError(_("At most {count} backup folders.").format(
            count=MAX_DESTINATIONS), field="folder")
    return out


@requires(Permission.BACKUPS)
def set_destinations(session: Session, folders: Sequence[str]) -> tuple[str, ...]:
    """Replace the list of backup folders (a folder may be unreachable when it is saved)."""
    if isinstance(folders, str):
        raise ValidationError(_("A backup folder must be a full path, such as "
                                "E:\\Backups or /media/usb/backups."), field="folder")
    cleaned = _clean_folders(folders)
    _save(session, {DESTINATIONS: json.dumps(cleaned, ensure_ascii=False)})
    return tuple(cleaned)


@requires(Permission.BACKUPS)
def add_destination(session: Session, folder: str) -> tuple[str, ...]:
    current = load_schedule(session.db).destinations
    return set_destinations(session, [*current, folder])


@requires(Permission.BACKUPS)
def remove_destination(session: Session, folder: str) -> tuple[str, ...]:
    current = load_schedule(session.db).destinations
    return set_destinations(session, [f for f in current if f != folder])


@requires(Permission.BACKUPS)
def set_schedule(session: Session, daily_time: str, keep_daily: int, keep_weekly: int,
                 keep_monthly: int, verify_weekly: bool) -> BackupSchedule:
    at = parse_time(daily_time)
    counts = {}
    for key, value in ((KEEP_DAILY, keep_daily), (KEEP_WEEKLY, keep_weekly),
                       (KEEP_MONTHLY, keep_monthly)):
        low, high = KEEP_LIMITS[key]
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not low <= number <= high:
            raise ValidationError(_("Keep 1 to 90 daily, 0 to 104 weekly and 0 to 240 "
                                    "monthly backups."), field="keep")
        counts[key] = str(number)
    _save(session, {DAILY_TIME: at.strftime("%H:%M"), **counts,
                    VERIFY_WEEKLY: "1" if verify_weekly else "0"})
    return load_schedule(session.db)


# -- what is due -----------------------------------------------------------------------------

def _tried_recently(action: str, now: datetime, tried: Mapping[str, datetime] | None) -> bool:
    last = (tried or {}).get(action)
    return last is not None and now - last < RETRY_AFTER


def due_actions(now: datetime, plan: BackupSchedule,
                tried: Mapping[str, datetime] | None = None) -> list[str]:
    """What to run now: "backup" once the daily time has passed today (in `now`'s time
    zone — pass local time) and the last backup is older than that moment; "verify" when
    weekly verification is on and the last verification is older than 7 days (and there is
    a backup to verify). Nothing without a destination. `tried` holds when each action was
    last attempted this session: a failed one waits RETRY_AFTER before it is tried again."""
    actions: list[str] = []
    if not plan.destinations:
        return actions
    today_at = now.replace(hour=plan.daily_time.hour, minute=plan.daily_time.minute,
                           second=0, microsecond=0)
    if now >= today_at and (plan.last_backup is None or plan.last_backup < today_at) \
            and not _tried_recently("backup", now, tried):
        actions.append("backup")
    has_backup = plan.last_backup is not None or "backup" in actions
    if plan.verify_weekly and has_backup and not _tried_recently("verify", now, tried) and (
            plan.last_verified is None or now - plan.last_verified >= VERIFY_EVERY):
        actions.append("verify")
    return actions


def close_backup_due(now: datetime, plan: BackupSchedule) -> bool:
    """On closing the program: a backup when the last one is older than a day."""
    return bool(plan.destinations) and (
        plan.last_backup is None or now - plan.last_backup > CLOSE_BACKUP_AFTER)


def backup_overdue(now: datetime, plan: BackupSchedule) -> bool:
    return plan.last_backup is None or now - plan.last_backup > BACKUP_WARN_AFTER


def verify_overdue(now: datetime, plan: BackupSchedule) -> bool:
    return plan.last_verified is None or now - plan.last_verified > VERIFY_WARN_AFTER


def age(now: datetime, then: datetime) -> tuple[int, str]:
    """How long ago, as (count, "minutes" | "hours" | "days"), rounded down."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 3600:
        return seconds // 60, "minutes"
    if seconds < 86400:
        return seconds // 3600, "hours"
    return seconds // 86400, "days"


# -- running ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DestinationResult:
    folder: str
    backup: Path | None          # the new file, None when it failed
    problem: str = ""            # the one-sentence reason, when it failed
    removed: list[Path] = field(default_factory=list)   # old backups pruned afterwards

    @property
    def ok(self) -> bool:
        return self.backup is not None


@requires(Permission.BACKUPS)
def back_up_everywhere(session: Session, progress: Progress | None = None
                       ) -> list[DestinationResult]:
    """A backup in every destination, each then pruned to the keep counts; one destination
    failing (unplugged, full) does not stop the others."""
    plan = load_schedule(session.db)
    results: list[DestinationResult] = []
    count = len(plan.destinations)
    for index, folder in enumerate(plan.destinations):
        def step(done: int, total: int, index: int = index) -> None:
            if progress is not None and total > 0:
                progress(index * 1000 + done * 1000 // total, count * 1000)

        try:
            path = take_backup(session, Path(folder), step)
        except CustosError as error:
            results.append(DestinationResult(folder, None, str(error)))
            continue
        removed = prune(Path(folder), plan.keep_daily, plan.keep_weekly, plan.keep_monthly)
        results.append(DestinationResult(folder, path, "", removed))
    if progress is not None and count:
        progress(count * 1000, count * 1000)
    return results


@dataclass(frozen=True)
class FolderSurvey:
    folder: str
    reachable: bool
    entries: list[BackupEntry]


def survey(folders: Iterable[str]) -> list[FolderSurvey]:
    """Each destination: can it be reached, and which backups does it hold (newest first)."""
    out = []
    for folder in folders:
        path = Path(folder)
        try:
            reachable = path.is_dir()
            entries = list_backups(path) if reachable else []
        except OSError:
            reachable, entries = False, []
        out.append(FolderSurvey(folder, reachable, entries))
    return out


def newest_backup(plan: BackupSchedule, db_id: str) -> Path | None:
    """The backup a scheduled verification tests: the last one taken, or else the newest of
    this database found in the destinations."""
    if plan.last_backup_file and Path(plan.last_backup_file).is_file():
        return Path(plan.last_backup_file)
    found = [e for s in survey(plan.destinations) for e in s.entries
             if e.manifest is not None and e.manifest.db_id == db_id]
    found.sort(key=lambda e: e.manifest.created_at if e.manifest else "", reverse=True)
    return found[0].path if found else None
