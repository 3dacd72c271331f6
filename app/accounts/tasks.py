"""What an administrator should do now: the administrator's first screen, as a list.

Each task says what is wrong in one sentence and where it is put right: accounts that wait
(for a manager's approval, for their first own password, after failed logins), backups that
are late or failed their test restore, and key work left undone. Only what the
administrator may see: names of accounts, never customer data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select

from app import clock
from app.accounts import access
from app.accounts.names import StaffNames, read_names
from app.i18n import _, current_language
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import schema

if TYPE_CHECKING:
    from app.backup.schedule import BackupSchedule

FAILED_LOGINS_SHOWN = 3           # failed logins in a day that suggest a forgotten password
FAILED_LOGINS_WINDOW = timedelta(days=1)
DISABLED_WINDOW = timedelta(days=90)  # how far back a disabling asks for a key rotation


class Place(StrEnum):
    """Where a task is done (the administrator's sections)."""
    ACCOUNTS = "accounts"
    BACKUPS = "backups"
    KEYS = "keys"
    COMPLIANCE = "compliance"  # the decisions of a signed permission review


@dataclass(frozen=True)
class Task:
    place: Place
    sentence: str
    urgent: bool = False   # data may be lost or exposed until it is done


def _since(delta: timedelta) -> str:
    return clock.stamp(clock.now_utc() - delta)


def _account_tasks(conn, pending: list[access.PendingAccount], names: StaffNames
                   ) -> list[Task]:
    u = schema.user.c
    out = [Task(Place.ACCOUNTS, _("{name} waits for access to customer data: a manager "
                                  "approves it (or you, with the recovery code).")
                .format(name=names(p.username))) for p in pending]
    fresh = conn.execute(select(u.username, u.last_login_at).where(
        u.disabled == 0, u.must_change_password == 1)).all()
    for row in fresh:
        sentence = (_("{name} has not logged in yet to choose a password; give them their "
                      "temporary password.") if row.last_login_at is None else
                    _("{name} still has the temporary password you set; they choose their "
                      "own at the next login."))
        out.append(Task(Place.ACCOUNTS, sentence.format(name=names(row.username))))
    return out + _failed_logins(conn, names)


def _failed_logins(conn, names: StaffNames) -> list[Task]:
    ev, u = schema.audit_event.c, schema.user.c
    failures = conn.execute(select(ev.actor, ev.at).where(
        ev.at >= _since(FAILED_LOGINS_WINDOW), ev.action == "login.failed")).all()
    counts = Counter(f.actor for f in failures)
    last = {f.actor: f.at for f in sorted(failures, key=lambda f: f.at)}
    logged_in = dict(conn.execute(select(u.username, u.last_login_at)
                                  .where(u.username.in_(list(counts)), u.disabled == 0)).all())
    return [Task(Place.ACCOUNTS, _("{name} failed to log in {count} times today: they may "
                                   "need a password reset.").format(name=names(who),
                                                                    count=count))
            for who, count in sorted(counts.items())
            if count >= FAILED_LOGINS_SHOWN and who in logged_in
            and (logged_in[who] or "") < last[who]]


def _backup_tasks(conn, plan: BackupSchedule) -> list[Task]:
    from app.backup.schedule import backup_overdue, verify_overdue

    now = clock.now_utc()
    if not plan.destinations:
        return [Task(Place.BACKUPS, _("No backup folder is set: choose where backups go."),
                     urgent=True)]
    out = []
    if backup_overdue(now, plan):
        out.append(Task(Place.BACKUPS, _("No backup has been taken yet.")
                        if plan.last_backup is None else
                        _("The last backup is more than a day old: back up now."), urgent=True))
    failed = _last_failed_verification(conn, plan.last_verified)
    if failed is not None:
        out.append(Task(Place.BACKUPS, _("The test restore of {file} failed: take a new "
                                         "backup and verify it.").format(file=failed),
                        urgent=True))
    elif plan.last_backup is not None and verify_overdue(now, plan):
        out.append(Task(Place.BACKUPS, _("No backup has been verified yet: verify the last "
                                         "one.") if plan.last_verified is None else
                        _("The last verified backup is more than 8 days old: verify one.")))
    return out


def _last_failed_verification(conn, last_ok) -> str | None:
    """The file of a failed verification after the last good one (the last 8 days)."""
    from app.backup.schedule import VERIFY_WARN_AFTER

    ev = schema.audit_event.c
    since = max(_since(VERIFY_WARN_AFTER), clock.stamp(last_ok) if last_ok else "")
    row = conn.execute(select(ev.detail).where(
        ev.at > since, ev.action == "backup.verified", ev.outcome != "ok")
        .order_by(ev.seq.desc()).limit(1)).first()
    if row is None:
        return None
    try:
        return str(json.loads(row.detail).get("file") or "?")
    except (ValueError, AttributeError):
        return "?"


def _key_tasks(conn, session: Session, names: StaffNames) -> list[Task]:
    from app.keys import ROTATING

    out = []
    if conn.execute(select(schema.meta.c.value)
                    .where(schema.meta.c.key == ROTATING)).first() is not None:
        out.append(Task(Place.KEYS, _("A rotation of the customer-data keys was interrupted: "
                                      "run it again with the recovery code to finish it."),
                        urgent=True))
    if session.db.is_server:  # the ring lives in the database there: nothing to rotate
        return out
    ev = schema.audit_event.c
    events = conn.execute(select(ev.action, ev.detail).where(
        ev.at >= _since(DISABLED_WINDOW), ev.action.in_(["user.disabled", "keys.rotated"]))
        .order_by(ev.seq)).all()
    disabled: list[str] = []
    for e in events:
        if e.action == "keys.rotated":
            disabled = []
        else:
            disabled.append(json.loads(e.detail).get("user", "?"))
    if disabled:
        out.append(Task(Place.KEYS, _("{names} disabled since the last key rotation: rotate "
                                      "the database key so old copies of the key ring stop "
                                      "working.").format(names=", ".join(
                                          names(n) for n in disabled))))
    return out


def _review_tasks(conn, names: StaffNames) -> list[Task]:
    from app.compliance.reviews import open_tasks_in

    return [Task(Place.COMPLIANCE, (_("Permission review {number}: disable the account of "
                                     "{name}.") if t.decision == "disable" else
                                   _("Permission review {number}: change the roles of {name} "
                                     "to {roles}.")).format(
        number=t.review, name=names(t.username),
        roles=("、" if current_language() == "zh_CN" else ", ").join(
            Role(r).label for r in t.roles_after)))
        for t in open_tasks_in(conn)]


@requires(Permission.ACCOUNTS_MANAGE)
def admin_tasks(session: Session) -> list[Task]:
    """Everything waiting for an administrator, urgent first."""
    from app.backup.schedule import load_schedule

    pending, plan = access.pending_for_admin(session), load_schedule(session.db)
    with session.db.read() as conn:
        names = read_names(conn)
        tasks = (_backup_tasks(conn, plan) + _key_tasks(conn, session, names)
                 + _account_tasks(conn, pending, names) + _review_tasks(conn, names))
    return sorted(tasks, key=lambda t: not t.urgent)
