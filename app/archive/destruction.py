"""Destruction of paper files on record: the files due, a batch proposed by the archive and
approved by a manager, and the destruction recorded with method, date and two witnesses.

Once recorded, neither the files nor the batch can change: these services refuse with a
sentence, and the database triggers refuse any write that gets past them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.engine import Connection, Row

from app import audit, clock
from app.archive.model import (
    OPEN_BATCH_STATES,
    OPEN_LOAN_STATES,
    Batch,
    BatchStatus,
    DestructionMethod,
    FileStatus,
    PaperFile,
)
from app.archive.queries import (
    clean,
    file_from_row,
    file_row,
    file_select,
    local_day,
    normalise_file_no,
    notify,
    open_batch_of,
    open_loan_of,
    open_transfer_of,
    parse_day,
    today_or,
)
from app.archive.tables import (
    destruction_batch,
    destruction_item,
    file_transfer,
    loan,
    paper_file,
)
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.numbers import next_serial


def _on_legal_hold(conn: Connection, customer_id: int | None) -> bool:
    """Whether a customer's records are on legal hold (litigation, an investigation).

    Every destruction step (due list, propose, approve, record) asks this.
    """
    if customer_id is None:
        return False
    from app.customers.hold import on_legal_hold
    from app.customers.tables import customer

    row = conn.execute(select(customer.c.legal_hold_reason, customer.c.legal_hold_until)
                       .where(customer.c.id == customer_id)).first()
    return row is not None and on_legal_hold(row)


def _due_clause(day: date):
    """Files whose retention has passed, in the archive, claimed by nothing else."""
    in_open_batch = exists().where(
        destruction_item.c.file_id == paper_file.c.id,
        destruction_item.c.batch_id == destruction_batch.c.id,
        destruction_batch.c.status.in_([s.value for s in OPEN_BATCH_STATES]))
    other = loan.alias("open_loan")  # the file query already joins `loan` for the borrower
    open_loan = exists().where(other.c.file_id == paper_file.c.id,
                               other.c.status.in_([s.value for s in OPEN_LOAN_STATES]))
    open_transfer = exists().where(file_transfer.c.file_id == paper_file.c.id,
                                   file_transfer.c.status.in_(["requested", "approved"]))
    return (paper_file.c.status == FileStatus.IN_ARCHIVE.value,
            paper_file.c.retain_until < day.isoformat(), ~in_open_batch, ~open_loan,
            ~open_transfer)


@requires(Permission.FILE_VIEW)
def due_for_destruction(session: Session, today: date | None = None) -> list[PaperFile]:
    """Files whose retain-until has passed, in the archive, not on hold or in a batch yet."""
    day = today_or(today)
    with session.db.read() as conn:
        rows = conn.execute(file_select().where(*_due_clause(day))
                            .order_by(paper_file.c.retain_until, paper_file.c.file_no)).all()
        rows = [r for r in rows if not _on_legal_hold(conn, r.customer_id)]
    return [file_from_row(r, session.db.fields) for r in rows]


def _check_destroyable(conn: Connection, frow: Row, day: date, batch_id: int | None) -> None:
    """One sentence for the first reason this file may not be destroyed now."""
    number = frow.file_no
    if frow.status == FileStatus.DESTROYED:
        raise Conflict(_("File {number} has been destroyed; its record can no longer be "
                         "changed.").format(number=number))
    if frow.status != FileStatus.IN_ARCHIVE:
        raise Conflict(_("File {number} is not in the archive room (it is {status}).")
                       .format(number=number, status=FileStatus(frow.status).label))
    if frow.retain_until >= day.isoformat():
        raise Conflict(_("File {number} must be kept until {date}.")
                       .format(number=number, date=frow.retain_until))
    if _on_legal_hold(conn, frow.customer_id):
        raise Conflict(_("File {number} is on legal hold and cannot be destroyed.")
                       .format(number=number))
    if open_loan_of(conn, frow.id) is not None:
        raise Conflict(_("File {number} has an open loan and cannot be destroyed.")
                       .format(number=number))
    if open_transfer_of(conn, frow.id) is not None:
        raise Conflict(_("File {number} is being transferred and cannot be destroyed.")
                       .format(number=number))
    if batch_id is None:
        batch = open_batch_of(conn, frow.id)
        if batch is not None:
            raise Conflict(_("File {number} is already in destruction batch {batch}.")
                           .format(number=number, batch=batch))


def _next_batch_no(conn: Connection, year: int) -> str:
    return next_serial(conn, destruction_batch.c.batch_no, f"DS{year:04d}", 4)


def _batch_row(conn: Connection, batch_no: object) -> Row:
    key = str(batch_no or "").strip().upper()
    row = conn.execute(select(destruction_batch).where(destruction_batch.c.batch_no == key)
                       ).first()
    if row is None:
        raise NotFound(_("There is no destruction batch {batch}.").format(batch=key or "-"))
    return row


def _batch_files(conn: Connection, batch_id: int) -> list[Row]:
    return conn.execute(file_select().join(destruction_item,
                                           destruction_item.c.file_id == paper_file.c.id)
                        .where(destruction_item.c.batch_id == batch_id)
                        .order_by(paper_file.c.file_no)).all()


def _refuse_if_recorded(row: Row) -> None:
    if row.status == BatchStatus.DESTROYED:
        raise Conflict(_("Destruction batch {batch} has been recorded; it can no longer be "
                         "changed.").format(batch=row.batch_no))


def _event(conn: Connection, session: Session, action: str, row: Row, files: list[Row],
           **detail) -> None:
    customers = sorted({f.customer_no for f in files if f.customer_no})
    audit.append(conn, session.db, actor=session.username, action=action,
                 customer_ref=customers[0] if len(customers) == 1 else None,
                 detail={"batch_no": row.batch_no, "files": [f.file_no for f in files],
                         "customers": customers, **detail})


@requires(Permission.DESTRUCTION_PROPOSE)
def propose_destruction(session: Session, file_nos: list[str],
                        today: date | None = None) -> str:
    """Every file must be due and in the archive; returns the new batch number."""
    day = today_or(today)
    if isinstance(file_nos, str):
        file_nos = [file_nos]
    numbers = list(dict.fromkeys(normalise_file_no(n) for n in file_nos or [] if n))
    if not numbers:
        raise ValidationError(_("Choose the files to destroy."), field="file_nos")
    db = session.db
    with db.write() as conn:
        files = [file_row(conn, n) for n in numbers]
        for frow in files:
            _check_destroyable(conn, frow, day, None)
        batch_no = _next_batch_no(conn, day.year)
        bid = conn.execute(destruction_batch.insert().values(
            batch_no=batch_no, status=BatchStatus.PROPOSED.value, proposed_by=session.username,
            proposed_at=clock.stamp())).inserted_primary_key[0]
        conn.execute(destruction_item.insert(), [{"batch_id": bid, "file_id": f.id}
                                                 for f in files])
        notify(conn, "manager", "destruction.proposed", batch_no,
               {"batch_no": batch_no, "count": len(files)})
        row = _batch_row(conn, batch_no)
        _event(conn, session, "destruction.proposed", row, files)
    return batch_no


@requires(Permission.DESTRUCTION_APPROVE)
def approve_destruction(session: Session, batch_no: str, note: str = "",
                        today: date | None = None) -> None:
    text = clean(note, "note", 500)
    day = today_or(today)
    with session.db.write() as conn:
        row = _batch_row(conn, batch_no)
        _refuse_if_recorded(row)
        if row.status != BatchStatus.PROPOSED:
            raise Conflict(_("Destruction batch {batch} is not waiting for approval (it is "
                             "{status}).").format(batch=row.batch_no,
                                                  status=BatchStatus(row.status).label))
        if row.proposed_by.lower() == session.username.lower():
            raise Conflict(_("You proposed this batch; another person must approve it."))
        files = _batch_files(conn, row.id)
        for frow in files:
            _check_destroyable(conn, frow, day, row.id)
        conn.execute(destruction_batch.update().where(destruction_batch.c.id == row.id).values(
            status=BatchStatus.APPROVED.value, decided_by=session.username,
            decided_at=clock.stamp(), decision_note=text or None))
        _event(conn, session, "destruction.approved", row, files, note=text[:200])


@requires(Permission.DESTRUCTION_APPROVE)
def reject_destruction(session: Session, batch_no: str, note: str) -> None:
    """A proposed (or approved, not yet carried out) batch is turned down; its files are
    free again."""
    text = clean(note, "note", 500, _("Say why the destruction is rejected."))
    with session.db.write() as conn:
        row = _batch_row(conn, batch_no)
        _refuse_if_recorded(row)
        if row.status not in (BatchStatus.PROPOSED, BatchStatus.APPROVED):
            raise Conflict(_("Destruction batch {batch} is not waiting for a decision (it is "
                             "{status}).").format(batch=row.batch_no,
                                                  status=BatchStatus(row.status).label))
        files = _batch_files(conn, row.id)
        conn.execute(destruction_batch.update().where(destruction_batch.c.id == row.id).values(
            status=BatchStatus.REJECTED.value, decided_by=session.username,
            decided_at=clock.stamp(), decision_note=text))
        _event(conn, session, "destruction.rejected", row, files, note=text[:200])


@requires(Permission.DESTRUCTION_PROPOSE)
def record_destruction(session: Session, batch_no: str, method: str,
                       destroyed_on: date | str, witness_1: str, witness_2: str,
                       certificate_no: str | None = None, today: date | None = None) -> None:
    """What happened: an approved batch's files are all destroyed, in one transaction."""
    try:
        how = DestructionMethod(str(method))
    except ValueError:
        raise ValidationError(_("Choose how the files were destroyed."),
                              field="method") from None
    when = parse_day(destroyed_on, "destroyed_on")
    first = clean(witness_1, "witness_1", 100, _("Name both witnesses."))
    second = clean(witness_2, "witness_2", 100, _("Name both witnesses."))
    if first.casefold() == second.casefold():
        raise ValidationError(_("The two witnesses must be different people."),
                              field="witness_2")
    certificate = clean(certificate_no, "certificate_no", 100)
    if how is DestructionMethod.OUTSOURCED and not certificate:
        raise ValidationError(_("An outsourced destruction needs the contractor's certificate "
                                "number."), field="certificate_no")
    day = today_or(today)
    with session.db.write() as conn:
        row = _batch_row(conn, batch_no)
        _refuse_if_recorded(row)
        if row.status != BatchStatus.APPROVED:
            raise Conflict(_("Destruction batch {batch} must be approved by a manager before "
                             "it is carried out (it is {status}).")
                           .format(batch=row.batch_no, status=BatchStatus(row.status).label))
        approved_on = local_day(row.decided_at)
        if when > day or when < approved_on:
            raise ValidationError(_("The destruction date must lie between the approval "
                                    "({start}) and today.").format(start=approved_on.isoformat()),
                                  field="destroyed_on")
        files = _batch_files(conn, row.id)
        for frow in files:
            _check_destroyable(conn, frow, day, row.id)
        now = clock.stamp()
        conn.execute(paper_file.update().where(paper_file.c.id.in_([f.id for f in files]))
                     .values(status=FileStatus.DESTROYED.value, updated_at=now))
        conn.execute(destruction_batch.update().where(destruction_batch.c.id == row.id).values(
            status=BatchStatus.DESTROYED.value, method=how.value,
            certificate_no=certificate or None, destroyed_on=when.isoformat(),
            witness_1=first, witness_2=second, recorded_by=session.username, recorded_at=now))
        _event(conn, session, "destruction.recorded", row, files, method=how.value,
               destroyed_on=when.isoformat(), certificate_no=certificate or None)


def _batch_from(conn: Connection, row: Row) -> Batch:
    files = tuple(f.file_no for f in _batch_files(conn, row.id))
    return Batch(batch_no=row.batch_no, status=row.status, proposed_by=row.proposed_by,
                 proposed_at=row.proposed_at, decided_by=row.decided_by,
                 decided_at=row.decided_at, decision_note=row.decision_note, method=row.method,
                 certificate_no=row.certificate_no, destroyed_on=row.destroyed_on,
                 witness_1=row.witness_1, witness_2=row.witness_2, recorded_by=row.recorded_by,
                 recorded_at=row.recorded_at, file_nos=files)


@requires(Permission.FILE_VIEW)
def get_batch(session: Session, batch_no: str) -> Batch:
    with session.db.read() as conn:
        return _batch_from(conn, _batch_row(conn, batch_no))


@requires(Permission.FILE_VIEW)
def batches(session: Session, status: str | None = None) -> list[Batch]:
    """Destruction batches, newest first; optionally only those in one state."""
    q = select(destruction_batch).order_by(destruction_batch.c.id.desc())
    if status:
        q = q.where(destruction_batch.c.status == BatchStatus(status).value)
    with session.db.read() as conn:
        return [_batch_from(conn, r) for r in conn.execute(q).all()]


@requires(Permission.FILE_VIEW)
def batch_of_file(session: Session, file_no: str) -> Batch | None:
    """The batch that destroyed a file, or the open one it is in; None if neither."""
    with session.db.read() as conn:
        frow = file_row(conn, file_no)
        row = conn.execute(select(destruction_batch).join(
            destruction_item, destruction_item.c.batch_id == destruction_batch.c.id)
            .where(destruction_item.c.file_id == frow.id,
                   destruction_batch.c.status != BatchStatus.REJECTED.value)
            .order_by(destruction_batch.c.id.desc()).limit(1)).first()
        return _batch_from(conn, row) if row is not None else None


__all__ = ["approve_destruction", "batch_of_file", "batches", "due_for_destruction",
           "get_batch", "propose_destruction", "record_destruction", "reject_destruction"]
