"""Loans looked back on: overdue list and its escalation, approvals waiting, history per file,
borrower and customer, and anonymisation of old loan history (re-exported by loans.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, not_, select

from app import audit, clock
from app.archive.model import (
    ANONYMISED,
    LOAN_HISTORY_YEARS,
    MANAGER_ALERT,
    REMINDER,
    Condition,
    Loan,
    LoanStatus,
    add_years,
    escalation_due,
)
from app.archive.queries import (
    customer_ref,
    days_overdue,
    file_row,
    loan_from_row,
    loan_select,
    notify,
    today_or,
)
from app.archive.tables import loan, paper_file
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session


@requires(Permission.FILE_VIEW)
def overdue(session: Session, today: date | None = None) -> list[Loan]:
    """Loans out past their due date, the longest overdue first (disputed loans excluded),
    their escalation first brought up to the rule (model.escalation_due), so the list
    never shows less than the rule promises."""
    day = today_or(today)
    with session.db.write() as conn:
        _escalate(conn, session, day)
        rows = conn.execute(loan_select().where(loan.c.status == LoanStatus.ON_LOAN.value,
                                                loan.c.due_date < day.isoformat())).all()
    loans = [loan_from_row(r, day) for r in rows]
    return sorted(loans, key=lambda x: (-x.days_overdue, x.file_no))


@requires(Permission.FILE_VIEW)
def escalate_overdue(session: Session, today: date | None = None) -> int:
    """Raise each loan out to the escalation level its due date calls for; idempotent.

    Guarded by FILE_VIEW so that whoever opens the overdue list (archive clerk, manager) or a
    scheduled `custos` run brings the reminders up to date; running it twice on one day adds
    nothing. Returns the notifications made.
    """
    with session.db.write() as conn:
        return _escalate(conn, session, today_or(today))


def _escalate(conn, session: Session, day: date) -> int:
    """At the due date a reminder goes to the archive; ESCALATE_AFTER_DAYS days after it,
    an alert to the managers (model.escalation_due)."""
    made, raised = 0, []
    rows = conn.execute(loan_select().where(loan.c.status == LoanStatus.ON_LOAN.value,
                                            loan.c.due_date <= day.isoformat(),
                                            loan.c.escalation < MANAGER_ALERT)).all()
    for r in rows:
        late = days_overdue(r, day)
        target = escalation_due(late)
        if target <= r.escalation:
            continue
        detail = {"loan_id": r.id, "file_no": r.file_no, "due_date": r.due_date,
                  "days_overdue": late}
        for level in range(r.escalation + 1, target + 1):
            if level == REMINDER:
                notify(conn, "archive", "loan.due", r.file_no, {**detail, "level": level})
            else:
                notify(conn, "manager", "loan.overdue_alert", r.file_no,
                       {**detail, "level": level})
            made += 1
        conn.execute(loan.update().where(loan.c.id == r.id).values(escalation=target))
        raised.append({"loan_id": r.id, "level": target})
    if raised:
        audit.append(conn, session.db, actor=session.username, action="loan.escalated",
                     detail={"loans": raised, "notifications": made, "day": day.isoformat()})
    return made


@requires(Permission.FILE_APPROVE)
def pending_approvals(session: Session, today: date | None = None) -> list[Loan]:
    """Requests a manager must decide, oldest first."""
    day = today_or(today)
    with session.db.read() as conn:
        rows = conn.execute(loan_select().where(loan.c.status == LoanStatus.REQUESTED.value,
                                                loan.c.needs_approval == 1)
                            .order_by(loan.c.requested_at, loan.c.id)).all()
    return [loan_from_row(r, day) for r in rows]


@requires(Permission.FILE_MANAGE)
def awaiting_hand_over(session: Session, today: date | None = None) -> list[Loan]:
    """Loans asked for and not yet handed over — including those still awaiting a manager
    (their status says so; hand_over refuses them until approved)."""
    day = today_or(today)
    ready = loan.c.status.in_([LoanStatus.APPROVED.value, LoanStatus.REQUESTED.value])
    with session.db.read() as conn:
        rows = conn.execute(loan_select().where(ready)
                            .order_by(loan.c.requested_at, loan.c.id)).all()
    return [loan_from_row(r, day) for r in rows]


@requires(Permission.FILE_MANAGE)
def staff_borrowers(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of the enabled staff a file may be lent to."""
    from app.store.schema import user

    with session.db.read() as conn:
        rows = conn.execute(select(user.c.username, user.c.display_name)
                            .where(user.c.disabled == 0).order_by(user.c.username)).all()
    return [(r.username, r.display_name) for r in rows]


@requires(Permission.FILE_VIEW)
def loans_of_file(session: Session, file_no: str, today: date | None = None) -> list[Loan]:
    day = today_or(today)
    with session.db.read() as conn:
        frow = file_row(conn, file_no)
        rows = conn.execute(loan_select().where(loan.c.file_id == frow.id)
                            .order_by(loan.c.requested_at.desc(), loan.c.id.desc())).all()
    return [loan_from_row(r, day) for r in rows]


@requires(Permission.FILE_VIEW)
def loans_of_borrower(session: Session, borrower: str,
                      today: date | None = None) -> list[Loan]:
    """A borrower's loans (staff username or external name, either case), newest first."""
    day = today_or(today)
    name = " ".join(str(borrower or "").split())
    if not name or name == ANONYMISED:
        return []
    with session.db.read() as conn:
        rows = conn.execute(loan_select().where(func.lower(loan.c.borrower) == name.lower())
                            .order_by(loan.c.requested_at.desc(), loan.c.id.desc())).all()
    return [loan_from_row(r, day) for r in rows]


@requires(Permission.FILE_VIEW)
def loans_of_customer(session: Session, customer_no: str,
                      today: date | None = None) -> list[Loan]:
    """Every loan of every file of one customer, newest first; a registered access."""
    day = today_or(today)
    with session.db.read() as conn:
        ref = customer_ref(conn, customer_no)
        rows = conn.execute(loan_select().where(paper_file.c.customer_id == ref.id)
                            .order_by(loan.c.requested_at.desc(), loan.c.id.desc())).all()
    with session.db.write() as conn:
        audit.append(conn, session.db, actor=session.username, action="loan.history_viewed",
                     customer_ref=ref.customer_no, detail={"results": len(rows)})
    return [loan_from_row(r, day) for r in rows]


# A loan's end: when it came back, else when it was decided (refused), else when it started
# (a cancelled request ends within days of being made; the table has no separate column).
_ENDED = func.coalesce(loan.c.returned_at, loan.c.decided_at, loan.c.lent_at,
                       loan.c.requested_at)
_KEPT = and_(loan.c.status == LoanStatus.RETURNED.value,
             loan.c.condition.in_([Condition.DAMAGED.value, Condition.INCOMPLETE.value]))


@requires(Permission.FILE_MANAGE)
def anonymise_old_loans(session: Session, today: date | None = None) -> int:
    """Loans that ended more than LOAN_HISTORY_YEARS ago lose their borrower's name.

    Loans that ended lost, or returned damaged or incomplete, keep it: they may still be
    needed to settle responsibility. Returns how many loans were anonymised.
    """
    day = today_or(today)
    cutoff = add_years(day, -LOAN_HISTORY_YEARS).isoformat()
    ended = [LoanStatus.RETURNED.value, LoanStatus.REFUSED.value, LoanStatus.CANCELLED.value]
    due = and_(loan.c.status.in_(ended), loan.c.anonymised_at.is_(None), _ENDED < cutoff,
               not_(_KEPT))
    db = session.db
    with db.write() as conn:
        ids = list(conn.execute(select(loan.c.id).where(due)).scalars())
        if ids:
            now = clock.stamp()
            # A request made by the borrower themself names them twice.
            conn.execute(loan.update().where(loan.c.id.in_(ids),
                                             loan.c.requested_by == loan.c.borrower)
                         .values(requested_by=ANONYMISED))
            conn.execute(loan.update().where(loan.c.id.in_(ids))
                         .values(borrower=ANONYMISED, anonymised_at=now))
        audit.append(conn, db, actor=session.username, action="loan.history_anonymised",
                     detail={"count": len(ids), "ended_before": cutoff})
    return len(ids)
