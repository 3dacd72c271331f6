"""Circulation of paper files: lend, request, approve, hand over, return, renew, lose, dispute.

A loan needs a manager's approval when the file is sensitive or the borrower is outside the
branch; it then waits in "requested" until approved. Every refused action raises one
sentence and changes nothing. Overdue lists, escalation, history and anonymisation of old
loans are in loan_history.py and re-exported here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Connection, Row

from app import audit, clock
from app.archive.loan_history import (
    anonymise_old_loans,
    escalate_overdue,
    loans_of_borrower,
    loans_of_customer,
    loans_of_file,
    overdue,
    pending_approvals,
)
from app.archive.model import (
    HARD_MAX_LOAN_DAYS,
    OUT_STATES,
    RENEWAL_LIMIT,
    BorrowerKind,
    Condition,
    FileKind,
    FileStatus,
    LoanStatus,
    default_due_date,
)
from app.archive.queries import (
    check_lendable,
    clean,
    file_row,
    loan_row,
    loan_select,
    local_day,
    notify,
    open_loan_of,
    parse_day,
    refuse_if_destroyed,
    staff_username,
    today_or,
)
from app.archive.tables import loan, paper_file
from app.errors import Conflict, PermissionDenied, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session


def _due(kind: str, due_date: date | str | None, lent_on: date) -> date:
    """The given due date checked (not past, within the hard maximum), or the kind's default."""
    if due_date is None or due_date == "":
        return default_due_date(FileKind(kind), lent_on)
    due = parse_day(due_date, "due_date")
    if due < lent_on:
        raise ValidationError(_("A loan's due date cannot be in the past."), field="due_date")
    limit = lent_on + timedelta(days=HARD_MAX_LOAN_DAYS)
    if due > limit:
        raise ValidationError(_("A loan may not run past {date} ({days} days after the file "
                                "was lent).").format(date=limit.isoformat(),
                                                     days=HARD_MAX_LOAN_DAYS), field="due_date")
    return due


def _purpose(purpose: str) -> str:
    return clean(purpose, "purpose", 300, _("State the purpose of the loan."))


def _set_file_status(conn: Connection, file_id: int, status: FileStatus) -> None:
    conn.execute(paper_file.update().where(paper_file.c.id == file_id)
                 .values(status=status.value, updated_at=clock.stamp()))


def _update_loan(conn: Connection, row: Row, **values) -> None:
    # The WHERE on the old status makes a concurrent change fail loudly instead of silently.
    done = conn.execute(loan.update().where(loan.c.id == row.id, loan.c.status == row.status)
                        .values(**values)).rowcount
    if done != 1:
        raise Conflict(_("Loan {number} was changed by someone else; look again.")
                       .format(number=row.id))


def _event(conn: Connection, session: Session, action: str, row: Row, **detail) -> None:
    audit.append(conn, session.db, actor=session.username, action=action,
                 customer_ref=row.customer_no,
                 detail={"loan_id": row.id, "file_no": row.file_no, **detail})


def _not_out(file_no: str) -> Conflict:
    return Conflict(_("File {number} is not on loan.").format(number=file_no))


def _out_loan(conn: Connection, file_no: str) -> Row:
    """The loan holding a file that is out (on loan or claimed returned)."""
    frow = file_row(conn, file_no)
    row = conn.execute(loan_select().where(loan.c.file_id == frow.id,
                                           loan.c.status.in_([s.value for s in OUT_STATES]))
                       .order_by(loan.c.id.desc()).limit(1)).first()
    if row is None:
        raise _not_out(frow.file_no)
    return row


def _new_loan(session: Session, file_no: str, borrower_kind: BorrowerKind, borrower: str,
              purpose: str, due_date: date | str | None, day: date, at_desk: bool) -> int:
    why = _purpose(purpose)
    db = session.db
    with db.write() as conn:
        frow = file_row(conn, file_no)
        check_lendable(conn, frow)
        if borrower_kind is BorrowerKind.STAFF:
            borrower = staff_username(conn, borrower)
        due = _due(frow.kind, due_date, day)
        needs = bool(frow.sensitive) or borrower_kind is BorrowerKind.EXTERNAL
        now = clock.stamp()
        lent_now = at_desk and not needs
        loan_id = conn.execute(loan.insert().values(
            file_id=frow.id, borrower_kind=borrower_kind.value, borrower=borrower, purpose=why,
            status=(LoanStatus.ON_LOAN if lent_now else LoanStatus.REQUESTED).value,
            requested_at=now, requested_by=session.username, due_date=due.isoformat(),
            needs_approval=int(needs), lent_at=now if lent_now else None,
            lent_by=session.username if lent_now else None, renewals=0,
            escalation=0)).inserted_primary_key[0]
        if lent_now:
            _set_file_status(conn, frow.id, FileStatus.ON_LOAN)
        audit.append(conn, db, actor=session.username,
                     action="loan.lent" if lent_now else "loan.requested",
                     customer_ref=frow.customer_no,
                     detail={"loan_id": loan_id, "file_no": frow.file_no,
                             "borrower_kind": borrower_kind.value,
                             # An external person's name stays in the loan record, which is
                             # anonymised in time; the append-only log would keep it forever.
                             "borrower": borrower if borrower_kind is BorrowerKind.STAFF
                             else None,
                             "due_date": due.isoformat(), "needs_approval": needs})
    return loan_id


@requires(Permission.FILE_MANAGE)
def lend(session: Session, file_no: str, borrower: str, purpose: str,
         due_date: date | str | None = None, external: bool = False,
         today: date | None = None) -> int:
    """The clerk at the desk lends a file; returns the loan id.

    A staff borrower is an enabled username; an external one is a department or person by
    name. Without a need for approval the file goes out at once; otherwise the loan waits.
    """
    kind = BorrowerKind.EXTERNAL if external else BorrowerKind.STAFF
    if kind is BorrowerKind.EXTERNAL:
        borrower = clean(borrower, "borrower", 100, _("Name the borrower."))
    return _new_loan(session, file_no, kind, borrower, purpose, due_date, today_or(today),
                     at_desk=True)


@requires(Permission.FILE_REQUEST_LOAN)
def request_loan(session: Session, file_no: str, purpose: str,
                 due_date: date | str | None = None, today: date | None = None) -> int:
    """A member of staff asks for a file for themself (e.g. from the customer page)."""
    return _new_loan(session, file_no, BorrowerKind.STAFF, session.username, purpose, due_date,
                     today_or(today), at_desk=False)


def _awaiting_approval(row: Row) -> None:
    if row.status != LoanStatus.REQUESTED or not row.needs_approval:
        if row.status == LoanStatus.REQUESTED:
            raise Conflict(_("Loan {number} does not need a manager's approval.")
                           .format(number=row.id))
        raise Conflict(_("Loan {number} is not waiting for approval (it is {status}).")
                       .format(number=row.id, status=LoanStatus(row.status).label))


@requires(Permission.FILE_APPROVE)
def approve_loan(session: Session, loan_id: int, note: str = "") -> None:
    text = clean(note, "note", 500)
    with session.db.write() as conn:
        row = loan_row(conn, loan_id)
        _awaiting_approval(row)
        if row.requested_by.lower() == session.username.lower() or (
                row.borrower_kind == BorrowerKind.STAFF
                and row.borrower.lower() == session.username.lower()):
            raise Conflict(_("You cannot approve a loan you asked for; another manager must."))
        _update_loan(conn, row, status=LoanStatus.APPROVED.value, decided_by=session.username,
                     decided_at=clock.stamp(), decision_note=text or None)
        _event(conn, session, "loan.approved", row, note=text[:200])


@requires(Permission.FILE_APPROVE)
def refuse_loan(session: Session, loan_id: int, note: str) -> None:
    text = clean(note, "note", 500, _("Say why the loan is refused."))
    with session.db.write() as conn:
        row = loan_row(conn, loan_id)
        _awaiting_approval(row)
        _update_loan(conn, row, status=LoanStatus.REFUSED.value, decided_by=session.username,
                     decided_at=clock.stamp(), decision_note=text)
        _event(conn, session, "loan.refused", row, note=text[:200])


@requires(Permission.FILE_MANAGE)
def hand_over(session: Session, loan_id: int, due_date: date | str | None = None,
              today: date | None = None) -> None:
    """A requested (approval not needed) or approved loan: the file goes out now.

    The due date is the one given, else the one asked for unless it has passed, else the
    kind's default from today.
    """
    day = today_or(today)
    with session.db.write() as conn:
        row = loan_row(conn, loan_id)
        if row.status == LoanStatus.REQUESTED and row.needs_approval:
            raise Conflict(_("Loan {number} must be approved by a manager before the file is "
                             "handed over.").format(number=row.id))
        if row.status not in (LoanStatus.REQUESTED, LoanStatus.APPROVED):
            raise Conflict(_("Loan {number} cannot be handed over: it is {status}.")
                           .format(number=row.id, status=LoanStatus(row.status).label))
        frow = file_row(conn, row.file_no)
        if frow.status != FileStatus.IN_ARCHIVE:
            check_lendable(conn, frow)
        if due_date is not None and due_date != "":
            due = _due(row.file_kind, due_date, day)
        elif date.fromisoformat(row.due_date) < day:
            due = _due(row.file_kind, None, day)
        else:
            due = date.fromisoformat(row.due_date)
        now = clock.stamp()
        _update_loan(conn, row, status=LoanStatus.ON_LOAN.value, lent_at=now,
                     lent_by=session.username, due_date=due.isoformat())
        _set_file_status(conn, frow.id, FileStatus.ON_LOAN)
        _event(conn, session, "loan.handed_over", row, due_date=due.isoformat())


@requires(Permission.FILE_REQUEST_LOAN)
def cancel_loan(session: Session, loan_id: int, note: str = "") -> None:
    """A request (or an approved loan not yet handed over) withdrawn by the archive or the
    person who asked for it."""
    text = clean(note, "note", 500)
    with session.db.read() as conn:
        asked_by = loan_row(conn, loan_id).requested_by
    if not session.can(Permission.FILE_MANAGE) and asked_by.lower() != session.username.lower():
        audit.record(session.db, actor=session.username, action="permission.denied",
                     outcome="denied", detail={"entry": "cancel_loan", "loan_id": loan_id})
        raise PermissionDenied(_("Only the archive or the person who asked can cancel this "
                                 "loan request."))
    with session.db.write() as conn:
        row = loan_row(conn, loan_id)
        if row.status not in (LoanStatus.REQUESTED, LoanStatus.APPROVED):
            raise Conflict(_("Loan {number} cannot be cancelled: it is {status}.")
                           .format(number=row.id, status=LoanStatus(row.status).label))
        _update_loan(conn, row, status=LoanStatus.CANCELLED.value, closed_note=text or None)
        _event(conn, session, "loan.cancelled", row, note=text[:200])


@requires(Permission.FILE_MANAGE)
def return_file(session: Session, file_no: str, condition: str, note: str = "",
                received_by: str | None = None) -> int:
    """The file is back (also after a claim that it was returned). Returns the loan id.

    A damaged or incomplete file needs a note, and the managers are notified.
    """
    try:
        state = Condition(str(condition))
    except ValueError:
        raise ValidationError(_("Choose the condition of the returned file."),
                              field="condition") from None
    text = clean(note, "note", 500, _("Describe the damage or what is missing.")
                 if state is not Condition.INTACT else None)
    with session.db.write() as conn:
        row = _out_loan(conn, file_no)
        receiver = staff_username(conn, received_by or session.username, "received_by")
        _update_loan(conn, row, status=LoanStatus.RETURNED.value, returned_at=clock.stamp(),
                     received_by=receiver, condition=state.value, condition_note=text or None)
        _set_file_status(conn, row.file_id, FileStatus.IN_ARCHIVE)
        if state is not Condition.INTACT:
            notify(conn, "manager", "loan.returned_damaged", row.file_no,
                   {"loan_id": row.id, "file_no": row.file_no, "condition": state.value,
                    "note": text})
        _event(conn, session, "loan.returned", row, condition=state.value,
               received_by=receiver, was=row.status)
    return row.id


@requires(Permission.FILE_MANAGE)
def renew(session: Session, file_no: str, new_due_date: date | str | None = None,
          today: date | None = None) -> str:
    """A later due date, at most RENEWAL_LIMIT times and never past lent + HARD_MAX_LOAN_DAYS.

    By default the kind's loan period is added to the current due date (or to today, if
    overdue), cut at the hard maximum. Returns the new due date.
    """
    day = today_or(today)
    with session.db.write() as conn:
        row = _out_loan(conn, file_no)
        if row.status == LoanStatus.CLAIMED_RETURNED:
            raise Conflict(_("The loan of file {number} is disputed (claimed returned) and "
                             "cannot be renewed.").format(number=row.file_no))
        if row.renewals >= RENEWAL_LIMIT:
            raise Conflict(_("The loan of file {number} has already been renewed {count} "
                             "times, the limit.").format(number=row.file_no, count=row.renewals))
        current = date.fromisoformat(row.due_date)
        limit = local_day(row.lent_at) + timedelta(days=HARD_MAX_LOAN_DAYS)
        if new_due_date is None or new_due_date == "":
            new = min(default_due_date(FileKind(row.file_kind), max(current, day)), limit)
        else:
            new = parse_day(new_due_date, "due_date")
            if new < day:
                raise ValidationError(_("A loan's due date cannot be in the past."),
                                      field="due_date")
        if new > limit or limit <= current:
            raise Conflict(_("A loan may not run past {date} ({days} days after the file "
                             "was lent).").format(date=limit.isoformat(),
                                                  days=HARD_MAX_LOAN_DAYS))
        if new <= current:
            raise ValidationError(_("A renewal must move the due date later than {date}.")
                                  .format(date=current.isoformat()), field="due_date")
        _update_loan(conn, row, due_date=new.isoformat(), renewals=row.renewals + 1,
                     escalation=0)
        _event(conn, session, "loan.renewed", row, before=row.due_date, after=new.isoformat(),
               renewals=row.renewals + 1)
    return new.isoformat()


@requires(Permission.FILE_MANAGE)
def mark_lost(session: Session, file_no: str, note: str, today: date | None = None) -> None:
    """An overdue file that is not coming back: the loan and the file are lost."""
    text = clean(note, "note", 500, _("Note what is known about the loss."))
    day = today_or(today)
    with session.db.write() as conn:
        row = _out_loan(conn, file_no)
        if date.fromisoformat(row.due_date) >= day:
            raise Conflict(_("File {number} is not overdue; it can be marked lost only after "
                             "its due date {date}.").format(number=row.file_no,
                                                            date=row.due_date))
        _update_loan(conn, row, status=LoanStatus.LOST.value, closed_note=text)
        _set_file_status(conn, row.file_id, FileStatus.LOST)
        notify(conn, "manager", "loan.lost", row.file_no,
               {"loan_id": row.id, "file_no": row.file_no, "due_date": row.due_date})
        _event(conn, session, "loan.lost", row, was=row.status, note=text[:200])


@requires(Permission.FILE_MANAGE)
def claim_returned(session: Session, file_no: str, note: str) -> None:
    """The borrower says the file came back; it stays out until found or marked lost."""
    text = clean(note, "note", 500, _("Note what the borrower says."))
    with session.db.write() as conn:
        row = _out_loan(conn, file_no)
        if row.status == LoanStatus.CLAIMED_RETURNED:
            raise Conflict(_("The loan of file {number} is already marked as claimed "
                             "returned.").format(number=row.file_no))
        _update_loan(conn, row, status=LoanStatus.CLAIMED_RETURNED.value, closed_note=text)
        _event(conn, session, "loan.claimed_returned", row, note=text[:200])


@requires(Permission.FILE_MANAGE)
def mark_found(session: Session, file_no: str, note: str) -> None:
    """A file recorded as lost turns up: back in the archive; its lost loan stays on record."""
    text = clean(note, "note", 500, _("Note where the file was found."))
    with session.db.write() as conn:
        frow = file_row(conn, file_no)
        refuse_if_destroyed(frow)
        if frow.status != FileStatus.LOST:
            raise Conflict(_("File {number} is not recorded as lost.").format(
                number=frow.file_no))
        if open_loan_of(conn, frow.id) is not None:
            raise _not_out(frow.file_no)
        _set_file_status(conn, frow.id, FileStatus.IN_ARCHIVE)
        audit.append(conn, session.db, actor=session.username, action="file.found",
                     customer_ref=frow.customer_no,
                     detail={"file_no": frow.file_no, "note": text[:200]})


__all__ = ["anonymise_old_loans", "approve_loan", "cancel_loan", "claim_returned",
           "escalate_overdue", "hand_over", "lend", "loans_of_borrower", "loans_of_customer",
           "loans_of_file", "mark_found", "mark_lost", "overdue", "pending_approvals",
           "refuse_loan", "renew", "request_loan", "return_file"]
