"""Opening a customer record — with a registered purpose — and revealing a masked field.

The regulation asks that every look-up be registered: the first open of a customer in a
session needs a purpose, which the session then remembers for that customer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from app import audit, clock
from app.customers.masking import (
    full_address,
    mask_address,
    mask_email,
    mask_id,
    mask_phone,
    masked_birth_date,
)
from app.customers.model import (
    CaseRecord,
    CaseStatus,
    ConsentState,
    ConsumptionMonth,
    CustomerRecord,
    Identity,
    PaymentRecord,
    Purpose,
    RevealField,
    ServiceRecord,
)
from app.customers.tables import (
    consent_event,
    consumption,
    customer,
    payment,
    plan,
    service,
    service_case,
)
from app.errors import CustosError, NotFound, ValidationError
from app.i18n import _, current_language
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.fields import FieldKeys, open_detail, open_row
from app.text import printable


class PurposeRequired(CustosError):
    """The first open of a customer in a session must say why."""


def customer_row(conn, customer_no: str, keys: FieldKeys | None = None):
    """The customer's row; with `keys`, its sealed columns opened (attributes as a row's)."""
    row = conn.execute(select(customer).where(customer.c.customer_no ==
                                              customer_no.strip().upper())).first()
    if row is None:
        raise NotFound(_("There is no customer {number}.").format(number=customer_no))
    return row if keys is None else SimpleNamespace(**open_row(keys, "customer", row))


def purpose_for(session: Session, customer_no: str, purpose: str | None,
                purpose_text: str = "") -> str:
    """The purpose to register: given now, or remembered from this session."""
    key = customer_no.strip().upper()
    if purpose is None:
        remembered = session.purposes.get(key)
        if remembered is None:
            raise PurposeRequired(_("Say why you are opening this customer's record."))
        return remembered
    try:
        chosen = Purpose(purpose)
    except ValueError:
        chosen, purpose_text = Purpose.OTHER, purpose
    if chosen is Purpose.OTHER:
        if not printable(purpose_text, "purpose").strip():
            raise ValidationError(_("With purpose 'Other', describe the purpose."),
                                  field="purpose")
        text = f"other: {purpose_text.strip()[:200]}"
    else:
        text = chosen.value
    session.purposes[key] = text
    return text


def masked_identity(row) -> Identity:
    return Identity(
        customer_no=row.customer_no, kind=row.kind, name=row.name, name_pinyin=row.name_pinyin,
        id_type=row.id_type, id_number=mask_id(row.id_number, row.id_type),
        # The birth date is the masked middle of a resident ID: masked with it.
        birth_date=masked_birth_date(row.birth_date),
        gender=row.gender, phone=mask_phone(row.phone),
        email=mask_email(row.email),
        address=mask_address(row.province, row.city, row.district, row.street),
        verified_how=row.verified_how, verified_by=row.verified_by, verified_at=row.verified_at,
        status=row.status, restricted=row.restricted_at is not None,
        restriction_reason=row.restriction_reason, created_at=row.created_at,
        updated_at=row.updated_at, restricted_at=row.restricted_at,
        legal_hold=row.legal_hold_reason, legal_hold_until=row.legal_hold_until,
        version=row.row_version)


def _masked_no(kind: str, number: str) -> str:
    """A mobile or fixed-line service number is a phone number: masked like one."""
    from app.customers.services import mask_service_no

    return mask_service_no(kind, number)


def _services_opened(keys: FieldKeys | None, rows) -> list:
    """Service rows with their sealed numbers opened (rows carry `service.id` as `id`)."""
    if keys is None:
        return rows
    return [SimpleNamespace(**open_row(keys, "service", r)) for r in rows]


def load_services(conn, customer_id: int, masked: bool = True,
                  keys: FieldKeys | None = None) -> list[ServiceRecord]:
    name = plan.c.name_zh if current_language() == "zh_CN" else plan.c.name_en
    rows = _services_opened(keys, conn.execute(
        select(service, name.label("plan_name"))
        .join(plan, plan.c.code == service.c.plan_code)
        .where(service.c.customer_id == customer_id)
        .order_by(service.c.start_date, service.c.id)).all())
    return [ServiceRecord(r.service_no, r.kind, r.plan_code, r.plan_name, r.account_no,
                          r.agreement_no, r.start_date, r.end_date, r.status,
                          _masked_no(r.kind, r.service_no) if masked else r.service_no)
            for r in rows]


def load_consumption(conn, customer_id: int, since: str | None,
                     masked: bool = True, keys: FieldKeys | None = None) -> list[ConsumptionMonth]:
    q = (select(service.c.id, service.c.service_no, service.c.kind, consumption)
         .join(service, service.c.id == consumption.c.service_id)
         .where(service.c.customer_id == customer_id))
    if since:
        q = q.where(consumption.c.period >= since)
    if keys is None:
        rows = conn.execute(q.order_by(consumption.c.period.desc(), service.c.service_no)).all()
    else:  # a sealed number is sorted once opened
        rows = sorted(_services_opened(keys, conn.execute(q).all()),
                      key=lambda r: r.service_no)
        rows.sort(key=lambda r: r.period, reverse=True)
    return [ConsumptionMonth(_masked_no(r.kind, r.service_no) if masked else r.service_no,
                             r.period, r.voice_minutes, r.sms_count, r.data_mb, r.billed_fen)
            for r in rows]


def load_payments(conn, customer_id: int, masked: bool = True,
                  keys: FieldKeys | None = None) -> list[PaymentRecord]:
    rows = conn.execute(select(service.c.service_no, service.c.kind, payment,
                               service.c.id.label("service_row"))
                        .join(service, service.c.id == payment.c.service_id)
                        .where(service.c.customer_id == customer_id)
                        .order_by(payment.c.paid_on.desc())).all()
    if keys is not None:
        rows = [SimpleNamespace(**{**r._mapping, "service_no": keys.open(
            "service", "service_no", r.service_row, r.service_no)}) for r in rows]
    return [PaymentRecord(_masked_no(r.kind, r.service_no) if masked else r.service_no,
                          r.paid_on, r.channel, r.amount_fen, r.period) for r in rows]


_OPEN_STATES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED)


def case_from_row(r, customer_no: str, service_no: str | None, today: str,
                  service_kind: str | None = None, keys: FieldKeys | None = None) -> CaseRecord:
    """A case as shown: its service number masked like the service itself. With `keys`,
    its sealed texts (row id `r.id`) and a sealed service number (row id `r.service_id`)
    are opened here; text passes through, so a row opened already is fine too."""
    summary, details, resolution = r.summary, r.details, r.resolution
    if keys is not None:
        summary = keys.open("service_case", "summary", r.id, summary)
        details = keys.open("service_case", "details", r.id, details)
        resolution = keys.open("service_case", "resolution", r.id, resolution)
        if service_no is not None:
            service_no = keys.open("service", "service_no", r.service_id, service_no)
    shown = _masked_no(service_kind or "", service_no) if service_no else None
    return CaseRecord(
        case_no=r.case_no, customer_no=customer_no, service_no=shown, kind=r.kind,
        channel=r.channel, summary=summary, details=details, status=r.status,
        assignee=r.assignee, due_date=r.due_date, resolution=resolution,
        satisfaction=r.satisfaction, created_at=r.created_at, created_by=r.created_by,
        updated_at=r.updated_at, overdue=r.status in _OPEN_STATES and r.due_date < today,
        version=r.row_version)


def load_cases(conn, customer_id: int, customer_no: str,
               keys: FieldKeys | None = None) -> list[CaseRecord]:
    rows = conn.execute(select(service_case, service.c.service_no,
                               service.c.kind.label("service_kind"))
                        .outerjoin(service, service.c.id == service_case.c.service_id)
                        .where(service_case.c.customer_id == customer_id)
                        .order_by(service_case.c.created_at.desc())).all()
    today = date.today().isoformat()
    return [case_from_row(r, customer_no, r.service_no, today, r.service_kind, keys)
            for r in rows]


def load_consents(conn, customer_id: int) -> list[ConsentState]:
    """The current state per purpose: the latest ledger entry for each."""
    rows = conn.execute(select(consent_event).where(consent_event.c.customer_id == customer_id)
                        .order_by(consent_event.c.id)).all()
    latest = {r.purpose: r for r in rows}
    return [ConsentState(r.purpose, bool(r.granted), r.channel, r.at, r.recorded_by)
            for r in latest.values()]


def twelve_months_ago(today: date | None = None) -> str:
    today = today or date.today()
    year, month = today.year, today.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


@requires(Permission.CUSTOMER_OPEN)
def open_customer(session: Session, customer_no: str, purpose: str | None = None,
                  purpose_text: str = "") -> CustomerRecord:
    """Identity (masked), services, the last 12 months, cases and consents — registered."""
    keys = session.db.fields
    # Read and registered together (audit.registered_read): the record leaves only once
    # its event is committed.
    with audit.registered_read(session.db) as (conn, log):
        row = customer_row(conn, customer_no, keys)
        registered = purpose_for(session, row.customer_no, purpose, purpose_text)
        record = CustomerRecord(
            identity=masked_identity(row),
            services=tuple(load_services(conn, row.id, keys=keys)),
            consumption=tuple(load_consumption(conn, row.id, twelve_months_ago(), keys=keys)),
            cases=tuple(load_cases(conn, row.id, row.customer_no, keys)),
            consents=tuple(load_consents(conn, row.id)),
            purpose=registered)
        log(actor=session.username, action="customer.opened", customer_ref=row.customer_no,
            purpose=registered)
    return record


def printable_record(record: CustomerRecord) -> dict:
    """The record as it may leave the program (CLI text or JSON): masked as on screen.

    A service keeps its full number in memory so the GUI can act on it; wherever the
    record is printed, that number is replaced by its masked form, like the phone.
    """
    data = asdict(record)
    for svc in data["services"]:
        svc["service_no"] = svc["display_no"]
    return data


@requires(Permission.CUSTOMER_OPEN)
def consumption_history(session: Session, customer_no: str) -> list[ConsumptionMonth]:
    """Every month on record (the Consumption tab's full table); needs a registered purpose."""
    purpose_for(session, customer_no, None)
    with session.db.read() as conn:
        row = customer_row(conn, customer_no)
        return load_consumption(conn, row.id, None, keys=session.db.fields)


@requires(Permission.CUSTOMER_OPEN)
def payments(session: Session, customer_no: str) -> list[PaymentRecord]:
    purpose_for(session, customer_no, None)
    with session.db.read() as conn:
        return load_payments(conn, customer_row(conn, customer_no).id,
                             keys=session.db.fields)


@requires(Permission.CUSTOMER_REVEAL)
def reveal_field(session: Session, customer_no: str, field: str, reason: str) -> str:
    """The unmasked value of one field, for one look; the reason goes into the log."""
    try:
        which = RevealField(field)
    except ValueError:
        raise ValidationError(_("Only the ID number, phone, address and email can be revealed."),
                              field="field") from None
    if len(printable(reason, "reason").strip()) < 3:
        raise ValidationError(_("Give a reason for revealing this field."), field="reason")
    registered = purpose_for(session, customer_no, None)
    with session.db.write() as conn:
        row = customer_row(conn, customer_no, session.db.fields)
        value = {
            RevealField.ID_NUMBER: row.id_number,
            RevealField.PHONE: row.phone,
            RevealField.EMAIL: row.email or "",
            RevealField.ADDRESS: full_address(row.province, row.city, row.district, row.street),
        }[which]
        audit.append(conn, session.db, actor=session.username, action="customer.revealed",
                     customer_ref=row.customer_no, purpose=registered,
                     detail={"field": which.value, "reason": reason.strip()[:200]})
    return value


@dataclass(frozen=True)
class AccessEvent:
    at: str
    actor: str
    action: str
    purpose: str | None
    detail: str


@requires(Permission.OVERSIGHT)
def access_history(session: Session, customer_no: str, limit: int = 500) -> list[AccessEvent]:
    """Who opened this record, when and why (managers)."""
    from app.store.schema import audit_event as ev

    key = customer_no.strip().upper()
    with session.db.read() as conn:
        customer_row(conn, key)
        rows = conn.execute(select(ev.c.at, ev.c.actor, ev.c.action, ev.c.purpose, ev.c.detail)
                            .where(ev.c.customer_ref == key)
                            .order_by(ev.c.seq.desc()).limit(limit)).all()
    return [AccessEvent(clock.local_text(r.at), r.actor, r.action, r.purpose,
                        open_detail(session.db.fields, r.detail)) for r in rows]
