"""A customer at a glance: what is going on with them, gathered in one read.

Identity (masked), the services in use with their plans, open cases and open rights
requests with their due dates, consents in force and withdrawn, and the customer's paper
files out on loan (holder by name). It is part of opening the record: it needs the purpose
registered by `open_customer` (whose `customer.opened` event covers it, as it covers the
other tabs), and the same role as that.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.names import read_names
from app.archive.model import BorrowerKind, LoanStatus
from app.archive.tables import loan, paper_file
from app.customers.model import CaseStatus, ConsentState, Identity, ServiceRecord, ServiceStatus
from app.customers.records import (
    customer_row,
    load_consents,
    load_services,
    masked_identity,
    purpose_for,
)
from app.customers.services import local_today
from app.customers.tables import service_case
from app.rights.model import OPEN_STATES as OPEN_REQUESTS
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

OPEN_CASES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED)


@dataclass(frozen=True)
class OpenItem:
    """An open case or rights request: its number, kind, status and when it is due."""
    number: str
    kind: str
    status: str
    due_date: str
    overdue: bool
    summary: str = ""


@dataclass(frozen=True)
class FileOut:
    file_no: str
    kind: str
    holder: str      # a member of staff by name, or the outside borrower as written
    due_date: str
    overdue: bool


@dataclass(frozen=True)
class Overview:
    identity: Identity
    services: tuple[ServiceRecord, ...]   # active and suspended, not ended
    cases: tuple[OpenItem, ...]
    requests: tuple[OpenItem, ...]
    consents: tuple[ConsentState, ...]    # the current state per purpose
    files_out: tuple[FileOut, ...]

    @property
    def in_force(self) -> tuple[ConsentState, ...]:
        return tuple(c for c in self.consents if c.granted)

    @property
    def withdrawn(self) -> tuple[ConsentState, ...]:
        return tuple(c for c in self.consents if not c.granted)


def _open_cases(conn, keys, customer_id: int, today: str) -> tuple[OpenItem, ...]:
    c = service_case.c
    rows = conn.execute(select(c.id, c.case_no, c.kind, c.status, c.due_date, c.summary)
                        .where(c.customer_id == customer_id,
                               c.status.in_([s.value for s in OPEN_CASES]))
                        .order_by(c.due_date, c.case_no)).all()
    return tuple(OpenItem(r.case_no, r.kind, r.status, r.due_date, r.due_date < today,
                          keys.open("service_case", "summary", r.id, r.summary))
                 for r in rows)


def _open_requests(conn, customer_id: int, today: str) -> tuple[OpenItem, ...]:
    q = rights_request.c
    rows = conn.execute(select(q.request_no, q.kind, q.status, q.due_date, q.extended_to)
                        .where(q.customer_id == customer_id,
                               q.status.in_([s.value for s in OPEN_REQUESTS]))
                        .order_by(q.due_date, q.request_no)).all()
    due = [(r, r.extended_to or r.due_date) for r in rows]
    return tuple(OpenItem(r.request_no, r.kind, r.status, d, d < today) for r, d in due)


def _files_out(conn, customer_id: int, today: str) -> tuple[FileOut, ...]:
    f, ln = paper_file.c, loan.c
    # The customer's few files first (paper_file_by_customer), their loans by file: a filter
    # on the loan's status would lead the planner to scan every loan out (loan_by_status).
    rows = conn.execute(select(f.file_no, f.kind, ln.borrower, ln.borrower_kind, ln.due_date,
                               ln.status)
                        .join(loan, ln.file_id == f.id)
                        .where(f.customer_id == customer_id)).all()
    rows = sorted((r for r in rows if r.status == LoanStatus.ON_LOAN.value),
                  key=lambda r: (r.due_date, r.file_no))
    names = read_names(conn)
    return tuple(FileOut(r.file_no, r.kind,
                         names(r.borrower) if r.borrower_kind == BorrowerKind.STAFF else r.borrower,
                         r.due_date, r.due_date < today) for r in rows)


@requires(Permission.CUSTOMER_OPEN)
def customer_overview(session: Session, customer_no: str) -> Overview:
    """The overview tab's content; needs the purpose registered when the record was opened."""
    purpose_for(session, customer_no, None)
    keys, today = session.db.fields, local_today().isoformat()
    with session.db.read() as conn:
        row = customer_row(conn, customer_no, keys)
        services = tuple(s for s in load_services(conn, row.id, keys=keys)
                         if s.status != ServiceStatus.ENDED.value)
        return Overview(identity=masked_identity(row), services=services,
                        cases=_open_cases(conn, keys, row.id, today),
                        requests=_open_requests(conn, row.id, today),
                        consents=tuple(load_consents(conn, row.id)),
                        files_out=_files_out(conn, row.id, today))
