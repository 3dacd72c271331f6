"""Permission reviews (regulation art. 10): on a schedule (quarterly by default) a manager
goes through every account, records a decision (keep, change roles, disable) with a note,
and signs off; the decisions that change an account become an administrator's tasks,
carried out through the account services and marked done.

A manager may decide on their own account: the decision is recorded and flagged, and
signing such a review raises an alert (`self_review`) that only another manager may
acknowledge (app/oversight/alerts.py refuses an alert about one's own actions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app import audit, clock
from app.accounts.names import read_names
from app.compliance.reviews_tables import permission_review as pr
from app.compliance.reviews_tables import review_decision as rd
from app.compliance.tiles import ComplianceTile
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, Labelled, _
from app.oversight import alerts
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.settings import record_value
from app.store import schema
from app.text import printable

EVERY_MONTHS = "review_every_months"   # the setting: months between two reviews
DEFAULT_MONTHS = 3
DUE_SOON = timedelta(days=14)          # the tile says "due soon" this long before
ROLE_ORDER = [r.value for r in Role]


class Decision(Labelled):
    KEEP = "keep"
    ROLES = "roles"
    DISABLE = "disable"


LABELS = {"Decision": {"keep": N_("Keep as it is"), "roles": N_("Change roles"),
                       "disable": N_("Disable")}}


@dataclass(frozen=True)
class AccountLine:
    """One account in a review: as it stood, and what the reviewer decided."""
    username: str
    display_name: str
    roles: tuple[str, ...]
    last_login_at: str | None
    decision: str | None = None
    roles_after: tuple[str, ...] = ()
    note: str = ""
    own_account: bool = False
    decided_at: str | None = None
    done_by: str | None = None
    done_at: str | None = None
    # Does the account stand as decided now? A decision marked carried out whose change is
    # not there (undone since, or marked without being made) says so wherever it is shown.
    in_effect: bool = True

    @property
    def changes(self) -> bool:
        return self.decision in (Decision.ROLES, Decision.DISABLE)


@dataclass(frozen=True)
class Review:
    id: int
    started_at: str
    started_by: str
    signed_at: str | None
    signed_by: str | None
    signature_seq: int | None
    lines: tuple[AccountLine, ...]

    @property
    def undecided(self) -> list[AccountLine]:
        return [line for line in self.lines if line.decision is None]

    @property
    def changes(self) -> list[AccountLine]:
        return [line for line in self.lines if line.changes]


@dataclass(frozen=True)
class Schedule:
    every_months: int
    last_signed: date | None
    due: date
    open_review: int | None

    def overdue(self, today: date) -> bool:
        return self.open_review is None and today >= self.due


@dataclass(frozen=True)
class Task:
    """A signed decision an administrator still has to carry out."""
    review: int
    username: str
    display_name: str
    decision: str
    roles_before: tuple[str, ...]
    roles_after: tuple[str, ...]
    note: str
    signed_by: str
    signed_at: str


# -- reading ------------------------------------------------------------------------------

def _roles(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(json.loads(text or "[]"), key=ROLE_ORDER.index))


def _accounts(conn) -> dict[str, tuple[str, tuple[str, ...], str | None, bool]]:
    """login -> (name, roles, last login, disabled) of every account."""
    u, ur = schema.user.c, schema.user_role.c
    roles: dict[int, list[str]] = {}
    for r in conn.execute(select(ur.user_id, ur.role)):
        roles.setdefault(r.user_id, []).append(r.role)
    return {r.username: (r.display_name or r.username,
                         tuple(sorted(roles.get(r.id, []), key=ROLE_ORDER.index)),
                         r.last_login_at, bool(r.disabled))
            for r in conn.execute(select(u.id, u.username, u.display_name, u.last_login_at,
                                         u.disabled).order_by(func.lower(u.username)))}


def _line(row, accounts) -> AccountLine:
    name, roles_now, last, disabled = accounts.get(row.username, (row.username, (), None,
                                                                  True))
    after = _roles(row.roles_after)
    in_effect = (disabled if row.decision == Decision.DISABLE.value
                 else roles_now == after if row.decision == Decision.ROLES.value else True)
    return AccountLine(row.username, name, _roles(row.roles_before), last, row.decision,
                       after, row.note, bool(row.own_account), row.decided_at, row.done_by,
                       row.done_at, in_effect)


def read_review(conn, review_id: int) -> Review:
    head = conn.execute(select(pr).where(pr.c.id == int(review_id))).first()
    if head is None:
        raise NotFound(_("There is no permission review {number}.").format(number=review_id))
    accounts = _accounts(conn)
    decided = {r.username: _line(r, accounts) for r in conn.execute(
        select(rd).where(rd.c.review_id == head.id))}
    if head.signed_at is None:  # every account still active is to be decided
        for login, (name, roles, last, disabled) in accounts.items():
            if not disabled and login not in decided:
                decided[login] = AccountLine(login, name, roles, last)
    lines = sorted(decided.values(), key=lambda line: line.username.casefold())
    return Review(head.id, head.started_at, head.started_by, head.signed_at, head.signed_by,
                  head.signature_seq, tuple(lines))


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def every_months(conn) -> int:
    raw = conn.execute(select(schema.setting.c.value)
                       .where(schema.setting.c.key == EVERY_MONTHS)).scalar()
    return int(raw) if raw else DEFAULT_MONTHS


def read_schedule(conn, today: date) -> Schedule:
    months = every_months(conn)
    last = conn.execute(select(func.max(pr.c.signed_at))).scalar()
    last_day = clock.parse_stamp(last).astimezone().date() if last else None
    open_id = conn.execute(select(pr.c.id).where(pr.c.signed_at.is_(None))).scalar()
    # The first review falls due one period after the branch began to use Custos.
    due = _months_later(last_day or _began(conn, today), months)
    return Schedule(months, last_day, due, open_id)


def _began(conn, today: date) -> date:
    """The day the database was made (its meta), in the branch's time."""
    m = schema.meta.c
    made = conn.execute(select(m.value).where(m.key == "created_at")).scalar()
    return clock.parse_stamp(made).astimezone().date() if made else today


def _due(plan: Schedule, today: date) -> list[alerts.Due]:
    """The review-due alert (about the branch, no one's own action), once per due date."""
    if today < plan.due:
        return []
    window = plan.due.isoformat()
    return [alerts.Due("review_due", "", window, {"date": plan.due.isoformat()})]


def due_alerts(conn, today: date) -> list[alerts.Due]:
    """For the dashboard, which raises the alerts not raised yet."""
    return _due(read_schedule(conn, today), today)


# -- the manager's work ---------------------------------------------------------------------

@requires(Permission.REVIEW_DECISIONS)
def schedule(session: Session, today: date | None = None) -> Schedule:
    """When the next review is due (and its alert raised, if it is)."""
    day = today or date.today()
    with session.db.read() as conn:
        plan = read_schedule(conn, day)
    alerts.raise_deadlines(session.db, session.username, _due(plan, day))
    return plan


@requires(Permission.COMPLIANCE)
def set_every_months(session: Session, months: int) -> None:
    if not (isinstance(months, int) and 1 <= months <= 24):
        raise ValidationError(_("A review falls due every 1 to 24 months."), field="months")
    with session.db.write() as conn:
        before = every_months(conn)
        record_value(conn, EVERY_MONTHS, str(months))
        audit.append(conn, session.db, actor=session.username, action="review.schedule_set",
                     detail={"before": before, "after": months})


@requires(Permission.COMPLIANCE)
def start_review(session: Session) -> int:
    with session.db.write() as conn:
        open_id = conn.execute(select(pr.c.id).where(pr.c.signed_at.is_(None))).scalar()
        if open_id is not None:
            raise Conflict(_("Review {number} is still open: finish and sign it first.")
                           .format(number=open_id))
        review_id = conn.execute(pr.insert().values(
            started_at=clock.stamp(), started_by=session.username)).inserted_primary_key[0]
        audit.append(conn, session.db, actor=session.username, action="review.started",
                     detail={"review": review_id})
    return review_id


def _open_review(conn, review_id: int):
    head = conn.execute(select(pr).where(pr.c.id == int(review_id))).first()
    if head is None:
        raise NotFound(_("There is no permission review {number}.").format(number=review_id))
    if head.signed_at is not None:
        raise Conflict(_("Review {number} was signed on {date}; a signed review is not "
                         "changed.").format(number=head.id, date=head.signed_at[:10]))
    return head


def _check_decision(decision: str, roles, note: str) -> tuple[Decision, list[str]]:
    try:
        chosen = Decision(decision)
    except ValueError:
        raise ValidationError(_("Decide keep, change roles or disable."),
                              field="decision") from None
    if len(printable(note, "note", multiline=True).strip()) < 3:
        raise ValidationError(_("Write why in a note (what the account is used for)."),
                              field="note")
    if chosen is not Decision.ROLES:
        return chosen, []
    try:
        after = sorted({Role(r).value for r in roles or ()}, key=ROLE_ORDER.index)
    except ValueError:
        raise ValidationError(_("Unknown role; the roles are counter, archive, manager and "
                                "admin."), field="roles") from None
    if not after:
        raise ValidationError(_("Choose the roles the account keeps."), field="roles")
    return chosen, after


@requires(Permission.COMPLIANCE)
def decide(session: Session, review_id: int, username: str, decision: str, note: str,
           roles=None) -> None:
    """Record (or change, until signing) the decision on one account."""
    chosen, after = _check_decision(decision, roles, note)
    with session.db.write() as conn:
        _open_review(conn, review_id)
        line = next((x for x in read_review(conn, review_id).lines
                     if x.username.casefold() == str(username).strip().casefold()), None)
        if line is None:
            raise NotFound(_("There is no active account named {user} to review.")
                           .format(user=username))
        if chosen is Decision.ROLES and tuple(after) == line.roles:
            chosen, after = Decision.KEEP, []  # the same roles: nothing to carry out
        own = line.username.casefold() == session.username.casefold()
        conn.execute(rd.delete().where(rd.c.review_id == int(review_id),
                                       rd.c.username == line.username))
        conn.execute(rd.insert().values(
            review_id=int(review_id), username=line.username,
            roles_before=json.dumps(list(line.roles)), decision=chosen.value,
            roles_after=json.dumps(after) if after else None, note=note.strip()[:1000],
            own_account=int(own), decided_by=session.username, decided_at=clock.stamp()))
        audit.append(conn, session.db, actor=session.username, action="review.decided",
                     detail={"review": int(review_id), "user": line.username,
                             "decision": chosen.value, "roles": after,
                             "own_account": own})


@requires(Permission.COMPLIANCE)
def sign(session: Session, review_id: int) -> Review:
    """Sign off: refused while an account is undecided. The audit event is signed with the
    manager's key like every event; the review keeps its sequence number."""
    with session.db.write() as conn:
        _open_review(conn, review_id)
        review = read_review(conn, review_id)
        if review.undecided:
            raise Conflict(_("{count} accounts have no decision yet: {users}.").format(
                count=len(review.undecided),
                users=", ".join(x.username for x in review.undecided)))
        own = [x.username for x in review.lines if x.own_account]
        at = clock.stamp()
        seq = audit.append(conn, session.db, actor=session.username, action="review.signed",
                           detail={"review": review.id, "accounts": len(review.lines),
                                   "changes": len(review.changes), "own_account": bool(own)})
        conn.execute(pr.update().where(pr.c.id == review.id).values(
            signed_at=at, signed_by=session.username, signature_seq=seq))
        if own:
            alerts.raise_alert(conn, "self_review", session.username, str(review.id),
                               {"review": review.id}, evidence=[seq])
        alerts.close_rule(conn, session.db, "review_due", session.username,
                          _("Permission review {number} signed.").format(number=review.id))
        return read_review(conn, review.id)


@requires(Permission.REVIEW_DECISIONS)
def list_reviews(session: Session) -> list[Review]:
    day = date.today()
    with session.db.read() as conn:
        plan = read_schedule(conn, day)
        ids = conn.execute(select(pr.c.id).order_by(pr.c.id.desc()).limit(200)).scalars()
        found = [read_review(conn, i) for i in list(ids)]
    alerts.raise_deadlines(session.db, session.username, _due(plan, day))
    return found


@requires(Permission.REVIEW_DECISIONS)
def review_details(session: Session, review_id: int) -> Review:
    with session.db.read() as conn:
        return read_review(conn, review_id)


# -- the administrator's tasks --------------------------------------------------------------

def open_tasks_in(conn) -> list[Task]:
    names = read_names(conn)
    rows = conn.execute(
        select(rd, pr.c.signed_by, pr.c.signed_at).join(pr, pr.c.id == rd.c.review_id)
        .where(pr.c.signed_at.is_not(None), rd.c.done_at.is_(None),
               rd.c.decision.in_([Decision.ROLES.value, Decision.DISABLE.value]))
        .order_by(rd.c.review_id, rd.c.username)).all()
    return [Task(r.review_id, r.username, names(r.username), r.decision,
                 _roles(r.roles_before), _roles(r.roles_after), r.note, r.signed_by,
                 r.signed_at) for r in rows]


@requires(Permission.ACCOUNTS_MANAGE)
def open_tasks(session: Session) -> list[Task]:
    with session.db.read() as conn:
        return open_tasks_in(conn)


@requires(Permission.ACCOUNTS_MANAGE)
def carry_out(session: Session, review_id: int, username: str) -> None:
    """Make the change a signed decision asks for (through the account services, which
    check and log it as always), then mark the task done."""
    from app.accounts import users

    task = next((t for t in open_tasks(session) if t.review == int(review_id)
                 and t.username.casefold() == str(username).strip().casefold()), None)
    if task is None:
        raise NotFound(_("Review {number} leaves nothing to do for {user}.").format(
            number=review_id, user=username))
    with session.db.read() as conn:
        _name, roles, _last, disabled = _accounts(conn).get(task.username,
                                                            ("", (), None, True))
    if task.decision == Decision.DISABLE and not disabled:
        users.disable_user(session, task.username)
    elif task.decision == Decision.ROLES and roles != task.roles_after:
        users.set_roles(session, task.username, list(task.roles_after))
    with session.db.write() as conn:
        done = conn.execute(rd.update().where(
            rd.c.review_id == task.review, rd.c.username == task.username,
            rd.c.done_at.is_(None)).values(done_by=session.username, done_at=clock.stamp()))
        if done.rowcount != 1:
            raise Conflict(_("Someone else carried this decision out just now."))
        audit.append(conn, session.db, actor=session.username, action="review.carried_out",
                     detail={"review": task.review, "user": task.username,
                             "decision": task.decision})


# -- the dashboard and the monthly report ---------------------------------------------------

def dashboard_tiles(conn, today: date) -> list[ComplianceTile]:
    plan = read_schedule(conn, today)
    tasks = len(open_tasks_in(conn))
    if plan.open_review is not None:
        value = _("In progress")
        detail = _("Review {number} is waiting to be finished and signed.").format(
            number=plan.open_review)
    elif plan.last_signed is None:
        value, detail = _("Due now"), _("No permission review has been signed yet.")
    else:
        value = plan.due.isoformat()
        detail = _("Last signed on {date}.").format(date=plan.last_signed.isoformat())
    if tasks:
        detail += " " + _("{count} decisions wait for an administrator.").format(count=tasks)
    alarm = plan.overdue(today) or (plan.open_review is not None and today >= plan.due)
    title = _("Permission review overdue") if alarm else _("Next permission review")
    if not alarm and today + DUE_SOON >= plan.due and plan.open_review is None:
        title = _("Permission review due soon")
    return [ComplianceTile("permission_review", value, title, detail, alarm=alarm,
                           tab="reviews")]


@dataclass(frozen=True)
class PeriodRow:
    """One line of the monthly compliance report about permission reviews.

    kind "signed": a review signed in the period (who signed, accounts, changes, changes
    carried out, whether the reviewer decided on their own account); "due": the period
    ended with the review overdue since `day`; "never_reviewed": no review was ever signed
    by the period's end (`day`); "waiting_alert": an alert about a manager's
    own actions (or a review they signed) still open at the period's end, waiting for
    another manager (`who` is whom it is about)."""
    kind: str
    day: str
    who: str = ""
    review: int | None = None
    accounts: int = 0
    changes: int = 0
    carried_out: int = 0
    own_account: bool = False
    alert: int | None = None
    rule: str = ""


def _due_row(conn, last: date, hi: str) -> PeriodRow | None:
    """A review overdue at the period's end (as the records stood then), if one was."""
    signed = conn.execute(select(func.max(pr.c.signed_at)).where(pr.c.signed_at < hi)).scalar()
    if signed is None:
        due = _months_later(_began(conn, last), every_months(conn))
        return PeriodRow("never_reviewed", due.isoformat()) if due <= last else None
    due = _months_later(clock.parse_stamp(signed).astimezone().date(), every_months(conn))
    return PeriodRow("due", due.isoformat()) if due <= last else None


def period_summary(conn, first: date, last: date) -> list[PeriodRow]:
    lo = clock.stamp(clock.local_midnight(first.isoformat()))
    hi = clock.stamp(clock.local_midnight((last + timedelta(days=1)).isoformat()))
    out = []
    for head in conn.execute(select(pr).where(pr.c.signed_at >= lo, pr.c.signed_at < hi)
                             .order_by(pr.c.signed_at)).all():
        review = read_review(conn, head.id)
        out.append(PeriodRow("signed", clock.local_text(head.signed_at)[:10], head.signed_by,
                             head.id, len(review.lines), len(review.changes),
                             sum(1 for x in review.changes if x.done_at),
                             any(x.own_account for x in review.lines)))
    due = _due_row(conn, last, hi)
    if due is not None:
        out.append(due)
    for row in alerts.waiting_for_another_manager(conn, hi):
        out.append(PeriodRow("waiting_alert", clock.local_text(row.created_at)[:10], row.actor,
                             alert=row.id, rule=row.rule))
    return out
