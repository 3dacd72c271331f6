"""Disclosures of a customer's data to a registered partner (regulation art. 12–13).

Each one is recorded (which data items, to whom, why, on what basis, by whom, when) and is
refused unless the partner's agreement is in force and either the customer's consent to
sharing with partners stands or a manager records the legal basis. A refusal writes only
its own audit event. The customer's access copy lists the disclosures as recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from reportlab.lib.units import mm
from sqlalchemy import select

from app import audit, clock
from app.compliance.partner_tables import disclosure, partner
from app.compliance.partners import (
    agreement_in_force,
    clean,
    items_text,
    parse_items,
    partner_row,
    today,
)
from app.customers.freetext import mask_numbers_in
from app.customers.records import customer_row
from app.customers.services import working_purpose
from app.customers.tables import consent_event, customer
from app.errors import Conflict
from app.i18n import _, translate
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session

SHARING = "partner_sharing"


@dataclass(frozen=True)
class DisclosureView:
    at: str
    customer_no: str
    partner: str
    items: str          # item codes, "name,phone"
    purpose: str
    legal_basis: str    # "" : the customer's consent
    by: str


def _consent_in_force(conn, customer_row_) -> int | None:
    """The id of the customer's standing partner-sharing grant, or None."""
    if customer_row_.restricted_at is not None or customer_row_.erased_at is not None:
        return None
    last = conn.execute(select(consent_event.c.id, consent_event.c.granted).where(
        consent_event.c.customer_id == customer_row_.id, consent_event.c.purpose == SHARING)
        .order_by(consent_event.c.id.desc()).limit(1)).first()
    return last.id if last is not None and last.granted else None


REFUSALS = {
    "basis_not_manager": lambda: _("Only a manager may record a legal basis for a disclosure; "
                                   "without one, the customer's consent to sharing with "
                                   "partners is needed."),
    "no_agreement": lambda: _("The agreement with {partner} is not in force; nothing may be "
                              "disclosed to it."),
    "no_consent": lambda: _("Customer {customer} has not consented to sharing with partners "
                            "(or has withdrawn it); nothing was disclosed. A manager may "
                            "record the legal basis that allows it."),
}


def _refusal(conn, session: Session, p, c, legal_basis: str) -> tuple[str | None, int | None]:
    if legal_basis and Role.MANAGER not in session.roles:
        return "basis_not_manager", None
    if agreement_in_force(conn, p.id, today()) is None:
        return "no_agreement", None
    consent = _consent_in_force(conn, c)
    if consent is None and not legal_basis:
        return "no_consent", None
    return None, consent


@requires(Permission.CUSTOMER_OPEN)
def disclose(session: Session, customer_no: str, partner_name: str, purpose: str,
             legal_basis: str = "", items=None) -> int:
    """Record a disclosure of the customer's data to a partner; its number. `items` default
    to the data items the partner is registered to receive."""
    purpose = mask_numbers_in(clean(purpose, "purpose", 300))
    legal_basis = mask_numbers_in(clean(legal_basis or "", "legal_basis", 300, required=False))
    db = session.db
    with db.write() as conn:
        p = partner_row(conn, partner_name)
        c = customer_row(conn, customer_no)
        chosen = ",".join(parse_items(items if items else p.data_items))
        why, consent = _refusal(conn, session, p, c, legal_basis)
        registered = working_purpose(session, c.customer_no, "counter_service")
        if why is None:
            number = conn.execute(disclosure.insert().values(
                customer_id=c.id, partner_id=p.id, data_items=chosen, purpose=purpose,
                legal_basis=legal_basis, consent_event_id=consent,
                disclosed_by=session.username, disclosed_at=clock.stamp())).inserted_primary_key[0]
            audit.append(conn, db, actor=session.username, action="disclosure.recorded",
                         customer_ref=c.customer_no, purpose=registered,
                         detail={"partner": p.name, "items": chosen.split(","),
                                 "disclosure": number,
                                 "basis": "legal" if legal_basis else "consent"})
            return number
    audit.record(db, actor=session.username, action="disclosure.refused", outcome="refused",
                 customer_ref=c.customer_no, purpose=registered,
                 detail={"partner": p.name, "refused_because": why})
    raise Conflict(REFUSALS[why]().format(partner=p.name, customer=c.customer_no))


def _rows(conn, where, limit: int | None = None):
    d = disclosure.c
    q = (select(d.disclosed_at, customer.c.customer_no, partner.c.name, d.data_items, d.purpose,
                d.legal_basis, d.disclosed_by)
         .join(partner, partner.c.id == d.partner_id)
         .join(customer, customer.c.id == d.customer_id)
         .where(*where).order_by(d.disclosed_at.desc(), d.id.desc()))
    return conn.execute(q.limit(limit) if limit else q).all()


def customer_disclosures(conn, customer_id: int) -> list[dict]:
    """One customer's disclosures, oldest first, for their access copy and portable file."""
    rows = _rows(conn, [disclosure.c.customer_id == customer_id])
    return [{"at": r.disclosed_at, "partner": r.name, "items": r.data_items.split(","),
             "purpose": r.purpose, "legal_basis": r.legal_basis} for r in reversed(rows)]


@requires(Permission.COMPLIANCE)
def list_disclosures(session: Session, limit: int = 500) -> list[DisclosureView]:
    """The newest disclosures, for the manager's register."""
    with session.db.read() as conn:
        return [DisclosureView(r.disclosed_at, r.customer_no, r.name, r.data_items, r.purpose,
                               r.legal_basis, r.disclosed_by)
                for r in _rows(conn, [], limit)]


def disclosure_rows(conn, start: str, end: str) -> list[dict]:
    """The period's disclosures for the monthly report (period_summary's shape, with the
    customer number, item codes and the legal basis, "" for the customer's consent)."""
    d = disclosure.c
    upto = f"{end}T99"  # every stamp of the last day sorts before this
    return [{"kind": "disclosure", "date": r.disclosed_at[:10], "partner": r.name,
             "what": r.purpose, "by": r.disclosed_by, "customer_no": r.customer_no,
             "items": r.data_items, "legal_basis": r.legal_basis}
            for r in reversed(_rows(conn, [d.disclosed_at >= start, d.disclosed_at < upto]))]


def copy_section(rows: list[dict], lang: str, number: str) -> list:
    """The access copy's "recipients" section: who received this customer's data."""
    from app.pdf import Paragraph, esc, styles, table

    tr = partial(translate, language=lang)
    st = styles()
    out: list = [Paragraph(esc(f"{number}. " + tr("Who received your data")), st["h1"]),
                 Paragraph(esc(tr("Each time we gave your data to a partner registered with "
                                  "us: when, to whom, which data, why, and on what basis.")),
                           st["small"])]
    if not rows:
        return out + [Paragraph(esc(tr("We have not given your data to any partner.")),
                                st["body"])]
    return out + [table(
        [tr("When"), tr("Recipient"), tr("Data given"), tr("Why"), tr("Basis")],
        [(clock.local_text(r["at"]), r["partner"], items_text(",".join(r["items"]), lang),
          r["purpose"], r["legal_basis"] or tr("your consent to sharing with partners"))
         for r in rows],
        widths=[28 * mm, 30 * mm, 34 * mm, 38 * mm, 44 * mm])]
