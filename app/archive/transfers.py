"""Transfer of a paper file to another department or branch: requested by the archive,
approved by a manager, completed on the day it leaves. The record stays; the file leaves the
active registry (status transferred)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from app import audit, clock
from app.archive.model import FileStatus, Transfer, TransferStatus
from app.archive.queries import (
    clean,
    file_row,
    local_day,
    open_batch_of,
    open_loan_of,
    open_transfer_of,
    parse_day,
    refuse_if_destroyed,
    today_or,
)
from app.archive.tables import file_transfer, paper_file
from app.customers.tables import customer
from app.errors import Conflict, NotFound
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

_OPEN = (TransferStatus.REQUESTED.value, TransferStatus.APPROVED.value)


def _select():
    return (select(file_transfer, paper_file.c.file_no, customer.c.customer_no)
            .join(paper_file, paper_file.c.id == file_transfer.c.file_id)
            .outerjoin(customer, customer.c.id == paper_file.c.customer_id))


def _from_row(r: Row) -> Transfer:
    return Transfer(id=r.id, file_no=r.file_no, to_unit=r.to_unit, receiver=r.receiver,
                    reason=r.reason, status=r.status, requested_by=r.requested_by,
                    requested_at=r.requested_at, decided_by=r.decided_by,
                    decided_at=r.decided_at, transferred_on=r.transferred_on)


def _transfer_row(conn: Connection, transfer_id: object) -> Row:
    try:
        key = int(str(transfer_id).strip())
    except ValueError:
        key = None
    row = conn.execute(_select().where(file_transfer.c.id == key)).first() if key else None
    if row is None:
        raise NotFound(_("There is no transfer number {number}.").format(number=transfer_id))
    return row


def _movable(conn: Connection, frow: Row) -> None:
    """The file is in the archive room and nothing else claims it."""
    refuse_if_destroyed(frow)
    if frow.status != FileStatus.IN_ARCHIVE:
        raise Conflict(_("File {number} is not in the archive room (it is {status}).")
                       .format(number=frow.file_no, status=FileStatus(frow.status).label))
    if open_loan_of(conn, frow.id) is not None:
        raise Conflict(_("File {number} has an open loan; settle it before a transfer.")
                       .format(number=frow.file_no))
    batch = open_batch_of(conn, frow.id)
    if batch is not None:
        raise Conflict(_("File {number} is in destruction batch {batch} and cannot be "
                         "transferred.").format(number=frow.file_no, batch=batch))


def _event(conn: Connection, session: Session, action: str, row: Row, **detail) -> None:
    audit.append(conn, session.db, actor=session.username, action=action,
                 customer_ref=row.customer_no,
                 detail={"transfer_id": row.id, "file_no": row.file_no, **detail})


def _decide(conn: Connection, row: Row, status: TransferStatus, who: str) -> None:
    if row.status != TransferStatus.REQUESTED:
        raise Conflict(_("Transfer {number} is not waiting for approval (it is {status}).")
                       .format(number=row.id, status=TransferStatus(row.status).label))
    conn.execute(file_transfer.update().where(file_transfer.c.id == row.id).values(
        status=status.value, decided_by=who, decided_at=clock.stamp()))


@requires(Permission.FILE_MANAGE)
def request_transfer(session: Session, file_no: str, to_unit: str, receiver: str,
                     reason: str) -> int:
    """Returns the transfer id; the file stays in the archive until the transfer is done."""
    unit = clean(to_unit, "to_unit", 100, _("Name the department or branch that receives "
                                            "the file."))
    person = clean(receiver, "receiver", 100, _("Name the person who receives the file."))
    why = clean(reason, "reason", 500, _("Give the reason for the transfer."))
    with session.db.write() as conn:
        frow = file_row(conn, file_no)
        _movable(conn, frow)
        pending = open_transfer_of(conn, frow.id)
        if pending is not None:
            raise Conflict(_("File {number} already has an open transfer ({transfer}).")
                           .format(number=frow.file_no, transfer=pending))
        tid = conn.execute(file_transfer.insert().values(
            file_id=frow.id, to_unit=unit, receiver=person, reason=why,
            status=TransferStatus.REQUESTED.value, requested_by=session.username,
            requested_at=clock.stamp())).inserted_primary_key[0]
        audit.append(conn, session.db, actor=session.username, action="transfer.requested",
                     customer_ref=frow.customer_no,
                     detail={"transfer_id": tid, "file_no": frow.file_no, "to_unit": unit,
                             "reason": why[:200]})
    return tid


@requires(Permission.FILE_APPROVE)
def approve_transfer(session: Session, transfer_id: int, note: str = "") -> None:
    """The decision note is kept in the audit event (the transfer table has no column)."""
    text = clean(note, "note", 500)
    with session.db.write() as conn:
        row = _transfer_row(conn, transfer_id)
        if row.requested_by.lower() == session.username.lower():
            raise Conflict(_("You cannot approve a transfer you asked for; another manager "
                             "must."))
        _decide(conn, row, TransferStatus.APPROVED, session.username)
        _event(conn, session, "transfer.approved", row, note=text[:200])


@requires(Permission.FILE_APPROVE)
def refuse_transfer(session: Session, transfer_id: int, note: str) -> None:
    text = clean(note, "note", 500, _("Say why the transfer is refused."))
    with session.db.write() as conn:
        row = _transfer_row(conn, transfer_id)
        _decide(conn, row, TransferStatus.REFUSED, session.username)
        _event(conn, session, "transfer.refused", row, note=text[:200])


@requires(Permission.FILE_MANAGE)
def complete_transfer(session: Session, transfer_id: int, transferred_on: date | str,
                      today: date | None = None) -> None:
    """The file has left: transfer done, file transferred (its record stays)."""
    day = today_or(today)
    when = parse_day(transferred_on, "transferred_on")
    with session.db.write() as conn:
        row = _transfer_row(conn, transfer_id)
        if row.status != TransferStatus.APPROVED:
            raise Conflict(_("Transfer {number} must be approved before it is completed (it "
                             "is {status}).").format(number=row.id,
                                                     status=TransferStatus(row.status).label))
        if when > day or when < local_day(row.requested_at):
            raise Conflict(_("The transfer date must lie between the request ({start}) and "
                             "today.").format(start=local_day(row.requested_at).isoformat()))
        frow = file_row(conn, row.file_no)
        refuse_if_destroyed(frow)
        if frow.status != FileStatus.IN_ARCHIVE or open_loan_of(conn, frow.id) is not None:
            raise Conflict(_("File {number} is not in the archive room (it is {status}).")
                           .format(number=frow.file_no, status=FileStatus(frow.status).label))
        conn.execute(file_transfer.update().where(file_transfer.c.id == row.id).values(
            status=TransferStatus.DONE.value, transferred_on=when.isoformat()))
        conn.execute(paper_file.update().where(paper_file.c.id == frow.id).values(
            status=FileStatus.TRANSFERRED.value, updated_at=clock.stamp()))
        _event(conn, session, "transfer.completed", row, to_unit=row.to_unit,
               transferred_on=when.isoformat())


@requires(Permission.FILE_VIEW)
def transfers_of_file(session: Session, file_no: str) -> list[Transfer]:
    with session.db.read() as conn:
        frow = file_row(conn, file_no)
        rows = conn.execute(_select().where(file_transfer.c.file_id == frow.id)
                            .order_by(file_transfer.c.id.desc())).all()
    return [_from_row(r) for r in rows]


@requires(Permission.FILE_APPROVE)
def pending_transfers(session: Session) -> list[Transfer]:
    """Transfers a manager must decide, oldest first."""
    with session.db.read() as conn:
        rows = conn.execute(_select().where(file_transfer.c.status ==
                                            TransferStatus.REQUESTED.value)
                            .order_by(file_transfer.c.id)).all()
    return [_from_row(r) for r in rows]


@requires(Permission.FILE_VIEW)
def open_transfers(session: Session) -> list[Transfer]:
    """Requested or approved, not yet done (the archive's to-do list)."""
    with session.db.read() as conn:
        rows = conn.execute(_select().where(file_transfer.c.status.in_(_OPEN))
                            .order_by(file_transfer.c.id)).all()
    return [_from_row(r) for r in rows]


__all__ = ["approve_transfer", "complete_transfer", "open_transfers", "pending_transfers",
           "refuse_transfer", "request_transfer", "transfers_of_file"]
