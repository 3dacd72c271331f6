"""The marketing contact list: only customers whose current marketing consent stands.

Excluded: no consent or a withdrawn one (objection and withdrawal append a withdrawal to
the ledger), restricted or erased or closed customers, and anyone with an objection or
withdrawal request still open — it counts from the moment the customer asked.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, func, select

from app import audit
from app.compliance.export_approvals import approved_write
from app.customers.tables import consent_event, customer
from app.exports.cells import safe_row
from app.i18n import _
from app.rights.model import OPEN_STATES, RequestKind
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.atomic import write_atomic
from app.store.fields import FieldKeys, open_row


def marketing_contacts(conn, keys: FieldKeys) -> list[tuple[str, str, str, str]]:
    """(customer number, name, phone, email), by customer number. Who is on the list is
    decided in SQL (consents, statuses, requests: none of them sealed); the contact details
    are opened here, for the rows on it."""
    latest = (select(consent_event.c.customer_id, func.max(consent_event.c.id).label("last"))
              .where(consent_event.c.purpose == "marketing")
              .group_by(consent_event.c.customer_id).subquery())
    objecting = select(rights_request.c.customer_id).where(and_(
        rights_request.c.kind.in_([RequestKind.OBJECT_MARKETING.value,
                                   RequestKind.WITHDRAW_CONSENT.value,
                                   RequestKind.RESTRICTION.value, RequestKind.ERASURE.value]),
        rights_request.c.status.in_([s.value for s in OPEN_STATES])))
    q = (select(customer.c.id, customer.c.customer_no, customer.c.name, customer.c.phone,
                customer.c.email)
         .join(latest, latest.c.customer_id == customer.c.id)
         .join(consent_event, consent_event.c.id == latest.c.last)
         .where(consent_event.c.granted == 1, customer.c.status == "active",
                customer.c.restricted_at.is_(None), customer.c.erased_at.is_(None),
                customer.c.id.not_in(objecting))
         .order_by(customer.c.customer_no))
    out = []
    for r in conn.execute(q):
        c = open_row(keys, "customer", r)
        out.append((c["customer_no"], c["name"], c["phone"], c["email"] or ""))
    return out


@requires(Permission.OVERSIGHT)
def export_marketing_contacts(session: Session, out: Path) -> int:
    """Writes the XLSX; returns how many customers it holds. A bulk export: audited."""
    with session.db.read() as conn:
        rows = marketing_contacts(conn, session.db.fields)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Marketing contacts")
    sheet.append([_("Customer"), _("Name"), _("Phone"), _("Email")])
    for row in rows:
        sheet.append(safe_row(row))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{len(rows) + 1}"
    for i, width in enumerate((14, 16, 16, 28), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    with approved_write(session, "marketing", len(rows), Path(out).name):
        write_atomic(Path(out), buffer.getvalue())
    audit.record(session.db, actor=session.username, action="export.marketing",
                 detail={"rows": len(rows), "file": Path(out).name})
    return len(rows)
