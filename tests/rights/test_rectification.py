"""A rectification request is answered only by a correction that names it."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from app.customers.editing import NewCustomer, create_customer, update_identity
from app.customers.records import open_customer
from app.errors import Conflict, PermissionDenied, ValidationError
from app.rights import requests
from app.rights.model import RequestStatus
from app.security.roles import Role
from app.store.schema import audit_event
from app.synthetic import person

EVIDENCE = "customer showed a signed change form"


def _take(session, kind, customer_no):
    number = requests.take_request(session, kind, customer_no, "resident ID card checked")
    requests.verify_identity(session, number)
    return number


def _other_customer(session) -> str:
    p = person(random.Random(7))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


def _rectified(session) -> list[dict]:
    with session.db.read() as conn:
        rows = conn.execute(select(audit_event.c.detail).where(
            audit_event.c.action == "customer.rectified").order_by(audit_event.c.seq)).all()
    return [json.loads(r.detail) for r in rows]


def test_completion_waits_for_a_correction_that_names_the_request(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, "rectification", customer_no)
    # A correction that names no request does not answer it, however recent.
    update_identity(counter, customer_no, {"email": "first@example.com"}, EVIDENCE)
    with pytest.raises(Conflict, match="no answer yet"):
        requests.complete(manager, number)
    update_identity(counter, customer_no, {"email": "second@example.com"}, EVIDENCE,
                    request_no=number.lower())
    assert [d.get("request") for d in _rectified(counter)] == [None, number]
    requests.complete(manager, number)
    assert requests.get_request(manager, number).status == RequestStatus.COMPLETED


def test_a_correction_answers_only_the_request_it_names(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    first = _take(counter, "rectification", customer_no)
    second = _take(counter, "rectification", customer_no)
    update_identity(counter, customer_no, {"email": "new@example.com"}, EVIDENCE,
                    request_no=second)
    with pytest.raises(Conflict, match="no answer yet"):
        requests.complete(manager, first)
    requests.complete(manager, second)


def test_another_customers_or_a_closed_request_is_refused(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    open_customer(counter, customer_no, "counter_service")
    theirs = _take(counter, "rectification", _other_customer(counter))
    with pytest.raises(ValidationError, match="another customer") as refused:
        update_identity(counter, customer_no, {"email": "new@example.com"}, EVIDENCE,
                        request_no=theirs)
    assert refused.value.field == "request"
    closed = _take(counter, "rectification", customer_no)
    requests.refuse(manager, closed, "The customer's documents do not support the change.")
    with pytest.raises(Conflict, match="closed"):
        update_identity(counter, customer_no, {"email": "new@example.com"}, EVIDENCE,
                        request_no=closed)
    access = _take(counter, "access", customer_no)
    with pytest.raises(ValidationError, match="not a rectification request"):
        update_identity(counter, customer_no, {"email": "new@example.com"}, EVIDENCE,
                        request_no=access)
    assert _rectified(counter) == []  # nothing was saved by the refused corrections


def test_open_rectifications_of_one_customer(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    assert requests.open_rectifications(counter, customer_no) == []
    first = _take(counter, "rectification", customer_no)
    _take(counter, "access", customer_no)
    _take(counter, "rectification", _other_customer(counter))
    refused = _take(counter, "rectification", customer_no)
    requests.refuse(manager, refused, "The customer's documents do not support the change.")
    received = requests.take_request(counter, "rectification", customer_no, "ID card checked")
    # Not yet offered: the requester's identity is not verified.
    assert [number for number, _at in requests.open_rectifications(manager, customer_no)
            ] == [first]
    with pytest.raises(Conflict, match="Verify the customer's identity"):
        update_identity(counter, customer_no, {"email": "x@example.com"}, "change form",
                        request_no=received)
    requests.verify_identity(counter, received)
    found = requests.open_rectifications(manager, customer_no)
    assert [number for number, _at in found] == [first, received]
    assert all(at.endswith("Z") for _number, at in found)  # stored UTC stamps
    with pytest.raises(PermissionDenied):
        requests.open_rectifications(login(Role.ARCHIVE), customer_no)
