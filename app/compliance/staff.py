"""Staff confidentiality and training (regulation art. 15): each account's signed
confidentiality agreement (the day it was signed, the signed file's name and SHA-256; the
paper stays with the branch's files), and the training sessions with their attendees.

An account whose roles read customer data gets its keys (accounts/access.py) and comes back
from being disabled (accounts/users.py) only with an agreement on record
(`require_agreement`); administrator-only accounts read none and are exempt. A person's
training falls due a set number of months (settings.TRAINING_MONTHS, 12 by default) after
their last one, or after their account was made if they never attended one: the dashboard
shows a tile and raises an alert about them (`due_alerts`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app import audit, clock
from app.compliance.partners import clean, day_of, file_digest, today
from app.compliance.reviews import ROLE_ORDER, _months_later
from app.compliance.staff_tables import staff_agreement, training_attendee, training_session
from app.compliance.tiles import ComplianceTile
from app.errors import Conflict, ValidationError
from app.i18n import _
from app.oversight import alerts
from app.security.guard import requires
from app.security.roles import Permission, Role, domains_for
from app.security.session import Session
from app.settings import DEFAULTS, TRAINING_MONTHS
from app.store import schema

RULE = "training_due"


class AgreementMissing(Conflict):
    """An account that reads customer data, and no signed agreement of its on record."""

    def __init__(self, user: str) -> None:
        self.user = user
        super().__init__(_(
            "{user} has no signed confidentiality agreement on record, so their access to "
            "customer data cannot be activated: record it first (the Staff and training tab "
            "of the compliance file, or custos staff agreement {user} --signed YYYY-MM-DD --document FILE)."
        ).format(user=user))


@dataclass(frozen=True)
class StaffLine:
    """One account as the staff register shows it."""
    username: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    agreement_on: str      # the latest agreement's signing day ("" : none)
    file_name: str
    sha256: str
    last_training: str     # the day of the last training attended ("" : never)
    last_topic: str
    training_due: str      # the day the next training falls due
    overdue: bool          # active, and that day has come

    @property
    def reads_customer_data(self) -> bool:
        return bool(domains_for(self.roles))

    @property
    def lacks_agreement(self) -> bool:
        return not self.disabled and self.reads_customer_data and not self.agreement_on


@dataclass(frozen=True)
class Training:
    number: int
    held_on: str
    topic: str
    attendees: tuple[str, ...]
    recorded_by: str


# -- reading ------------------------------------------------------------------------------

def training_months(conn) -> int:
    raw = conn.execute(select(schema.setting.c.value)
                       .where(schema.setting.c.key == TRAINING_MONTHS)).scalar()
    return int(raw or DEFAULTS[TRAINING_MONTHS])


def _local_day(stamp: str | None, fallback: date) -> date:
    return clock.parse_stamp(stamp).astimezone().date() if stamp else fallback


def staff_lines(conn, day: date) -> list[StaffLine]:
    """Every account (disabled ones too, marked) as it stood on `day` (agreements signed
    and trainings held by then: a month's report sees that month's end), in four queries."""
    u, ur, a, t = schema.user.c, schema.user_role.c, staff_agreement.c, training_session.c
    roles: dict[int, list[str]] = {}
    for r in conn.execute(select(ur.user_id, ur.role)):
        roles.setdefault(r.user_id, []).append(r.role)
    agreements = {r.username.casefold(): r for r in conn.execute(
        select(staff_agreement).where(a.signed_on <= day.isoformat())
        .order_by(a.signed_on, a.id))}  # the latest wins
    trained = {}
    for r in conn.execute(select(training_attendee.c.username, t.held_on, t.topic)
                          .join(training_session, t.id == training_attendee.c.session_id)
                          .where(t.held_on <= day.isoformat())
                          .order_by(t.held_on, t.id)):
        trained[r.username.casefold()] = r
    months, out = training_months(conn), []
    for r in conn.execute(select(u.id, u.username, u.display_name, u.disabled, u.created_at)
                          .order_by(func.lower(u.username))):
        signed, last = agreements.get(r.username.casefold()), trained.get(r.username.casefold())
        since = date.fromisoformat(last.held_on) if last else _local_day(r.created_at, day)
        due = _months_later(since, months)
        out.append(StaffLine(
            r.username, r.display_name or r.username,
            tuple(sorted(roles.get(r.id, []), key=ROLE_ORDER.index)), bool(r.disabled),
            signed.signed_on if signed else "", signed.file_name if signed else "",
            signed.sha256 if signed else "", last.held_on if last else "",
            last.topic if last else "", due.isoformat(), not r.disabled and day >= due))
    return out


def trainings(conn, first: str = "", last: str = "9999-12-31") -> list[Training]:
    """Training sessions held in [first, last], newest first, with their attendees."""
    s = training_session.c
    heads = conn.execute(select(training_session).where(s.held_on >= first, s.held_on <= last)
                         .order_by(s.held_on.desc(), s.id.desc())).all()
    people: dict[int, list[str]] = {}
    for r in conn.execute(select(training_attendee).order_by(training_attendee.c.username)):
        people.setdefault(r.session_id, []).append(r.username)
    return [Training(h.id, h.held_on, h.topic, tuple(people.get(h.id, ())), h.recorded_by)
            for h in heads]


def has_agreement(conn, username: str) -> bool:
    return conn.execute(select(staff_agreement.c.id).where(
        func.lower(staff_agreement.c.username) == username.casefold()).limit(1)).first() \
        is not None


def require_agreement(session: Session, username: str, via: str) -> None:
    """Refuse (on record) to give `username` access to customer data, or to enable it,
    without its signed agreement. An unknown account is left for the caller to refuse; an
    administrator's account, which never holds customer-data keys, needs none."""
    from app.accounts.login import _roles_of, _user_row

    db = session.db
    with db.read() as conn:
        row = _user_row(conn, username)
        # An administrator's account never holds customer-data keys (accounts/access.py).
        roles = _roles_of(conn, row.id) if row is not None else {Role.ADMIN}
        if Role.ADMIN in roles or not domains_for(roles) or has_agreement(conn, row.username):
            return
    audit.record(db, actor=session.username, action="staff.activation_refused",
                 outcome="refused", detail={"user": row.username, "via": via})
    raise AgreementMissing(row.username)


@requires(Permission.STAFF_RECORDS)
def list_staff(session: Session, day: date | None = None) -> list[StaffLine]:
    with session.db.read() as conn:
        return staff_lines(conn, day or today())


@requires(Permission.STAFF_RECORDS)
def list_trainings(session: Session) -> list[Training]:
    with session.db.read() as conn:
        return trainings(conn)


@requires(Permission.STAFF_RECORDS)
def period_months(session: Session) -> int:
    with session.db.read() as conn:
        return training_months(conn)


# -- recording ----------------------------------------------------------------------------

def _past_day(text: str, field: str) -> date:
    day = day_of(text, field)
    if day > today():
        raise ValidationError(_("{day} is in the future; write the day it happened.")
                              .format(day=day.isoformat()), field=field)
    return day


def _accounts(conn, names) -> list[str]:
    """The logins named (as the accounts spell them), each once, every one existing."""
    given = names.split(",") if isinstance(names, str) else list(names or ())
    wanted = list(dict.fromkeys(str(n).strip() for n in given if str(n).strip()))
    if not wanted:
        raise ValidationError(_("Name at least one account."), field="attendees")
    known = {r.username.casefold(): r.username
             for r in conn.execute(select(schema.user.c.username))}
    missing = [n for n in wanted if n.casefold() not in known]
    if missing:
        raise ValidationError(_("There is no account named {user}.").format(
            user=", ".join(missing)), field="attendees")
    return list(dict.fromkeys(known[n.casefold()] for n in wanted))


@requires(Permission.STAFF_RECORDS)
def record_agreement(session: Session, username: str, signed: str, document: Path | str,
                     *, content: bytes | None = None) -> None:
    """The agreement `username` signed on `signed`: the file's name and SHA-256 are kept
    (of `content` instead of the file when given: the demo's made-up agreements)."""
    day = _past_day(signed, "signed")
    if content is None:
        file_name, digest = file_digest(document, field="document")
    else:
        file_name, digest = Path(document).name, hashlib.sha256(content).hexdigest()
    db = session.db
    with db.write() as conn:
        user, = _accounts(conn, [username])
        conn.execute(staff_agreement.insert().values(
            username=user, signed_on=day.isoformat(), file_name=file_name, sha256=digest,
            recorded_by=session.username, recorded_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="staff.agreement_recorded",
                     detail={"user": user, "signed_on": day.isoformat(), "file": file_name,
                             "sha256": digest})


@requires(Permission.STAFF_RECORDS)
def record_training(session: Session, held_on: str, topic: str, attendees) -> int:
    """A training session and who attended it; its number."""
    day = _past_day(held_on, "held_on")
    topic = clean(topic, "topic", 200)
    db = session.db
    with db.write() as conn:
        people = _accounts(conn, attendees)
        number = conn.execute(training_session.insert().values(
            held_on=day.isoformat(), topic=topic, recorded_by=session.username,
            recorded_at=clock.stamp())).inserted_primary_key[0]
        conn.execute(training_attendee.insert(),
                     [{"session_id": number, "username": p} for p in people])
        audit.append(conn, db, actor=session.username, action="staff.training_recorded",
                     detail={"training": number, "held_on": day.isoformat(), "topic": topic,
                             "attendees": len(people), "users": people})
    return number


# -- the dashboard and the monthly report ---------------------------------------------------

def due_alerts(conn, today: date) -> list[alerts.Due]:
    """One alert per person whose training is due, once per due day."""
    return [alerts.Due(RULE, line.username, line.training_due,
                       {"due": line.training_due, "last": line.last_training or "-"})
            for line in staff_lines(conn, today) if line.overdue]


def dashboard_tiles(conn, today: date) -> list[ComplianceTile]:
    """Only while someone's training is overdue or an agreement is missing."""
    lines = staff_lines(conn, today)
    overdue = [x for x in lines if x.overdue]
    missing = [x for x in lines if x.lacks_agreement]
    if not overdue and not missing:
        return []
    detail = _("{due} people's training overdue, {missing} without a confidentiality "
               "agreement").format(due=len(overdue), missing=len(missing))
    return [ComplianceTile("staff_training", str(len(overdue)), _("Staff training overdue"),
                           detail, alarm=True, tab="staff")]


@dataclass(frozen=True)
class PeriodRow:
    """One line of the monthly compliance report about staff: kind "training" (held in the
    month: day, topic, attendees, who recorded it), "due" (training due by the month's end:
    whose, since when, their last), "no_agreement" (an active account reading customer data
    with no agreement recorded by the month's end)."""
    kind: str
    day: str
    who: str = ""
    topic: str = ""
    attendees: int = 0
    last: str = ""


def period_summary(conn, first: date, last: date) -> list[PeriodRow]:
    hi = clock.stamp(clock.local_midnight(date.fromordinal(last.toordinal() + 1).isoformat()))
    out = [PeriodRow("training", t.held_on, t.recorded_by, t.topic, len(t.attendees))
           for t in reversed(trainings(conn, first.isoformat(), last.isoformat()))]
    lines = staff_lines(conn, last)
    out += [PeriodRow("due", x.training_due, x.username, last=x.last_training)
            for x in lines if x.overdue]
    recorded = {r.username.casefold() for r in conn.execute(
        select(staff_agreement.c.username).where(staff_agreement.c.recorded_at < hi))}
    out += [PeriodRow("no_agreement", last.isoformat(), x.username)
            for x in lines if not x.disabled and x.reads_customer_data
            and x.username.casefold() not in recorded]
    return out
