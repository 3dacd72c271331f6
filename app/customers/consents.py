"""The consent ledger: every grant and withdrawal appended, never changed (triggers refuse it).

A withdrawal takes effect at once and is accepted even while processing is restricted;
a grant on a restricted customer waits until a manager lifts the restriction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit
from app.customers.editing import append_consent
from app.customers.model import Channel, ConsentPurpose, Purpose
from app.customers.records import customer_row, purpose_for
from app.customers.services import working_purpose
from app.customers.tables import consent_event
from app.errors import Conflict, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

NOTE_MAX = 500


@dataclass(frozen=True)
class ConsentEvent:
    """One line of the ledger: what the customer said, when, how, and who wrote it down."""

    purpose: str
    granted: bool
    channel: str
    at: str
    recorded_by: str
    note: str


@requires(Permission.CUSTOMER_EDIT)
def record_consent(session: Session, customer_no: str, purpose: str, granted: bool,
                   channel: str, note: str = "") -> None:
    """Append a grant or a withdrawal for one purpose."""
    try:
        which = ConsentPurpose(purpose)
    except ValueError:
        raise ValidationError(_("Choose what the consent is for."), field="purpose") from None
    try:
        how = Channel(channel)
    except ValueError:
        raise ValidationError(_("Choose the channel the customer used."),
                              field="channel") from None
    if not isinstance(granted, bool):
        raise ValidationError(_("Say whether the customer grants or withdraws consent."),
                              field="granted")
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(_("The note is too long (at most {count} characters).")
                              .format(count=NOTE_MAX), field="note")
    if not granted and which is ConsentPurpose.CONTRACT:
        raise Conflict(_("The service contract consent cannot be withdrawn on its own: the "
                         "contract ends when the customer's services are ended."))
    db = session.db
    with db.write() as conn:
        row = customer_row(conn, customer_no)
        if granted and row.restricted_at is not None:
            raise Conflict(_("Processing of customer {number} is restricted; a consent cannot "
                             "be granted until a manager lifts the restriction.")
                           .format(number=row.customer_no))
        append_consent(conn, row.id, which.value, granted, how.value, session.username, note,
                       keys=db.fields)
        registered = working_purpose(session, row.customer_no, Purpose.COUNTER_SERVICE.value)
        audit.append(conn, db, actor=session.username,
                     action="consent.granted" if granted else "consent.withdrawn",
                     customer_ref=row.customer_no, purpose=registered,
                     detail={"purpose": which.value, "channel": how.value})
    session.purposes.setdefault(row.customer_no, registered)


@requires(Permission.CUSTOMER_OPEN)
def consent_history(session: Session, customer_no: str) -> list[ConsentEvent]:
    """The whole ledger of one customer, oldest first; needs a purpose registered."""
    purpose_for(session, customer_no, None)
    with session.db.read() as conn:
        row = customer_row(conn, customer_no)
        rows = conn.execute(select(consent_event)
                            .where(consent_event.c.customer_id == row.id)
                            .order_by(consent_event.c.id)).all()
    keys = session.db.fields
    return [ConsentEvent(r.purpose, bool(r.granted), r.channel, r.at, r.recorded_by,
                         keys.open("consent_event", "note", r.id, r.note)) for r in rows]


__all__ = ["ConsentEvent", "consent_history", "record_consent"]
