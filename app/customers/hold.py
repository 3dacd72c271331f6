"""Legal hold: while it stands, a customer's data and files escape erasure, retention and
destruction. Placed and lifted by managers, with a reason and an optional end date."""

from __future__ import annotations

from datetime import date

from app import audit, clock
from app.customers.records import customer_row
from app.customers.tables import customer
from app.errors import Conflict, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.text import printable


@requires(Permission.LEGAL_HOLD)
def place_legal_hold(session: Session, customer_no: str, reason: str,
                     until: str | None = None) -> None:
    if len(printable(reason, "reason", multiline=True).strip()) < 5:
        raise ValidationError(_("Give the reason for the legal hold."), field="reason")
    if until:
        try:
            if date.fromisoformat(until) < date.today():
                raise ValueError
        except ValueError:
            raise ValidationError(_("The end date must be a date from today on, as "
                                    "YYYY-MM-DD."), field="until") from None
    with session.db.write() as conn:
        row = customer_row(conn, customer_no)
        conn.execute(customer.update().where(customer.c.id == row.id).values(
            legal_hold_reason=reason.strip()[:500], legal_hold_until=until or None,
            legal_hold_by=session.username, legal_hold_at=clock.stamp()))
        audit.append(conn, session.db, actor=session.username, action="customer.legal_hold",
                     customer_ref=row.customer_no,
                     detail={"reason": reason.strip()[:200], "until": until})


@requires(Permission.LEGAL_HOLD)
def lift_legal_hold(session: Session, customer_no: str, note: str) -> None:
    with session.db.write() as conn:
        row = customer_row(conn, customer_no)
        if not row.legal_hold_reason:
            raise Conflict(_("Customer {number} is not on legal hold.").format(
                number=row.customer_no))
        conn.execute(customer.update().where(customer.c.id == row.id).values(
            legal_hold_reason=None, legal_hold_until=None, legal_hold_by=None,
            legal_hold_at=None))
        audit.append(conn, session.db, actor=session.username,
                     action="customer.legal_hold_lifted", customer_ref=row.customer_no,
                     detail={"note": note.strip()[:200]})


def on_legal_hold(row, today: date | None = None) -> bool:
    """For a customer row: does a hold stand today?"""
    if not row.legal_hold_reason:
        return False
    return not row.legal_hold_until or row.legal_hold_until >= (today or date.today()).isoformat()
