"""A sealing database (issue 13): the file holds no plaintext name, ID number, phone or
service number of a customer, and every reading of the search box still finds them,
through tokens, for the roles that hold the keys; an archive clerk finds names only."""

from __future__ import annotations

import random

import pytest

from app import synthetic
from app.customers import guesses
from app.customers.editing import NewCustomer, create_customer, update_identity
from app.customers.pinyin import pinyin_of
from app.customers.records import open_customer, reveal_field
from app.customers.search import find_customers, summaries
from app.customers.services import add_service, end_service, services_of
from app.errors import ValidationError
from app.imports.run import run_import
from app.security.roles import Role
from app.store import dialect

PAST = "2020-01-01"
PHONE = "13912345678"
MOBILE = "15822223333"
FIXED = "010-62344444"
BROADBAND = "8820240577"  # digits only: what the box reads as a service number


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch) -> None:
    monkeypatch.setattr(guesses, "_sleep", lambda _s: None)


@pytest.fixture
def made(login):
    counter = login(Role.COUNTER)
    p = synthetic.person(random.Random(77))
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=PHONE,
        original_checked=True, consents={"contract": True}))
    add_service(counter, number, "mobile", MOBILE, "M39", PAST)
    add_service(counter, number, "fixed_line", FIXED, "F10", PAST)
    add_service(counter, number, "broadband", BROADBAND, "B100", PAST)
    return counter, number, p


def _found(session, query: str) -> list[str]:
    return [s.customer_no for s in summaries(session, find_customers(session, query).ids)]


def _raw(session, sql: str, *params) -> list[tuple]:
    with session.db.read() as conn:
        return [tuple(r) for r in dialect.raw(conn, sql, params).all()]


def test_the_file_holds_no_plaintext_of_what_is_sealed(made) -> None:
    counter, number, p = made
    (row,) = _raw(counter, "SELECT name, name_pinyin, id_number, phone, birth_date, "
                  "name_initials, id_rev FROM customer WHERE customer_no = ?", number)
    name, pinyin, id_number, phone, birth, initials, id_rev = row
    for sealed, plain in ((name, p.name), (pinyin, pinyin_of(p.name)[0]),
                          (id_number, p.id_number), (phone, PHONE)):
        assert isinstance(sealed, bytes) and plain.encode() not in sealed
    assert isinstance(birth, bytes)
    assert initials == "" and id_rev == ""  # search-only columns: tokens instead
    numbers = _raw(counter, "SELECT service_no, account_no, agreement_no FROM service")
    assert len(numbers) == 3
    for values in numbers:
        assert all(isinstance(v, bytes) for v in values)
        assert not any(n.encode() in v for v in values for n in (MOBILE, FIXED, BROADBAND))
    tokens = _raw(counter, "SELECT count(*) FROM customer_token")[0][0]
    assert tokens > 10


@pytest.mark.parametrize("reading", ["phone", "phone_tail", "mobile_tail", "fixed_tail",
                                     "id_number", "id_tail4", "id_tail5", "id_tail6",
                                     "customer_no", "service_no", "phone_service_no",
                                     "name_prefix", "name", "pinyin", "initials"])
def test_every_reading_finds_the_customer(made, reading) -> None:
    counter, number, p = made
    full, initials = pinyin_of(p.name)
    query = {"phone": PHONE, "phone_tail": PHONE[-4:], "mobile_tail": MOBILE[-4:],
             "fixed_tail": FIXED[-4:], "id_number": p.id_number, "id_tail4": p.id_number[-4:],
             "id_tail5": p.id_number[-5:], "id_tail6": p.id_number[-6:],
             "customer_no": number, "service_no": BROADBAND, "phone_service_no": MOBILE,
             "name_prefix": p.name[:1], "name": p.name, "pinyin": full,
             "initials": initials}[reading]
    assert number in _found(counter, query)


def test_near_misses_find_nothing_and_results_open_masked(made) -> None:
    counter, number, p = made
    assert number not in _found(counter, "5679")
    assert number not in _found(counter, "13912345670")
    (summary,) = summaries(counter, find_customers(counter, PHONE).ids)
    assert summary.name == p.name and PHONE not in summary.phone_masked
    assert summary.phone_masked.endswith("5678")


def test_names_sort_in_pinyin_order(login) -> None:
    counter = login(Role.COUNTER)
    rng = random.Random(5)
    made = []
    for name in ("王五", "王安", "王二"):
        p = synthetic.person(rng)
        made.append(create_customer(counter, NewCustomer(
            name=name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
            original_checked=True, consents={"contract": True})))
    shown = [s.name for s in summaries(counter, find_customers(counter, "王").ids)]
    assert shown == sorted(shown, key=lambda n: pinyin_of(n)[0]) and len(shown) == 3


def test_an_archive_clerk_finds_names_but_no_numbers(made, login) -> None:
    _counter, number, p = made
    clerk = login(Role.ARCHIVE)
    assert _found(clerk, PHONE) == [] and _found(clerk, PHONE[-4:]) == []
    assert _found(clerk, p.id_number) == []
    (summary,) = summaries(clerk, find_customers(clerk, p.name).ids)
    assert summary.customer_no == number and summary.name == p.name
    assert summary.phone_masked == "" and summary.id_masked == ""


def test_editing_reseals_and_moves_the_tokens(made) -> None:
    counter, number, p = made
    update_identity(counter, number, {"phone": "13688889999"}, "saw the new contract")
    assert number in _found(counter, "13688889999") and number in _found(counter, "9999")
    assert number not in _found(counter, PHONE)
    (phone,) = _raw(counter, "SELECT phone FROM customer WHERE customer_no = ?", number)[0]
    assert isinstance(phone, bytes) and b"13688889999" not in phone
    open_customer(counter, number, "counter_service")
    assert reveal_field(counter, number, "phone", "customer asked") == "13688889999"
    record = open_customer(counter, number)
    assert record.identity.name == p.name
    assert {s.service_no for s in record.services} == {MOBILE, FIXED, BROADBAND}


def test_duplicates_are_found_through_the_tokens(made) -> None:
    counter, _number, p = made
    other = synthetic.person(random.Random(78))
    with pytest.raises(ValidationError) as same_id:
        create_customer(counter, NewCustomer(
            name=other.name, id_type="resident_id", id_number=p.id_number,
            phone=other.mobile, original_checked=True, consents={"contract": True}))
    assert same_id.value.field == "id_number"
    with pytest.raises(ValidationError) as same_phone:
        create_customer(counter, NewCustomer(
            name=other.name, id_type="resident_id", id_number=other.id_number,
            phone=PHONE, original_checked=True, consents={"contract": True}))
    assert same_phone.value.field == "phone"


def test_services_are_found_by_number_and_a_taken_number_is_refused(made) -> None:
    counter, number, _p = made
    with pytest.raises(ValidationError, match="already in use"):
        add_service(counter, number, "mobile", MOBILE, "M39", PAST)
    end_service(counter, MOBILE, "2021-01-01")
    ended = {s.service_no: s.status for s in services_of(counter, number)}
    assert ended[MOBILE] == "ended"


def test_imported_customers_are_sealed_and_found(login, tmp_path) -> None:
    from tests.imports.test_import import messy_customers

    manager = login(Role.MANAGER)
    path = tmp_path / "new.xlsx"
    people = messy_customers(path, n=12)
    result = run_import(manager, "customers", path)
    assert result.imported == 12
    for p in people[:3]:
        (found,) = summaries(manager, find_customers(manager, p.mobile).ids)
        assert found.name == p.name
        (raw,) = _raw(manager, "SELECT id_number FROM customer WHERE customer_no = ?",
                      found.customer_no)[0]
        assert isinstance(raw, bytes) and p.id_number.encode() not in raw
    again = run_import(manager, "customers", path)
    assert again.imported == 0 and again.already_present == 12
