"""Erasure: first the plan (what goes, what the law keeps and until when), then the act.

On a manager's confirmation, in one transaction: identity replaced, free text of cases
erased, service numbers masked, billing and consumption kept under the customer number (a
pseudonymous reference) until their retention ends, paper files flagged for destruction.
Irreversible. Refused while a legal hold or an open dispute (an open complaint) exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from app import audit, clock
from app.archive.tables import paper_file
from app.customers.model import CaseKind, CaseStatus
from app.customers.phones import mask_phone
from app.customers.tables import consumption, customer, payment, service, service_case
from app.customers.tokens import replace_tokens
from app.errors import Conflict, ValidationError
from app.i18n import N_, _
from app.rights import held
from app.rights.model import RequestKind, RequestStatus
from app.rights.requests import late_check, request_row
from app.rights.tables import rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

BILLING_KEEP_MONTHS = 24
ERASED_NAME = "(erased)"


def erased_identity(keys, cid: int) -> dict:
    """The values an erased (or anonymised) customer's identity is overwritten with.

    They are placeholders, written as plain text even where the database seals its fields:
    they hold nothing of the person, a reader opens text as it is, and retention runs them
    as an administrator, who holds no key to seal with. The columns kept only for search
    are written empty once the database seals (tokens replace them)."""
    return dict(name=ERASED_NAME, name_pinyin="", name_initials="", id_number=f"ERASED-{cid}",
                id_rev="" if keys.active else f"ERASED-{cid}"[::-1], birth_date=None,
                gender=None, phone="", email=None, province="", city="", district="",
                street="")


@dataclass(frozen=True)
class PlanItem:
    what: str       # msgid, translated where shown
    count: int
    rule: str = ""  # msgid of the rule that keeps it
    until: str = ""  # the date it may go


@dataclass(frozen=True)
class ErasurePlan:
    customer_no: str
    erase: tuple[PlanItem, ...]
    keep: tuple[PlanItem, ...]
    blocked: str | None  # the sentence saying why erasure cannot happen now


def _add_months(period: str, months: int) -> str:
    year, month = int(period[:4]), int(period[5:7]) + months
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}-01"


def _blocker(conn, c, today: date) -> str | None:
    if c.erased_at is not None:
        return _("Customer {number} was already erased.").format(number=c.customer_no)
    if c.legal_hold_reason and (not c.legal_hold_until or
                                c.legal_hold_until >= today.isoformat()):
        return _("Customer {number} is on legal hold ({reason}); erasure must wait.").format(
            number=c.customer_no, reason=c.legal_hold_reason)
    disputes = conn.execute(select(func.count()).select_from(service_case).where(and_(
        service_case.c.customer_id == c.id, service_case.c.kind == CaseKind.COMPLAINT.value,
        service_case.c.status.in_([CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value,
                                   CaseStatus.REOPENED.value])))).scalar_one()
    if disputes:
        return _("Customer {number} has {count} open complaint(s); erasure must wait until "
                 "they are resolved.").format(number=c.customer_no, count=disputes)
    return None


def _backup_items(conn, db_id: str, today: date) -> tuple[PlanItem, ...]:
    """The copies in backups: they cannot be edited, and stay until the keep counts of the
    backup schedule let the newest of them go."""
    from app.compliance.evidence import backup_copies

    count, until = backup_copies(conn, db_id, today)
    if not count:
        return ()
    return (PlanItem(N_("Copies in encrypted backups, until they expire"), count,
                     N_("A backup cannot be edited; it is deleted when the backup "
                        "schedule's keep counts let it go"), until.isoformat()),)


def _plan(conn, row, today: date, db_id: str) -> ErasurePlan:
    c = conn.execute(select(customer).where(customer.c.id == row.customer_id)).first()
    sids = [s for s in conn.execute(select(service.c.id).where(service.c.customer_id == c.id))
            .scalars()]
    last_period = conn.execute(select(func.max(consumption.c.period))
                               .where(consumption.c.service_id.in_(sids))).scalar()
    months = conn.execute(select(func.count()).select_from(consumption)
                          .where(consumption.c.service_id.in_(sids))).scalar_one()
    pays = conn.execute(select(func.count()).select_from(payment)
                        .where(payment.c.service_id.in_(sids))).scalar_one()
    cases = conn.execute(select(func.count()).select_from(service_case)
                         .where(service_case.c.customer_id == c.id)).scalar_one()
    files = conn.execute(select(func.count()).select_from(paper_file).where(and_(
        paper_file.c.customer_id == c.id, paper_file.c.status != "destroyed"))).scalar_one()
    billing_until = _add_months(last_period, BILLING_KEEP_MONTHS + 1) if last_period else ""
    erase = (
        PlanItem(N_("Identity: name, ID number, date of birth, gender, phone, email, address"),
                 1),
        PlanItem(N_("Text of service cases (summaries, details, resolutions)"), cases),
        PlanItem(N_("Service numbers (shown masked from now on)"), len(sids)),
        PlanItem(N_("Paper files, flagged for destruction on record"), files),
    )
    keep = (
        PlanItem(N_("Monthly consumption and bills, under the customer number only"), months,
                 N_("Billing records are kept 24 months (accounting and tax law)"),
                 billing_until),
        PlanItem(N_("Payments, under the customer number only"), pays,
                 N_("Billing records are kept 24 months (accounting and tax law)"),
                 billing_until),
        PlanItem(N_("Consent history, under the customer number only"), 1,
                 N_("Proof of consent is a legal obligation"), ""),
        PlanItem(N_("Access log, under the customer number only"), 1,
                 N_("The access log is kept 3 years (telecom customer-data rules)"), ""),
        *_backup_items(conn, db_id, today),
    )
    return ErasurePlan(c.customer_no, erase, keep, _blocker(conn, c, today))


def _erasure_request(conn, request_no: str):
    row = request_row(conn, request_no)
    if row.kind != RequestKind.ERASURE.value:
        raise Conflict(_("Request {number} is not an erasure request.").format(
            number=row.request_no))
    if row.status not in (RequestStatus.VERIFIED.value, RequestStatus.IN_PROGRESS.value):
        raise Conflict(_("Request {number} must have the customer's identity verified and be "
                         "open.").format(number=row.request_no))
    return row


@requires(Permission.REQUEST_TAKE)
def erasure_plan(session: Session, request_no: str, today: date | None = None) -> ErasurePlan:
    """Shown before anything happens."""
    with session.db.read() as conn:
        return _plan(conn, _erasure_request(conn, request_no), today or date.today(),
                     session.db.db_id)


@requires(Permission.REQUEST_DECIDE)
def erase_customer(session: Session, request_no: str, confirm: bool, late_reason: str = "",
                   today: date | None = None) -> ErasurePlan:
    if not confirm:
        raise ValidationError(_("Erasure is irreversible; confirm it explicitly."),
                              field="confirm")
    day = today or date.today()
    db = session.db
    with db.write() as conn:
        row = _erasure_request(conn, request_no)
        plan = _plan(conn, row, day, db.db_id)
        if plan.blocked:
            raise Conflict(plan.blocked)
        late = late_check(row, late_reason, day)
        cid, now = row.customer_id, clock.stamp()
        keys = db.fields
        # Placeholders, as plain text (see erased_identity); the case texts likewise.
        conn.execute(customer.update().where(customer.c.id == cid).values(
            **erased_identity(keys, cid), status="closed", erased_at=now,
            updated_at=now, restricted_at=None, restricted_by=None, restriction_reason=None))
        conn.execute(service_case.update().where(service_case.c.customer_id == cid).values(
            summary=ERASED_NAME, details="", resolution=None, updated_at=now))
        for s in conn.execute(select(service.c.id, service.c.service_no, service.c.kind)
                              .where(service.c.customer_id == cid)).all():
            number = keys.open("service", "service_no", s.id, s.service_no)
            masked = mask_phone(number) if s.kind != "broadband" else \
                number[:2] + "*" * max(len(number) - 4, 0) + number[-2:]
            # A masked number still shows most of its digits: sealed like the number was.
            conn.execute(service.update().where(service.c.id == s.id).values(
                service_no=keys.seal("service", "service_no", s.id, masked), status="ended",
                end_date=day.isoformat()))
        if keys.active:  # nothing left to find them by but their customer number
            replace_tokens(conn, cid, set())
        conn.execute(paper_file.update().where(and_(
            paper_file.c.customer_id == cid, paper_file.c.status != "destroyed")).values(
            retain_until=day.isoformat(), retain_override_reason=f"erasure {row.request_no}",
            updated_at=now))
        conn.execute(rights_request.update().where(rights_request.c.id == row.id).values(
            status=RequestStatus.COMPLETED.value, decided_by=session.username,
            decided_at=now, outcome="erased", notes="", late_reason=late))
        # Copies prepared for the customer's other requests held their data too.
        held.drop(conn, list(conn.execute(select(rights_request.c.id).where(
            rights_request.c.customer_id == cid)).scalars()))
        audit.append(conn, db, actor=session.username, action="customer.erased",
                     customer_ref=plan.customer_no, purpose="rights_request",
                     detail={"request": row.request_no,
                             "erased": {i.what: i.count for i in plan.erase}})
    return plan
