"""A customer's telecom service lines: plans, opening and ending services, consumption, payments.

Every change runs in one write transaction with its audit event. Service numbers of mobiles
and landlines are phone numbers, so they enter the audit log masked.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import case, func, select

from app import audit, clock
from app.customers import lookup, phones
from app.customers.editing import editable
from app.customers.idnumbers import normalise
from app.customers.model import Purpose, ServiceKind, ServiceRecord, ServiceStatus
from app.customers.records import customer_row, load_services, purpose_for
from app.customers.tables import consumption, customer, payment, plan, service
from app.errors import Conflict, CustosError, NotFound, ValidationError
from app.i18n import N_, _, current_language
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect
from app.store.fields import FieldKeys, open_row, sealed_values
from app.store.numbers import next_id

# Payment channels: stored value -> label msgid (translated where shown).
PAYMENT_CHANNELS: tuple[tuple[str, str], ...] = (
    ("counter", N_("At the counter")),
    ("online", N_("Online payment")),
    ("bank", N_("Bank transfer")),
    ("autopay", N_("Automatic debit")),
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_BROADBAND = re.compile(r"[A-Z0-9]{6,20}", re.ASCII)
_REFERENCE = re.compile(r"[A-Z0-9-]{1,30}", re.ASCII)
_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)
_USAGE = (("voice_minutes", N_("Voice minutes")), ("sms_count", N_("Text messages")),
          ("data_mb", N_("Data (MB)")), ("billed_fen", N_("Billed amount (fen)")))


@dataclass(frozen=True)
class Plan:
    code: str
    kind: str
    name: str
    monthly_fee_fen: int
    active: bool


def payment_channel_label(value: str) -> str:
    return _(dict(PAYMENT_CHANNELS)[value])


def local_today() -> date:
    """Today in the branch's local time (follows app.clock, so tests can move it)."""
    return clock.now_utc().astimezone().date()


def iso_date(text: str, field: str) -> date:
    text = str(text or "").strip()
    if _ISO_DATE.fullmatch(text):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(text)
    raise ValidationError(_("Enter the date as YYYY-MM-DD, for example 2024-05-31."), field=field)


def iso_period(text: str, field: str = "period") -> str:
    match = _PERIOD.fullmatch(str(text or "").strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(_("Enter the month as YYYY-MM, for example 2024-05."), field=field)
    return match.group(0)


def whole_number(value: object, field: str, label: str) -> int:
    """A non-negative integer from an int or a digit string (imports arrive as text)."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        raise ValidationError(_("{field} must be a whole number.").format(field=_(label)),
                              field=field)
    if number < 0:
        raise ValidationError(_("{field} cannot be negative.").format(field=_(label)),
                              field=field)
    return number


def working_purpose(session: Session, customer_no: str, default: str) -> str:
    """The purpose registered for this customer in the session, or the one the act implies."""
    return session.purposes.get(customer_no.strip().upper()) or default


def mask_service_no(kind: str, number: str) -> str:
    if kind in (ServiceKind.MOBILE, ServiceKind.FIXED_LINE):
        return phones.mask_phone(number)
    return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:]


def service_number(kind: ServiceKind, text: str) -> str:
    try:
        if kind is ServiceKind.MOBILE:
            return phones.normalise_mobile(text)
        if kind is ServiceKind.FIXED_LINE:
            return phones.normalise_fixed_line(text)
    except phones.InvalidPhone as error:
        raise ValidationError(str(error), field="service_no") from None
    number = normalise(text)
    if not _BROADBAND.fullmatch(number):
        raise ValidationError(_("A broadband account number is 6 to 20 letters or digits."),
                              field="service_no")
    return number


def _reference(text: str, field: str) -> str:
    value = normalise(text)
    if not _REFERENCE.fullmatch(value):
        raise ValidationError(_("A reference number is 1 to 30 letters, digits or dashes."),
                              field=field)
    return value


def number_forms(text: str) -> list[str]:
    """The ways a typed service number may be stored (as typed, normalised, as a phone)."""
    raw = str(text or "").strip()
    found = {raw, normalise(raw)}
    for reader in (phones.normalise_mobile, phones.normalise_fixed_line):
        with contextlib.suppress(phones.InvalidPhone):
            found.add(reader(raw))
    return sorted(n for n in found if n)


def service_row(conn, service_no: str, keys: FieldKeys | None = None):
    """The service with this number (the running one if the number was reused). With the
    keys of a sealing database, found through the tokens and returned opened."""
    if keys is not None and keys.active:
        return _sealed_service_row(conn, keys, service_no)
    row = conn.execute(
        select(service, customer.c.customer_no)
        .join(customer, customer.c.id == service.c.customer_id)
        .where(service.c.service_no.in_(number_forms(service_no)))
        .order_by(case((service.c.status == ServiceStatus.ENDED.value, 1), else_=0),
                  service.c.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound(_("There is no service with number {number}.")
                       .format(number=str(service_no).strip()))
    return row


def _sealed_service_row(conn, keys: FieldKeys, service_no: str):
    found = lookup.services_numbered(conn, keys, number_forms(service_no))
    if not found:
        raise NotFound(_("There is no service with number {number}.")
                       .format(number=str(service_no).strip()))
    best = min(found, key=lambda s: (s["status"] == ServiceStatus.ENDED.value, -s["id"]))
    row = conn.execute(select(service, customer.c.customer_no)
                       .join(customer, customer.c.id == service.c.customer_id)
                       .where(service.c.id == best["id"])).first()
    return SimpleNamespace(**open_row(keys, "service", row))


def _number_taken(conn, keys: FieldKeys, number: str) -> bool:
    """Is this number in use on a service that has not ended?"""
    if keys.active:
        return any(s["status"] != ServiceStatus.ENDED.value
                   for s in lookup.services_numbered(conn, keys, [number]))
    return conn.execute(select(service.c.id).where(
        service.c.service_no == number,
        service.c.status != ServiceStatus.ENDED.value).limit(1)).first() is not None


def _log(conn, session: Session, action: str, customer_no: str, service_kind: str,
         number: str, /, **detail) -> str:
    """One audit event about one service, its number masked; returns the purpose logged."""
    purpose = working_purpose(session, customer_no, Purpose.COUNTER_SERVICE.value)
    audit.append(conn, session.db, actor=session.username, action=action,
                 customer_ref=customer_no, purpose=purpose,
                 detail={"service_no": mask_service_no(service_kind, number), **detail})
    return purpose


def _running(row) -> None:
    if row.status == ServiceStatus.ENDED:
        raise Conflict(_("This service ended on {date}; it cannot be changed.")
                       .format(date=row.end_date))


@requires(Permission.CUSTOMER_OPEN)
def list_plans(session: Session) -> list[Plan]:
    name = plan.c.name_zh if current_language() == "zh_CN" else plan.c.name_en
    with session.db.read() as conn:
        rows = conn.execute(select(plan, name.label("shown"))
                            .order_by(plan.c.kind, plan.c.monthly_fee_fen, plan.c.code)).all()
    return [Plan(r.code, r.kind, r.shown, r.monthly_fee_fen, bool(r.active)) for r in rows]


@requires(Permission.CUSTOMER_EDIT)
def add_service(session: Session, customer_no: str, kind: str, service_no: str, plan_code: str,
                start_date: str, account_no: str = "", agreement_no: str = "") -> None:
    """A new service line; a closed customer becomes active again."""
    try:
        service_kind = ServiceKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of service."), field="kind") from None
    number = service_number(service_kind, service_no)
    start = iso_date(start_date, "start_date")
    today = local_today()
    if start > today:
        raise ValidationError(_("The start date cannot be in the future."), field="start_date")
    account = _reference(account_no, "account_no") if account_no.strip() else ""
    agreement = _reference(agreement_no, "agreement_no") if agreement_no.strip() else ""
    code = normalise(plan_code)
    db = session.db
    with db.write() as conn:
        row = editable(conn, customer_no)
        chosen = conn.execute(select(plan).where(plan.c.code == code)).first()
        if chosen is None:
            raise ValidationError(_("There is no plan with code {code}.").format(code=code),
                                  field="plan_code")
        if not chosen.active:
            raise ValidationError(_("Plan {code} is no longer offered.").format(code=code),
                                  field="plan_code")
        if chosen.kind != service_kind:
            raise ValidationError(_("Plan {code} is for {plan_kind}, not for {kind}.").format(
                code=code, plan_kind=ServiceKind(chosen.kind).label, kind=service_kind.label),
                field="plan_code")
        if _number_taken(conn, db.fields, number):
            raise ValidationError(_("The service number {number} is already in use on another "
                                    "service.").format(number=number), field="service_no")
        service_id = next_id(conn, service.c.id)
        account = account or f"A{row.id:09d}"
        agreement = agreement or f"AG{today:%Y%m%d}{service_id:06d}"
        now = clock.stamp()
        conn.execute(service.insert().values(
            id=service_id, customer_id=row.id, kind=service_kind.value, plan_code=code,
            **sealed_values(db.fields, "service", service_id, {
                "service_no": number, "account_no": account, "agreement_no": agreement}),
            start_date=start.isoformat(), status=ServiceStatus.ACTIVE.value, created_at=now))
        lookup.rebuild_tokens(conn, db.fields, row.id)
        reopened = row.status == "closed"
        if reopened:
            conn.execute(customer.update().where(customer.c.id == row.id)
                         .values(status="active", updated_at=now))
        purpose = _log(conn, session, "service.added", row.customer_no, service_kind, number,
                       kind=service_kind.value, plan=code, start_date=start.isoformat(),
                       customer_reopened=reopened)  # account/agreement no.: sealed, not logged
    session.purposes.setdefault(row.customer_no, purpose)


@requires(Permission.CUSTOMER_EDIT)
def end_service(session: Session, service_no: str, end_date: str) -> None:
    """The service ends; when it was the customer's last, the customer is closed."""
    end = iso_date(end_date, "end_date")
    if end > local_today():
        raise ValidationError(_("The end date cannot be in the future."), field="end_date")
    db = session.db
    with db.write() as conn:
        row = service_row(conn, service_no, db.fields)
        _running(row)
        if end.isoformat() < row.start_date:
            raise ValidationError(_("The end date cannot be before the start date {start}.")
                                  .format(start=row.start_date), field="end_date")
        owner = editable(conn, row.customer_no)
        conn.execute(service.update().where(service.c.id == row.id).values(
            status=ServiceStatus.ENDED.value, end_date=end.isoformat()))
        still_running = conn.execute(select(func.count()).select_from(service).where(
            service.c.customer_id == owner.id,
            service.c.status != ServiceStatus.ENDED.value)).scalar_one()
        if not still_running:
            conn.execute(customer.update().where(customer.c.id == owner.id)
                         .values(status="closed", updated_at=clock.stamp()))
        lookup.rebuild_tokens(conn, db.fields, owner.id)
        _log(conn, session, "service.ended", owner.customer_no, row.kind, row.service_no,
             end_date=end.isoformat(), customer_closed=not still_running)


@requires(Permission.CUSTOMER_EDIT)
def set_service_status(session: Session, service_no: str, status: str) -> None:
    """Suspend a running service, or resume a suspended one."""
    try:
        target = ServiceStatus(status)
    except ValueError:
        raise ValidationError(_("A service can be set to active or suspended."),
                              field="status") from None
    if target is ServiceStatus.ENDED:
        raise ValidationError(_("To end a service, record its end date."), field="status")
    db = session.db
    with db.write() as conn:
        row = service_row(conn, service_no, db.fields)
        _running(row)
        if row.status == target:
            raise Conflict(_("The service is already in status {status}.")
                           .format(status=target.label))
        owner = editable(conn, row.customer_no)
        conn.execute(service.update().where(service.c.id == row.id).values(status=target.value))
        action = ("service.suspended" if target is ServiceStatus.SUSPENDED
                  else "service.resumed")
        _log(conn, session, action, owner.customer_no, row.kind, row.service_no,
             **{"from": row.status, "to": target.value})


def _usage(conn, values: Mapping, keys: FieldKeys | None = None) -> tuple[object, dict]:
    """One month's consumption checked against its service; (service row, column values)."""
    period = iso_period(values.get("period", ""))
    counts = {name: whole_number(values.get(name), name, label) for name, label in _USAGE}
    today = local_today()
    if period > f"{today:%Y-%m}":
        raise ValidationError(_("The month {period} is in the future.").format(period=period),
                              field="period")
    row = service_row(conn, str(values.get("service_no", "")), keys)
    if period < row.start_date[:7]:
        raise ValidationError(_("This service started in {month}; there can be no consumption "
                                "before that.").format(month=row.start_date[:7]), field="period")
    if row.end_date and period > row.end_date[:7]:
        raise ValidationError(_("This service ended in {month}; there can be no consumption "
                                "after that.").format(month=row.end_date[:7]), field="period")
    editable(conn, row.customer_no)
    return row, {"service_id": row.id, "period": period, **counts}


def _upsert(conn, values: dict) -> bool:
    """Write one month; True when it replaced a month already on record."""
    existed = conn.execute(select(consumption.c.period).where(
        consumption.c.service_id == values["service_id"],
        consumption.c.period == values["period"])).first() is not None
    stmt = dialect.insert(conn, consumption).values(**values)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["service_id", "period"],
        set_={name: stmt.excluded[name] for name, _label in _USAGE}))
    return existed


@requires(Permission.CUSTOMER_EDIT)
def record_consumption(session: Session, service_no: str, period: str, voice_minutes: int,
                       sms_count: int, data_mb: int, billed_fen: int) -> None:
    """One month of one service; recording a month again replaces it."""
    db = session.db
    with db.write() as conn:
        row, values = _usage(conn, dict(service_no=service_no, period=period,
                                        voice_minutes=voice_minutes, sms_count=sms_count,
                                        data_mb=data_mb, billed_fen=billed_fen), db.fields)
        replaced = _upsert(conn, values)
        _log(conn, session, "consumption.recorded", row.customer_no, row.kind, row.service_no,
             period=values["period"], replaced=replaced)


@requires(Permission.CUSTOMER_EDIT)
def import_consumption(session: Session, rows: Iterable[Mapping]) -> int:
    """All rows checked first, then written together; one bad row and nothing is written."""
    db = session.db
    with db.write() as conn:
        checked: list[dict] = []
        seen: dict[tuple[int, str], int] = {}
        for number, values in enumerate(rows, start=1):
            try:
                if not isinstance(values, Mapping):
                    raise ValidationError(_("This row is not a month of consumption."))
                row, usage = _usage(conn, values, db.fields)
            except CustosError as error:
                raise ValidationError(_("Row {row}: {reason}").format(row=number,
                                                                      reason=str(error)),
                                      field=getattr(error, "field", None)) from None
            key = (row.id, usage["period"])
            if key in seen:
                raise ValidationError(_("Row {row} repeats the service and month of row "
                                        "{other}.").format(row=number, other=seen[key]),
                                      field="period")
            seen[key] = number
            checked.append(usage)
        if not checked:
            return 0
        replaced = sum(_upsert(conn, usage) for usage in checked)
        audit.append(conn, db, actor=session.username, action="consumption.imported",
                     detail={"count": len(checked), "replaced": replaced,
                             "periods": sorted({u["period"] for u in checked})})
    return len(checked)


@requires(Permission.CUSTOMER_EDIT)
def record_payment(session: Session, service_no: str, paid_on: str, channel: str,
                   amount_fen: int, period: str | None = None) -> None:
    day = iso_date(paid_on, "paid_on")
    if day > local_today():
        raise ValidationError(_("The payment date cannot be in the future."), field="paid_on")
    if channel not in dict(PAYMENT_CHANNELS):
        raise ValidationError(_("Choose how the customer paid."), field="channel")
    amount = whole_number(amount_fen, "amount_fen", N_("The amount"))
    if amount == 0:
        raise ValidationError(_("A payment must be more than zero."), field="amount_fen")
    month = iso_period(period) if period else None
    db = session.db
    with db.write() as conn:
        row = service_row(conn, service_no, db.fields)
        editable(conn, row.customer_no)
        conn.execute(payment.insert().values(service_id=row.id, paid_on=day.isoformat(),
                                             channel=channel, amount_fen=amount, period=month))
        _log(conn, session, "payment.recorded", row.customer_no, row.kind, row.service_no,
             paid_on=day.isoformat(), channel=channel, amount_fen=amount, period=month)


@requires(Permission.CUSTOMER_OPEN)
def services_of(session: Session, customer_no: str) -> list[ServiceRecord]:
    """The customer's services, oldest first; needs a purpose registered in this session."""
    purpose_for(session, customer_no, None)
    with session.db.read() as conn:
        return load_services(conn, customer_row(conn, customer_no).id,
                             keys=session.db.fields)


__all__ = ["PAYMENT_CHANNELS", "Plan", "add_service", "end_service", "import_consumption",
           "iso_date", "iso_period", "list_plans", "local_today", "mask_service_no", "number_forms",
           "payment_channel_label", "record_consumption", "record_payment", "service_row",
           "services_of", "set_service_status", "whole_number", "working_purpose"]
