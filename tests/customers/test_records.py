"""Opening, finding, revealing, masking, restricting and correcting customer records."""

from __future__ import annotations

import json
import random
import re

import pytest
from sqlalchemy import select

from app import synthetic
from app.customers.editing import (
    NewCustomer,
    create_customer,
    lift_restriction,
    restrict,
    update_identity,
)
from app.customers.records import PurposeRequired, open_customer, reveal_field
from app.customers.search import find_customers, summaries
from app.customers.services import add_service, end_service
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.security.roles import Role
from app.store.fields import open_detail
from app.store.schema import audit_event

PAST = "2024-01-15"


def _new(seed: int, **overrides) -> NewCustomer:
    p = synthetic.person(random.Random(seed))
    values = {"name": p.name, "id_type": "resident_id", "id_number": p.id_number,
              "phone": p.mobile, "original_checked": True, "consents": {"contract": True},
              "province": p.address.province, "city": p.address.city,
              "district": p.address.district, "street": p.address.street}
    return NewCustomer(**{**values, **overrides})


def _events(session, action: str | None = None) -> list:
    q = select(audit_event).order_by(audit_event.c.seq)
    if action:
        q = q.where(audit_event.c.action == action)
    with session.db.read() as conn:
        return conn.execute(q).all()


def _found(session, query: str) -> list[str]:
    return [s.customer_no for s in summaries(session, find_customers(session, query).ids)]


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def person():
    return synthetic.person(random.Random(1))


@pytest.fixture
def customer_no(counter, person):
    return create_customer(counter, _new(1))


def test_first_open_needs_a_purpose_then_it_is_remembered(login, customer_no):
    manager = login(Role.MANAGER)
    with pytest.raises(PurposeRequired):
        open_customer(manager, customer_no)
    record = open_customer(manager, customer_no, "management_review")
    assert record.purpose == "management_review"
    assert open_customer(manager, customer_no.lower()).purpose == "management_review"
    opened = _events(manager, "customer.opened")
    assert [(e.customer_ref, e.purpose) for e in opened] == [
        (customer_no, "management_review")] * 2


def test_purpose_other_needs_a_description(login, customer_no):
    manager = login(Role.MANAGER)
    with pytest.raises(ValidationError) as refused:
        open_customer(manager, customer_no, "other")
    assert refused.value.field == "purpose"
    assert _events(manager, "customer.opened") == []
    record = open_customer(manager, customer_no, "other", "police request no. 12")
    assert record.purpose == "other: police request no. 12"
    assert _events(manager, "customer.opened")[-1].purpose == "other: police request no. 12"


def test_every_search_is_logged_with_the_query_masked(counter, customer_no, person):
    before = len(_events(counter, "customer.searched"))
    _found(counter, person.mobile)
    _found(counter, person.name)
    searched = _events(counter, "customer.searched")[before:]
    assert len(searched) == 2
    assert person.mobile not in searched[0].detail and person.name not in searched[1].detail
    assert json.loads(searched[0].detail)["as"] == ["phone", "service_no"]


def test_reveal_needs_a_reason_and_logs_the_field_not_the_value(login, customer_no, person):
    manager = login(Role.MANAGER)
    with pytest.raises(PurposeRequired):
        reveal_field(manager, customer_no, "id_number", "customer asks to check")
    open_customer(manager, customer_no, "counter_service")
    with pytest.raises(ValidationError) as refused:
        reveal_field(manager, customer_no, "id_number", " ")
    assert refused.value.field == "reason"
    with pytest.raises(ValidationError):
        reveal_field(manager, customer_no, "birth_date", "curious")
    assert reveal_field(manager, customer_no, "id_number", "customer asks to check") == \
        person.id_number
    assert reveal_field(manager, customer_no, "phone", "call back") == person.mobile
    assert reveal_field(manager, customer_no, "address", "send the copy") == \
        person.address.full()
    revealed = _events(manager, "customer.revealed")
    assert [json.loads(e.detail) for e in revealed[:2]] == [
        {"field": "id_number", "reason": "customer asks to check"},
        {"field": "phone", "reason": "call back"}]
    assert all(e.customer_ref == customer_no for e in revealed)
    for event in _events(manager):
        for secret in (person.id_number, person.mobile, person.address.street):
            assert secret not in event.detail


@pytest.mark.parametrize("role", [Role.COUNTER, Role.MANAGER])
def test_counter_and_manager_see_masked_fields(login, customer_no, person, role):
    session = login(role)
    masked_id = person.id_number[:6] + "*" * 8 + person.id_number[-4:]
    masked_phone = person.mobile[:3] + "****" + person.mobile[-4:]
    identity = open_customer(session, customer_no, "counter_service").identity
    assert (identity.id_number, identity.phone) == (masked_id, masked_phone)
    assert person.address.street not in identity.address
    [row] = summaries(session, find_customers(session, person.id_number).ids)
    assert (row.name, row.id_masked, row.phone_masked) == (person.name, masked_id, masked_phone)


def test_archive_sees_names_and_numbers_only(login, customer_no, person):
    archive = login(Role.ARCHIVE)
    [row] = summaries(archive, find_customers(archive, customer_no).ids)
    assert (row.customer_no, row.name, row.id_masked, row.phone_masked) == (
        customer_no, person.name, "", "")
    assert customer_no in _found(archive, person.name)
    assert _found(archive, person.mobile) == []
    with pytest.raises(PermissionDenied):
        open_customer(archive, customer_no, "archive")
    with pytest.raises(PermissionDenied):
        reveal_field(archive, customer_no, "phone", "curious")


@pytest.fixture
def zhang_wei(counter):
    """张伟, with a mobile service whose number is not his contact phone; and two others."""
    p = synthetic.person(random.Random(7))
    number = create_customer(counter, _new(7, name="张伟"))
    for seed in (8, 9):
        create_customer(counter, _new(seed))
    add_service(counter, number, "mobile", synthetic.mobile(random.Random(77)), "M39", PAST)
    return number, p


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


SEARCHES = {
    "phone": lambda no, p: p.mobile,
    "full ID": lambda no, p: p.id_number,
    "ID last 4": lambda no, p: p.id_number[-4:],
    "ID last 6": lambda no, p: p.id_number[-6:],
    "customer number prefix": lambda no, p: no[:-1],
    "customer number": lambda no, p: no.lower(),
    "service number": lambda no, p: synthetic.mobile(random.Random(77)),
    "name prefix": lambda no, p: "张",
    "full name": lambda no, p: "张伟",
    "full pinyin": lambda no, p: "zhangwei",
    "pinyin initials": lambda no, p: "zw",
    "full-width phone": lambda no, p: _fullwidth(p.mobile),
    "+86 phone": lambda no, p: f"+86 {p.mobile[:3]} {p.mobile[3:7]} {p.mobile[7:]}",
    "full-width ID": lambda no, p: _fullwidth(p.id_number),
}


@pytest.mark.parametrize("how", list(SEARCHES))
def test_search_paths(counter, zhang_wei, how):
    number, p = zhang_wei
    assert number in _found(counter, SEARCHES[how](number, p))


def test_search_misses(counter, zhang_wei):
    number, p = zhang_wei
    assert number not in _found(counter, "lw")
    assert number not in _found(counter, "王")
    assert _found(counter, "13000000000") == []


def test_restriction_blocks_rectification_until_lifted(login, counter, customer_no):
    manager = login(Role.MANAGER)
    open_customer(counter, customer_no, "counter_service")
    restrict(manager, customer_no, "customer disputes accuracy")
    with pytest.raises(Conflict, match="restricted"):
        update_identity(counter, customer_no, {"email": "a@example.com"}, "customer's request")
    assert open_customer(counter, customer_no).identity.restricted
    with pytest.raises(Conflict):
        restrict(manager, customer_no, "again")
    lift_restriction(manager, customer_no, "accuracy confirmed")
    update_identity(counter, customer_no, {"email": "a@example.com"}, "customer's request")
    assert open_customer(counter, customer_no).identity.email == "a***@example.com"
    assert [e.action for e in _events(manager) if e.action.startswith("customer.restr")] == [
        "customer.restricted", "customer.restriction_lifted"]


def test_counter_cannot_restrict(counter, customer_no):
    with pytest.raises(PermissionDenied):
        restrict(counter, customer_no, "customer objects")
    with pytest.raises(PermissionDenied):
        lift_restriction(counter, customer_no, "done")


def test_rectification_logs_masked_before_and_after_and_needs_evidence(counter, customer_no,
                                                                      person):
    new_phone = synthetic.mobile(random.Random(99))
    with pytest.raises(ValidationError) as refused:
        update_identity(counter, customer_no, {"phone": new_phone}, "")
    assert refused.value.field == "evidence"
    update_identity(counter, customer_no, {"phone": new_phone}, "saw the new SIM contract")
    [event] = _events(counter, "customer.rectified")
    assert "saw the new SIM contract" not in event.detail  # sealed in the stored event
    detail = json.loads(open_detail(counter.db.fields, event.detail))
    assert detail["fields"] == ["phone"]
    assert detail["before"] == {"phone": person.mobile[:3] + "****" + person.mobile[-4:]}
    assert detail["after"] == {"phone": new_phone[:3] + "****" + new_phone[-4:]}
    assert detail["evidence"] == "saw the new SIM contract"
    assert person.mobile not in event.detail and new_phone not in event.detail
    with pytest.raises(ValidationError, match="Nothing was changed"):
        update_identity(counter, customer_no, {"phone": new_phone}, "saw it again")


def test_rectification_names_the_request_it_answers(counter, customer_no):
    from app.rights.requests import take_request, verify_identity

    with pytest.raises(NotFound, match="no request R2099-00001"):
        update_identity(counter, customer_no, {"email": "a@example.com"}, "change form",
                        request_no="R2099-00001")
    assert _events(counter, "customer.rectified") == []
    number = take_request(counter, "rectification", customer_no, "ID card checked")
    verify_identity(counter, number)
    update_identity(counter, customer_no, {"email": "a@example.com"}, "change form",
                    request_no=number)
    update_identity(counter, customer_no, {"email": "b@example.com"}, "change form",
                    request_no="")
    first, second = _events(counter, "customer.rectified")
    assert json.loads(first.detail)["request"] == number
    assert f'"request":"{number}"' in first.detail  # as app.rights.requests looks for it
    assert "request" not in json.loads(second.detail)


def test_duplicates_on_another_active_customer_are_refused(counter, customer_no, person):
    masked_other = customer_no[:4] + "***" + customer_no[-2:]
    with pytest.raises(ValidationError, match=r"ID number .*" + re.escape(masked_other)) as e:
        create_customer(counter, _new(2, id_number=person.id_number))
    assert e.value.field == "id_number" and customer_no not in str(e.value)
    with pytest.raises(ValidationError, match=re.escape(masked_other)) as e:
        create_customer(counter, _new(2, phone=person.mobile))
    assert e.value.field == "phone"
    second = create_customer(counter, _new(2))
    with pytest.raises(ValidationError, match=re.escape(masked_other)):
        update_identity(counter, second, {"phone": person.mobile}, "customer says so")


def test_a_closed_customer_no_longer_blocks_the_id_number(counter, customer_no, person):
    service_no = synthetic.mobile(random.Random(55))
    add_service(counter, customer_no, "mobile", service_no, "M39", PAST)
    end_service(counter, service_no, "2024-02-01")
    assert create_customer(counter, _new(2, id_number=person.id_number)) != customer_no
