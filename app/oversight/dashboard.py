"""The manager's dashboard: the counts and series behind each tile and chart, in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from app.archive.tables import loan
from app.compliance.tiles import ComplianceTile, deadlines, gather
from app.customers.model import CaseStatus
from app.customers.tables import service_case
from app.oversight.alerts import count_open, raise_deadlines
from app.rights.model import OPEN_STATES, RequestKind, RequestStatus
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import LAST_BACKUP, LAST_VERIFIED, read
from app.store import dialect

OPEN_CASES = (CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value, CaseStatus.REOPENED.value)


@dataclass(frozen=True)
class Dashboard:
    cases_open: dict[str, int]
    cases_overdue: dict[str, int]
    requests: dict[str, int]          # open, due_this_week, overdue
    files: dict[str, int]             # on_loan, overdue, awaiting_approval
    erasures_awaiting: int
    alerts_open: int
    last_backup: str                  # "stamp|file" or ""
    last_verified: str
    cases_per_month: dict[str, dict[str, int]] = field(default_factory=dict)  # month -> kind
    turnaround: list[tuple[str, int, int]] = field(default_factory=list)  # (no, days, allowed)
    compliance: list[ComplianceTile] = field(default_factory=list)  # app/compliance/tiles.py


def _months(today: date, n: int = 12) -> list[str]:
    out, year, month = [], today.year, today.month
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


@requires(Permission.OVERSIGHT)
def dashboard(session: Session, today: date | None = None) -> Dashboard:
    day = today or date.today()
    iso = day.isoformat()
    week = (day + timedelta(days=7)).isoformat()
    months = _months(day)
    with session.db.read() as conn:  # deadlines passed become alerts before they are counted
        due = deadlines(conn, day)
    raise_deadlines(session.db, session.username, due)
    with session.db.read() as conn:
        c = service_case.c
        open_rows = conn.execute(select(c.kind, func.count()).where(c.status.in_(OPEN_CASES))
                                 .group_by(c.kind)).all()
        overdue_rows = conn.execute(select(c.kind, func.count()).where(
            c.status.in_(OPEN_CASES), c.due_date < iso).group_by(c.kind)).all()
        per_month: dict[str, dict[str, int]] = {m: {} for m in months}
        for month, kind, n in conn.execute(
                select(dialect.month(c.created_at), c.kind, func.count())
                .where(c.created_at >= months[0]).group_by(dialect.month(c.created_at),
                                                           c.kind)):
            if month in per_month:
                per_month[month][kind] = n
        r = rights_request.c
        due = func.coalesce(r.extended_to, r.due_date)
        open_states = [s.value for s in OPEN_STATES]
        requests = {
            "open": conn.execute(select(func.count()).where(r.status.in_(open_states))
                                 ).scalar_one(),
            "due_this_week": conn.execute(select(func.count()).where(
                r.status.in_(open_states), due >= iso, due <= week)).scalar_one(),
            "overdue": conn.execute(select(func.count()).where(
                r.status.in_(open_states), due < iso)).scalar_one(),
        }
        erasures = conn.execute(select(func.count()).where(
            r.status.in_(open_states), r.kind == RequestKind.ERASURE.value)).scalar_one()
        turnaround = []
        for row in conn.execute(select(r.request_no, r.received_at, r.decided_at, r.due_date,
                                       r.extended_to)
                                .where(r.status.in_([RequestStatus.COMPLETED.value,
                                                     RequestStatus.REFUSED.value]),
                                       r.decided_at >= months[0])
                                .order_by(r.decided_at)):
            received = date.fromisoformat(row.received_at[:10])
            took = (date.fromisoformat(row.decided_at[:10]) - received).days
            allowed = (date.fromisoformat(row.extended_to or row.due_date) - received).days
            turnaround.append((row.request_no, took, allowed))
        lc = loan.c
        files = {
            "on_loan": conn.execute(select(func.count()).where(
                lc.status.in_(["on_loan", "claimed_returned"]))).scalar_one(),
            "overdue": conn.execute(select(func.count()).where(and_(
                lc.status.in_(["on_loan", "claimed_returned"]), lc.due_date < iso))
            ).scalar_one(),
            "awaiting_approval": conn.execute(select(func.count()).where(and_(
                lc.status == "requested", lc.needs_approval == 1))).scalar_one(),
        }
        alerts_open = count_open(conn)
        compliance = gather(conn, day)
    return Dashboard(dict(open_rows), dict(overdue_rows), requests, files, erasures,
                     alerts_open, read(session.db, LAST_BACKUP), read(session.db, LAST_VERIFIED),
                     per_month, turnaround, compliance)
