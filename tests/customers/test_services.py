"""Service lines: plans, adding and ending services, consumption imports and payments."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import i18n, synthetic
from app.customers import services
from app.customers.editing import NewCustomer, create_customer, restrict
from app.customers.records import PurposeRequired, open_customer, payments
from app.customers.tables import consumption, customer, payment, service
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.security.roles import Role
from app.store.schema import audit_event

PAST = "2024-01-15"


def _customer(session, seed: int) -> str:
    p = synthetic.person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


def _mobile(seed: int) -> str:
    return synthetic.mobile(random.Random(10_000 + seed))


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


def _count(session, table) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _status(session, customer_no: str) -> str:
    with session.db.read() as conn:
        return conn.execute(select(customer.c.status)
                            .where(customer.c.customer_no == customer_no)).scalar_one()


def _next_month() -> str:
    first = date.today().replace(day=1) + timedelta(days=32)
    return f"{first:%Y-%m}"


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def line(counter):
    """A customer with one mobile service started in January 2024: (customer_no, number)."""
    number = _mobile(1)
    customer_no = _customer(counter, 1)
    services.add_service(counter, customer_no, "mobile", number, "M39", PAST)
    return customer_no, number


def test_plans_are_named_in_the_current_language(counter):
    plans = {p.code: p for p in services.list_plans(counter)}
    assert plans["M19"] == services.Plan("M19", "mobile", "Basic 19", 1900, True)
    assert plans["B1000"].kind == "broadband"
    i18n.set_language("zh_CN")
    assert {p.code: p.name for p in services.list_plans(counter)}["M19"] == "畅享19元套餐"


def test_add_service_fills_defaults_and_masks_the_number_in_the_log(counter):
    customer_no = _customer(counter, 2)
    number = _mobile(2)
    services.add_service(counter, customer_no, "mobile", f"+86 {number[:3]} {number[3:]}",
                         "m59", PAST)
    [record] = services.services_of(counter, customer_no)
    assert (record.service_no, record.plan_code, record.status) == (number, "M59", "active")
    with counter.db.read() as conn:
        cid = conn.execute(select(customer.c.id)
                           .where(customer.c.customer_no == customer_no)).scalar_one()
    assert record.account_no == f"A{cid:09d}"
    assert record.agreement_no.startswith(f"AG{date.today():%Y%m%d}")
    [event] = _events(counter, "service.added")
    assert event.customer_ref == customer_no and event.purpose == "counter_service"
    assert number not in event.detail
    assert json.loads(event.detail)["service_no"] == number[:3] + "****" + number[-4:]


def test_given_account_and_agreement_numbers_are_kept(counter):
    customer_no = _customer(counter, 3)
    services.add_service(counter, customer_no, "broadband", "bb 2024 0001", "B300", PAST,
                         account_no="acc-77", agreement_no="AG-PAPER-1")
    [record] = services.services_of(counter, customer_no)
    assert (record.service_no, record.account_no, record.agreement_no) == (
        "BB20240001", "ACC-77", "AG-PAPER-1")


def test_fixed_line_numbers_are_normalised(counter):
    customer_no = _customer(counter, 4)
    services.add_service(counter, customer_no, "fixed_line", "(010) 6234 5678", "F10", PAST)
    assert services.services_of(counter, customer_no)[0].service_no == "010-62345678"


@pytest.mark.parametrize(("kind", "number", "field"), [
    ("satellite", "13800138000", "kind"),
    ("mobile", "12345", "service_no"),
    ("fixed_line", "62345678", "service_no"),
    ("broadband", "ab12", "service_no"),
    ("broadband", "abc_12345", "service_no"),
])
def test_bad_kinds_and_numbers_are_refused(counter, kind, number, field):
    customer_no = _customer(counter, 5)
    with pytest.raises(ValidationError) as refused:
        services.add_service(counter, customer_no, kind, number, "M39", PAST)
    assert refused.value.field == field
    assert _count(counter, service) == 0


def test_unknown_plan_is_refused_and_nothing_is_written(counter):
    customer_no = _customer(counter, 6)
    events = _count(counter, audit_event)
    with pytest.raises(ValidationError, match="no plan with code X99") as refused:
        services.add_service(counter, customer_no, "mobile", _mobile(6), "X99", PAST)
    assert refused.value.field == "plan_code"
    assert _count(counter, service) == 0
    assert _count(counter, audit_event) == events


def test_plan_must_fit_the_kind_of_service(counter):
    customer_no = _customer(counter, 7)
    with pytest.raises(ValidationError, match="for Broadband, not for Mobile"):
        services.add_service(counter, customer_no, "mobile", _mobile(7), "B100", PAST)


@pytest.mark.parametrize("start", [(date.today() + timedelta(days=1)).isoformat(),
                                   "2024-02-30", "15/01/2024", "20240115"])
def test_start_date_must_be_a_real_past_date(counter, start):
    customer_no = _customer(counter, 8)
    with pytest.raises(ValidationError) as refused:
        services.add_service(counter, customer_no, "mobile", _mobile(8), "M39", start)
    assert refused.value.field == "start_date"


def test_a_number_in_use_elsewhere_is_refused_naming_it(counter, line):
    _first, number = line
    other = _customer(counter, 9)
    with pytest.raises(ValidationError, match=number):
        services.add_service(counter, other, "mobile", number, "M39", PAST)


def test_restricted_customer_gets_no_new_service(login, counter):
    customer_no = _customer(counter, 10)
    restrict(login(Role.MANAGER), customer_no, "customer objects to processing")
    with pytest.raises(Conflict, match="restricted"):
        services.add_service(counter, customer_no, "mobile", _mobile(10), "M39", PAST)


def test_ending_the_last_service_closes_the_customer_and_a_new_one_reopens(counter):
    customer_no = _customer(counter, 11)
    number, broadband = _mobile(11), "BB0000011"
    services.add_service(counter, customer_no, "mobile", number, "M39", PAST)
    services.add_service(counter, customer_no, "broadband", broadband, "B100", PAST)
    services.end_service(counter, number, "2024-06-30")
    assert _status(counter, customer_no) == "active"
    services.end_service(counter, broadband, "2024-07-31")
    assert _status(counter, customer_no) == "closed"
    assert json.loads(_events(counter, "service.ended")[-1].detail)["customer_closed"] is True
    # The number is free again once its service ended.
    services.add_service(counter, customer_no, "mobile", number, "M19", "2024-08-01")
    assert _status(counter, customer_no) == "active"
    statuses = [(s.service_no, s.status) for s in services.services_of(counter, customer_no)]
    assert statuses == [(number, "ended"), (broadband, "ended"), (number, "active")]
    assert json.loads(_events(counter, "service.added")[-1].detail)["customer_reopened"] is True


def test_end_date_rules(counter, line):
    _customer_no, number = line
    with pytest.raises(ValidationError, match="before the start date"):
        services.end_service(counter, number, "2023-12-31")
    with pytest.raises(ValidationError, match="future"):
        services.end_service(counter, number, (date.today() + timedelta(days=1)).isoformat())
    services.end_service(counter, number, "2024-01-15")
    with pytest.raises(Conflict, match="ended on 2024-01-15"):
        services.end_service(counter, number, "2024-02-01")
    with pytest.raises(NotFound):
        services.end_service(counter, "13000000000", "2024-02-01")


def test_suspend_and_resume(counter, line):
    _customer_no, number = line
    services.set_service_status(counter, number, "suspended")
    with pytest.raises(Conflict, match="already"):
        services.set_service_status(counter, number, "suspended")
    services.set_service_status(counter, number, "active")
    with pytest.raises(ValidationError):
        services.set_service_status(counter, number, "ended")
    assert [e.action for e in _events(counter, "service.suspended")
            + _events(counter, "service.resumed")] == ["service.suspended", "service.resumed"]
    services.end_service(counter, number, "2024-03-01")
    with pytest.raises(Conflict):
        services.set_service_status(counter, number, "suspended")


def _usage(session, service_no: str) -> list[tuple]:
    with session.db.read() as conn:  # the number may be sealed: found as the app finds it
        service_id = services.service_row(conn, service_no, session.db.fields).id
        return conn.execute(select(consumption.c.period, consumption.c.voice_minutes,
                                   consumption.c.billed_fen)
                            .where(consumption.c.service_id == service_id)
                            .order_by(consumption.c.period)).all()


def test_recording_a_month_again_replaces_it(counter, line):
    _customer_no, number = line
    services.record_consumption(counter, number, "2024-02", 120, 5, 2048, 3900)
    services.record_consumption(counter, number, "2024-02", 130, 5, 2048, 4100)
    assert _usage(counter, number) == [("2024-02", 130, 4100)]
    replaced = [json.loads(e.detail)["replaced"] for e in _events(counter, "consumption.recorded")]
    assert replaced == [False, True]


@pytest.mark.parametrize(("period", "counts", "match"), [
    (_next_month(), (1, 1, 1, 1), "future"),
    ("2023-12", (1, 1, 1, 1), "started in 2024-01"),
    ("2024-13", (1, 1, 1, 1), "YYYY-MM"),
    ("2024-2", (1, 1, 1, 1), "YYYY-MM"),
    ("2024-02", (-1, 1, 1, 1), "cannot be negative"),
    ("2024-02", (1, 1, 1, -100), "cannot be negative"),
    ("2024-02", (1, 1.5, 1, 1), "whole number"),
    ("2024-02", (1, 1, True, 1), "whole number"),
])
def test_bad_consumption_is_refused(counter, line, period, counts, match):
    _customer_no, number = line
    with pytest.raises(ValidationError, match=match):
        services.record_consumption(counter, number, period, *counts)
    assert _usage(counter, number) == []


def _row(number: str, period: str, billed="3900") -> dict:
    return {"service_no": number, "period": period, "voice_minutes": "100", "sms_count": "3",
            "data_mb": "1024", "billed_fen": billed}


def test_import_is_all_or_nothing(counter, line):
    _customer_no, number = line
    events = _count(counter, audit_event)
    rows = [_row(number, "2024-02"), _row(number, "2024-03"), _row(number, "2024-04", "-5")]
    with pytest.raises(ValidationError, match=r"^Row 3: .*cannot be negative"):
        services.import_consumption(counter, rows)
    assert _usage(counter, number) == []
    assert _count(counter, audit_event) == events
    with pytest.raises(ValidationError, match=r"^Row 2: There is no service"):
        services.import_consumption(counter, [_row(number, "2024-02"),
                                              _row("13900000000", "2024-02")])
    with pytest.raises(ValidationError, match="Row 2 repeats .* row 1"):
        services.import_consumption(counter, [_row(number, "2024-02"), _row(number, "2024-02")])
    assert _usage(counter, number) == []


def test_import_writes_every_row_with_one_event(counter, line):
    _customer_no, number = line
    count = services.import_consumption(counter, iter([_row(number, "2024-02"),
                                                       _row(number, "2024-03", 4200)]))
    assert count == 2
    assert _usage(counter, number) == [("2024-02", 100, 3900), ("2024-03", 100, 4200)]
    [event] = _events(counter, "consumption.imported")
    assert json.loads(event.detail)["count"] == 2
    assert number not in event.detail
    assert _events(counter, "consumption.recorded") == []


def test_payments(counter, line):
    customer_no, number = line
    services.record_payment(counter, number, "2024-02-10", "online", 3900, "2024-01")
    for args, field in [(("2024-02-10", "online", -100), "amount_fen"),
                        (("2024-02-10", "online", 0), "amount_fen"),
                        (("2024-02-10", "cash_in_envelope", 100), "channel"),
                        (((date.today() + timedelta(days=1)).isoformat(), "bank", 100),
                         "paid_on")]:
        with pytest.raises(ValidationError) as refused:
            services.record_payment(counter, number, *args)
        assert refused.value.field == field
    assert _count(counter, payment) == 1
    assert [(p.amount_fen, p.channel, p.period) for p in payments(counter, customer_no)] == [
        (3900, "online", "2024-01")]
    assert [e.customer_ref for e in _events(counter, "payment.recorded")] == [customer_no]
    assert services.payment_channel_label("autopay") == "Automatic debit"


def test_reading_services_needs_a_registered_purpose(login, line):
    customer_no, _number = line
    manager = login(Role.MANAGER)
    with pytest.raises(PurposeRequired):
        services.services_of(manager, customer_no)
    open_customer(manager, customer_no, "management_review")
    assert len(services.services_of(manager, customer_no)) == 1


ARCHIVE_CALLS = [
    (services.list_plans, ()),
    (services.add_service, ("C000000001", "mobile", "13800138000", "M39", PAST)),
    (services.end_service, ("13800138000", PAST)),
    (services.set_service_status, ("13800138000", "suspended")),
    (services.record_consumption, ("13800138000", "2024-02", 1, 1, 1, 1)),
    (services.import_consumption, ([],)),
    (services.record_payment, ("13800138000", PAST, "counter", 100)),
    (services.services_of, ("C000000001",)),
]


@pytest.mark.parametrize(("func", "args"), ARCHIVE_CALLS, ids=lambda v: getattr(v, "__name__", ""))
def test_archive_is_refused_everything(login, line, func, args):
    with pytest.raises(PermissionDenied):
        func(login(Role.ARCHIVE), *args)
