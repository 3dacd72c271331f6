"""Objections to automated decisions and profiling, and the consent they withdraw.

Custos takes no automated decision about a customer. An objection is answered by a person:
a manager reviews it (who, when and their note are an audit event on the request), the
customer's analytics consent is withdrawn, and a letter says so in the customer's language.

`analytics_allowed` is the one gate for anything that profiles customers (statistics or
lists that group or score customers by their data): only customers whose analytics consent
stands are in it. No report or export of this version profiles customers; a new one must
filter on this gate (tests/rights/test_profiling.py holds the rule).
"""

from __future__ import annotations

import hashlib
from functools import partial

from reportlab.lib.units import mm
from sqlalchemy import and_, func, select

from app import audit, clock
from app.customers.consents import record_consent
from app.customers.freetext import mask_numbers_in
from app.customers.tables import consent_event, customer
from app.errors import ValidationError
from app.i18n import translate
from app.pdf import PageFrame, Paragraph, Spacer, build, esc, key_values, styles
from app.rights.access_copy import _role, rights_and_complaints
from app.rights.model import OPEN_STATES, ArtefactKind, RequestKind
from app.rights.requests import add_artefact, withdrawn_since
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.settings import branch_details
from app.store.fields import seal_note
from app.store.schema import audit_event

REVIEW_ACTION = "request.human_review"


def analytics_allowed(customer_id_column):
    """A SQL condition: the customer's latest analytics consent is a grant, they are active,
    not restricted or erased, and have no objection to profiling or withdrawal still open."""
    ce = consent_event.alias("analytics_latest")
    latest = select(func.max(ce.c.id)).where(ce.c.purpose == "analytics") \
        .group_by(ce.c.customer_id)
    granted = select(consent_event.c.customer_id).where(and_(
        consent_event.c.id.in_(latest), consent_event.c.granted == 1))
    objecting = select(rights_request.c.customer_id).where(and_(
        rights_request.c.kind.in_([RequestKind.OBJECT_PROFILING.value,
                                   RequestKind.WITHDRAW_CONSENT.value,
                                   RequestKind.RESTRICTION.value, RequestKind.ERASURE.value]),
        rights_request.c.status.in_([s.value for s in OPEN_STATES])))
    active = select(customer.c.id).where(and_(
        customer.c.status == "active", customer.c.restricted_at.is_(None),
        customer.c.erased_at.is_(None)))
    return and_(customer_id_column.in_(granted), customer_id_column.in_(active),
                customer_id_column.not_in(objecting))


def reviewed(conn, request_no: str) -> bool:
    """Whether a person reviewed this objection (the event names the request)."""
    named = f'%"request":"{request_no}"%'  # detail is compact, sorted JSON
    return conn.execute(select(func.count()).select_from(audit_event).where(and_(
        audit_event.c.action == REVIEW_ACTION,
        audit_event.c.detail.like(named)))).scalar_one() > 0


def _letter(lang: str, branch: dict[str, str], *, request_no: str, customer_no: str,
            received: str, reviewer_role: str, reviewed_at: str, note: str,
            generated_by: str) -> bytes:
    tr = partial(translate, language=lang)
    st = styles()
    story = [
        Paragraph(esc(tr("Answer to your objection to automated decisions and profiling")),
                  st["title"]),
        key_values([(tr("Customer"), customer_no), (tr("Request"), request_no),
                    (tr("Received"), received)]),
        Spacer(1, 3 * mm),
        Paragraph(esc(tr("We take no decision about you by automated means alone: every "
                         "decision on your services, bills, complaints and requests is taken "
                         "by a member of our staff, who can explain it to you.")), st["body"]),
        Paragraph(esc(tr("A person reviewed your objection: {role}, on {time}. Their note: "
                         "{note}").format(role=reviewer_role, time=reviewed_at, note=note)),
                  st["body"]),
        Paragraph(esc(tr("Your consent to analytics and profiling is withdrawn, effective at "
                         "once: your data is left out of every statistic or list that groups "
                         "or scores customers. Your services do not change.")), st["body"]),
    ]
    story += rights_and_complaints(lang, branch, in_copy=False)
    return build(story, PageFrame(branch.get("branch_name") or tr("Custos branch"),
                                  tr("Answer to an objection"), generated_by,
                                  clock.local_text(clock.stamp()), lang, request_no))


def _reviewer_role(session: Session) -> str:
    return Role.MANAGER.value if Role.MANAGER in session.roles else min(
        (r.value for r in session.roles), default="")


@requires(Permission.REQUEST_DECIDE)
def answer_profiling_objection(session: Session, request_no: str, note: str,
                               language: str | None = None) -> bytes:
    """A manager's review of an objection to profiling: the analytics consent withdrawn,
    the review recorded, the answer letter (PDF) returned and its checksum kept."""
    from app.rights.answers import _customer_of, _open_request

    text = mask_numbers_in(" ".join(note.split()))[:1000]
    if len(text) < 10:
        raise ValidationError(translate("Write what you reviewed, in a full sentence.",
                                        language or "en"), field="note")
    db = session.db
    with db.read() as conn:
        row = _open_request(conn, request_no, (RequestKind.OBJECT_PROFILING,))
        c = _customer_of(conn, row)
        done = withdrawn_since(conn, c.id, ("analytics",), row.received_at)
    if not done:  # the counter may have withdrawn it already, when the customer asked
        record_consent(session, c.customer_no, "analytics", False, row.channel,
                       note=row.request_no)
    lang = language or row.language
    with db.write() as conn:
        row = _open_request(conn, request_no, (RequestKind.OBJECT_PROFILING,))
        audit.append(conn, db, actor=session.username, action=REVIEW_ACTION,
                     customer_ref=c.customer_no, purpose="rights_request",
                     detail={"request": row.request_no,
                             "note": seal_note(db.fields, "note", text)})
        data = _letter(lang, branch_details(session), request_no=row.request_no,
                       customer_no=c.customer_no, received=clock.local_text(row.received_at),
                       reviewer_role=_role(_reviewer_role(session), lang),
                       reviewed_at=clock.local_text(clock.stamp()), note=text,
                       generated_by=session.display_name)
        add_artefact(conn, session, row, ArtefactKind.OBJECTION_ANSWER,
                     hashlib.sha256(data).hexdigest(), len(data), lang)
    return data
