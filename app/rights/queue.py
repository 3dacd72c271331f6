"""The requests list a page at a time: the ids in deadline order (one query), then the rows
of one page (one query, customer names opened with the session's keys), and the counts
(one query) — the way the customer list reads, however many requests there are.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from app.customers.records import customer_row
from app.customers.tables import customer
from app.rights.model import OPEN_STATES
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

r = rights_request.c
DUE_IN_FORCE = func.coalesce(r.extended_to, r.due_date)
IS_OPEN = r.status.in_([s.value for s in OPEN_STATES])


@dataclass(frozen=True)
class RequestLine:
    """One row of the requests list."""

    request_no: str
    customer_no: str
    customer_name: str
    kind: str
    status: str
    due_date: str   # the deadline in force (extended, if it was)
    is_open: bool
    overdue: bool


def _day(today: date | None) -> str:
    return (today or date.today()).isoformat()


@requires(Permission.REQUEST_TAKE)
def request_ids(session: Session, open_only: bool = True, overdue_only: bool = False,
                customer_no: str | None = None, today: date | None = None) -> array:
    """The ids of the requests asked for, soonest deadline first."""
    conditions = []
    if open_only or overdue_only:
        conditions.append(IS_OPEN)
    if overdue_only:
        conditions.append(DUE_IN_FORCE < _day(today))
    with session.db.read() as conn:
        if customer_no:
            conditions.append(r.customer_id == customer_row(conn, customer_no).id)
        ids = conn.execute(select(r.id).where(*conditions)
                           .order_by(DUE_IN_FORCE, r.request_no)).scalars().all()
    return array("q", ids)


@requires(Permission.REQUEST_TAKE)
def request_id_of(session: Session, request_no: str) -> int | None:
    """The id under which a request stands in `request_ids` (to keep it chosen)."""
    with session.db.read() as conn:
        return conn.execute(select(r.id).where(r.request_no == request_no.strip().upper())
                            ).scalar()


@requires(Permission.REQUEST_TAKE)
def request_lines(session: Session, ids: Sequence[int], today: date | None = None
                  ) -> list[RequestLine | None]:
    """The rows for these ids, in their order (None for one gone meanwhile)."""
    if not len(ids):
        return []
    day = _day(today)
    with session.db.read() as conn:
        rows = conn.execute(select(r.id, r.request_no, r.kind, r.status, r.customer_id,
                                   DUE_IN_FORCE.label("due"), customer.c.customer_no,
                                   customer.c.name)
                            .join(customer, customer.c.id == r.customer_id)
                            .where(r.id.in_(list(ids)))).all()
    keys = session.db.fields
    open_values = {s.value for s in OPEN_STATES}
    by_id = {row.id: RequestLine(
        request_no=row.request_no, customer_no=row.customer_no,
        customer_name=keys.open("customer", "name", row.customer_id, row.name),
        kind=row.kind, status=row.status, due_date=row.due,
        is_open=row.status in open_values,
        overdue=row.status in open_values and row.due < day) for row in rows}
    return [by_id.get(i) for i in ids]


@requires(Permission.REQUEST_TAKE)
def request_counts(session: Session, today: date | None = None) -> dict[str, int]:
    """For the list's summary line and the dashboard: open, due within 7 days, overdue."""
    day = today or date.today()
    week = (day + timedelta(days=7)).isoformat()
    late = DUE_IN_FORCE < day.isoformat()
    soon = and_(DUE_IN_FORCE >= day.isoformat(), DUE_IN_FORCE <= week)
    with session.db.read() as conn:
        row = conn.execute(select(func.count(),
                                  func.sum(case((soon, 1), else_=0)),
                                  func.sum(case((late, 1), else_=0)))
                           .where(IS_OPEN)).one()
    return {"open": row[0], "due_this_week": int(row[1] or 0), "overdue": int(row[2] or 0)}
