"""Access-log review and alerts for managers: the log as a filterable list (ids first, rows
on demand, so millions of events stay fast), alerts and their acknowledgement, thresholds,
and the periodic permission review."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from app import audit, audit_actions, clock
from app.accounts.names import display_names, name_of
from app.oversight import alerts
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import schema
from app.store.fields import open_detail

ev = schema.audit_event


@dataclass(frozen=True)
class LogFilter:
    actor: str = ""
    customer_no: str = ""
    action: str = ""          # exact action, or a prefix ending in "." (e.g. "customer.")
    actions: tuple[str, ...] = ()  # any of these (a group of the catalogue, app.audit_actions)
    purpose: str = ""
    since: str = ""           # YYYY-MM-DD, local dates
    until: str = ""


@dataclass(frozen=True)
class LogRow:
    seq: int
    at: str
    actor: str
    action: str
    outcome: str
    customer_ref: str
    purpose: str
    detail: str
    actor_name: str = ""  # the account's display name (its login if it has none any more)
    sentence: str = ""    # the event in words, in the current language (app.audit_actions)


def _conditions(f: LogFilter) -> list:
    out = []
    if f.actor:
        out.append(ev.c.actor == f.actor.strip())
    if f.customer_no:
        out.append(ev.c.customer_ref == f.customer_no.strip().upper())
    if f.action:
        a = f.action.strip()
        out.append(and_(ev.c.action >= a, ev.c.action < a + "\U0010ffff") if a.endswith(".")
                   else ev.c.action == a)
    if f.actions:
        out.append(ev.c.action.in_(list(f.actions)))
    if f.purpose == "other":  # stored as "other: <the words given>"
        out.append(and_(ev.c.purpose >= "other", ev.c.purpose < "other\U0010ffff"))
    elif f.purpose:
        out.append(ev.c.purpose == f.purpose)
    if f.since:
        out.append(ev.c.at >= clock.stamp(clock.local_midnight(f.since)))
    if f.until:
        end = date.fromisoformat(f.until) + timedelta(days=1)
        out.append(ev.c.at < clock.stamp(clock.local_midnight(end.isoformat())))
    return out


@requires(Permission.OVERSIGHT)
def search_log(session: Session, f: LogFilter, limit: int = 2_000_000) -> array:
    """Sequence numbers of matching events, newest first (8 bytes each).

    Ordered by time (then sequence): every filter has an index ending in `at`, so the rows
    come out of the index in order, with no sort and no pass over the whole log."""
    q = select(ev.c.seq).where(*_conditions(f)).order_by(ev.c.at.desc(), ev.c.seq.desc()
                                                          ).limit(limit)
    with session.db.read() as conn:
        seqs = array("q", conn.execute(q).scalars())
    audit.record(session.db, actor=session.username, action="audit.reviewed",
                 detail={k: list(v) if isinstance(v, tuple) else v
                         for k, v in f.__dict__.items() if v} | {"rows": len(seqs)})
    return seqs


@requires(Permission.OVERSIGHT)
def log_rows(session: Session, seqs: Sequence[int]) -> list[LogRow]:
    """A page of the log. Details were masked when written; they are shown as stored."""
    if not len(seqs):
        return []
    with session.db.read() as conn:
        rows = {r.seq: r for r in conn.execute(select(ev).where(ev.c.seq.in_(list(seqs))))}
        names = display_names(conn)
    keys = session.db.fields
    return [_row(r, open_detail(keys, r.detail), names) for s in seqs if (r := rows.get(s))]


def _row(r, detail: str, names: dict[str, str]) -> LogRow:
    sentence = audit_actions.describe_text(r.action, actor=r.actor, customer_ref=r.customer_ref,
                                           purpose=r.purpose, detail=detail, names=names)
    return LogRow(r.seq, r.at, r.actor, r.action, r.outcome, r.customer_ref or "",
                  r.purpose or "", detail, name_of(names, r.actor), sentence)


@requires(Permission.OVERSIGHT)
def staff_names(session: Session) -> dict[str, str]:
    """login -> display name of every account, for the log's user filter."""
    with session.db.read() as conn:
        return display_names(conn)


@requires(Permission.OVERSIGHT)
def list_alerts(session: Session, open_only: bool = True) -> list[alerts.Alert]:
    with session.db.read() as conn:
        return alerts.list_alerts_impl(conn, open_only)


@requires(Permission.OVERSIGHT)
def acknowledge_alert(session: Session, alert_id: int, note: str) -> None:
    with session.db.write() as conn:
        alerts.acknowledge_impl(conn, session.db, session, alert_id, note)


@requires(Permission.OVERSIGHT)
def alert_thresholds(session: Session) -> dict[str, dict]:
    with session.db.read() as conn:
        return alerts.thresholds(conn)


@requires(Permission.OVERSIGHT)
def set_alert_thresholds(session: Session, values: dict[str, dict]) -> None:
    with session.db.write() as conn:
        alerts.set_thresholds_impl(conn, session.db, session, values)


@dataclass(frozen=True)
class AccountReview:
    username: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    last_login_at: str | None
    actions_in_period: int
    unused_90_days: bool


@requires(Permission.OVERSIGHT)
def permission_review(session: Session, since: str, until: str,
                      today: date | None = None) -> list[AccountReview]:
    """Every account, its roles, last login, actions in the period; unused for 90 days
    flagged — the regulation asks for regular review and clean-up of permissions."""
    day = today or date.today()
    stale = clock.stamp(clock.local_midnight((day - timedelta(days=90)).isoformat()))
    f = LogFilter(since=since, until=until)
    with session.db.read() as conn:
        users = conn.execute(select(schema.user).order_by(schema.user.c.username)).all()
        roles: dict[int, list[str]] = {}
        for r in conn.execute(select(schema.user_role)):
            roles.setdefault(r.user_id, []).append(r.role)
        counts = dict(conn.execute(select(ev.c.actor, func.count()).where(*_conditions(f))
                                   .group_by(ev.c.actor)).all())
    order = [r.value for r in Role]
    return [AccountReview(u.username, u.display_name,
                          tuple(sorted(roles.get(u.id, []), key=order.index)), bool(u.disabled),
                          u.last_login_at, counts.get(u.username, 0),
                          not u.disabled and (u.last_login_at or u.created_at) < stale)
            for u in users]


def open_alert_count(conn) -> int:
    return alerts.count_open(conn)


