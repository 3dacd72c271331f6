"""Reading and checking archive rows, shared by the archive services (no entry points here).

Customer columns are limited to the number and the name: archive clerks never see
identity details, so no archive query selects them. The name is sealed under the `names`
key (app/store/fields.py): it is opened here, with the session's keys, for the rows shown.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Row

from app import clock
from app.archive.model import (
    OPEN_BATCH_STATES,
    OPEN_LOAN_STATES,
    OUT_STATES,
    FileStatus,
    Loan,
    LoanStatus,
    PaperFile,
)
from app.archive.tables import (
    destruction_batch,
    destruction_item,
    file_transfer,
    loan,
    notification,
    paper_file,
)
from app.customers.tables import customer
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.store import schema
from app.store.fields import FieldKeys
from app.text import printable


def today_or(today: date | str | None) -> date:
    """The given day, or the local date now (from app.clock, so tests can move it)."""
    if today is None:
        return clock.now_utc().astimezone().date()
    if isinstance(today, datetime):
        return today.date()
    if isinstance(today, date):
        return today
    return date.fromisoformat(str(today))


def parse_day(value: date | str | None, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError(_("Enter the date as YYYY-MM-DD."), field=field) from None


def local_day(stamp: str) -> date:
    """The local calendar day of a stored UTC stamp."""
    return clock.parse_stamp(stamp).astimezone().date()


def clean(value: object, field: str, limit: int, missing: str | None = None) -> str:
    """Whitespace-normalised text; `missing` is the sentence when it must not be empty."""
    text = " ".join(printable(value, field, multiline=True).split())
    if missing is not None and not text:
        raise ValidationError(missing, field=field)
    if len(text) > limit:
        raise ValidationError(_("This text is too long (at most {limit} characters).")
                              .format(limit=limit), field=field)
    return text


def normalise_file_no(file_no: object) -> str:
    return str(file_no if file_no is not None else "").strip().upper()


def file_select():
    """Files with their customer's number and name, and the borrower while out."""
    return (select(paper_file, customer.c.customer_no, customer.c.name.label("customer_name"),
                   loan.c.borrower.label("out_to"), loan.c.due_date.label("out_due"))
            .outerjoin(customer, customer.c.id == paper_file.c.customer_id)
            .outerjoin(loan, and_(loan.c.file_id == paper_file.c.id,
                                  loan.c.status.in_([s.value for s in OUT_STATES]))))


def location_text(room: str, cabinet: str, shelf: str, box: str) -> str:
    return " / ".join(part for part in (room, cabinet, shelf, box) if part)


def customer_name_of(r: Row, keys: FieldKeys | None) -> str | None:
    """The file's customer's name, opened (`r` from file_select); None without `keys` (a
    record that shows customers by number only)."""
    if keys is None or r.customer_name is None:
        return None
    return keys.open("customer", "name", r.customer_id, r.customer_name)


def file_from_row(r: Row, keys: FieldKeys | None) -> PaperFile:
    """`keys`: the session's (`session.db.fields`) to show the customer's name, or None."""
    return PaperFile(
        file_no=r.file_no, kind=r.kind, customer_no=r.customer_no,
        customer_name=customer_name_of(r, keys),
        description=r.description, location=location_text(r.room, r.cabinet, r.shelf, r.box),
        room=r.room, cabinet=r.cabinet, shelf=r.shelf, box=r.box, received_on=r.received_on,
        retain_until=r.retain_until, status=r.status, sensitive=bool(r.sensitive),
        on_loan_to=r.out_to, due_date=r.out_due, retain_override_reason=r.retain_override_reason)


def file_row(conn: Connection, file_no: object) -> Row:
    number = normalise_file_no(file_no)
    row = conn.execute(file_select().where(paper_file.c.file_no == number)).first()
    if row is None:
        raise NotFound(_("No paper file has the number {number}.").format(number=number or "-"))
    return row


def customer_ref(conn: Connection, customer_no: object) -> Row:
    """Id and number of a customer — nothing else."""
    number = str(customer_no or "").strip().upper()
    row = conn.execute(select(customer.c.id, customer.c.customer_no)
                       .where(customer.c.customer_no == number)).first()
    if row is None:
        raise NotFound(_("There is no customer {number}.").format(number=number or "-"))
    return row


def refuse_if_destroyed(row: Row) -> None:
    if row.status == FileStatus.DESTROYED:
        raise Conflict(_("File {number} has been destroyed; its record can no longer be "
                         "changed.").format(number=row.file_no))


def open_loan_of(conn: Connection, file_id: int) -> Row | None:
    return conn.execute(select(loan).where(
        loan.c.file_id == file_id, loan.c.status.in_([s.value for s in OPEN_LOAN_STATES]))
        .order_by(loan.c.id.desc()).limit(1)).first()


def open_batch_of(conn: Connection, file_id: int) -> str | None:
    return conn.execute(
        select(destruction_batch.c.batch_no)
        .join(destruction_item, destruction_item.c.batch_id == destruction_batch.c.id)
        .where(destruction_item.c.file_id == file_id,
               destruction_batch.c.status.in_([s.value for s in OPEN_BATCH_STATES]))
        .limit(1)).scalar()


def open_transfer_of(conn: Connection, file_id: int) -> int | None:
    return conn.execute(select(file_transfer.c.id).where(
        file_transfer.c.file_id == file_id,
        file_transfer.c.status.in_(["requested", "approved"])).limit(1)).scalar()


def check_lendable(conn: Connection, row: Row) -> None:
    """The file is in the archive room, free of other requests and of destruction."""
    number = row.file_no
    if row.status == FileStatus.ON_LOAN:
        raise Conflict(_("File {number} is already on loan.").format(number=number))
    if row.status == FileStatus.DESTROYED:
        raise Conflict(_("File {number} has been destroyed and cannot be lent.")
                       .format(number=number))
    if row.status == FileStatus.TRANSFERRED:
        raise Conflict(_("File {number} has been transferred to another unit and cannot be "
                         "lent.").format(number=number))
    if row.status == FileStatus.LOST:
        raise Conflict(_("File {number} is recorded as lost and cannot be lent.")
                       .format(number=number))
    pending = open_loan_of(conn, row.id)
    if pending is not None:
        raise Conflict(_("File {number} already has an open loan request ({status}).")
                       .format(number=number, status=LoanStatus(pending.status).label))
    batch = open_batch_of(conn, row.id)
    if batch is not None:
        raise Conflict(_("File {number} is in destruction batch {batch} and cannot be lent.")
                       .format(number=number, batch=batch))
    if open_transfer_of(conn, row.id) is not None:
        raise Conflict(_("File {number} is being transferred and cannot be lent.")
                       .format(number=number))


def staff_username(conn: Connection, username: object, field: str = "borrower") -> str:
    """The account's own spelling of an existing, enabled username."""
    name = str(username or "").strip()
    row = conn.execute(select(schema.user.c.username, schema.user.c.disabled)
                       .where(func.lower(schema.user.c.username) == name.lower())).first()
    if not name or row is None:
        raise ValidationError(_("There is no staff account named {user}.").format(
            user=name or "-"), field=field)
    if row.disabled:
        raise ValidationError(_("The account {user} is disabled.").format(user=row.username),
                              field=field)
    return row.username


def notify(conn: Connection, audience: str, kind: str, subject: str, detail: dict) -> None:
    conn.execute(notification.insert().values(
        audience=audience, kind=kind, subject=subject, created_at=clock.stamp(),
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True)))


def loan_select():
    return (select(loan, paper_file.c.file_no, paper_file.c.kind.label("file_kind"),
                   customer.c.customer_no)
            .join(paper_file, paper_file.c.id == loan.c.file_id)
            .outerjoin(customer, customer.c.id == paper_file.c.customer_id))


def days_overdue(r: Row, today: date) -> int:
    if r.status not in OUT_STATES:
        return 0
    return max(0, (today - date.fromisoformat(r.due_date)).days)


def loan_from_row(r: Row, today: date) -> Loan:
    return Loan(
        id=r.id, file_no=r.file_no, borrower_kind=r.borrower_kind, borrower=r.borrower,
        purpose=r.purpose, status=r.status, requested_at=r.requested_at,
        requested_by=r.requested_by, due_date=r.due_date, needs_approval=bool(r.needs_approval),
        decided_by=r.decided_by, lent_at=r.lent_at, renewals=r.renewals,
        returned_at=r.returned_at, received_by=r.received_by, condition=r.condition,
        condition_note=r.condition_note, days_overdue=days_overdue(r, today),
        decided_at=r.decided_at, decision_note=r.decision_note, lent_by=r.lent_by,
        closed_note=r.closed_note, escalation=r.escalation, anonymised_at=r.anonymised_at,
        file_kind=r.file_kind, customer_no=r.customer_no)


def loan_row(conn: Connection, loan_id: object) -> Row:
    try:
        key = int(str(loan_id).strip())
    except ValueError:
        key = None
    row = conn.execute(loan_select().where(loan.c.id == key)).first() if key else None
    if row is None:
        raise NotFound(_("There is no loan number {number}.").format(number=loan_id))
    return row


def branch_name(conn: Connection) -> str:
    value = conn.execute(select(schema.setting.c.value)
                         .where(schema.setting.c.key == "branch_name")).scalar()
    return value.strip() if value and value.strip() else _("Custos branch")
