"""case texts are held sealed in the file, and the queue,
the corrections and the moves still work on their opened texts."""

from __future__ import annotations

import random

import pytest

from app import synthetic
from app.customers import cases
from app.customers.editing import NewCustomer, create_customer
from app.errors import Damaged, ValidationError
from app.security.roles import Role
from app.store import dialect

SUMMARY = "Router blinks red in the kitchen"
DETAILS = "Customer says the fibre box was moved by the landlord last Tuesday."
RESOLUTION = "Technician re-seated the fibre connector at the wall socket."


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def customer_no(counter):
    p = synthetic.person(random.Random(3))
    return create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


def _raw(session, case_no: str) -> tuple:
    with session.db.read() as conn:
        return dialect.raw(conn,
            "SELECT id, summary, details, resolution FROM service_case WHERE case_no = ?",
            (case_no,)).one()


def test_case_texts_are_sealed_in_the_file_and_opened_for_the_queue(counter, customer_no):
    assert counter.db.fields.active
    case_no = cases.open_case(counter, customer_no, "fault", "counter", SUMMARY, DETAILS)
    cases.move_case(counter, case_no, "resolved", resolution=RESOLUTION, satisfaction=4)
    _id, summary, details, resolution = _raw(counter, case_no)
    for stored, plain in ((summary, SUMMARY), (details, DETAILS), (resolution, RESOLUTION)):
        assert isinstance(stored, bytes)
        assert plain.encode() not in stored and b"fibre" not in stored
    shown = cases.list_cases(counter, customer_no=customer_no)
    assert [(c.summary, c.details, c.resolution) for c in shown] == [
        (SUMMARY, DETAILS, RESOLUTION)]
    # Corrections compare with the opened text: the same summary is "nothing changed".
    with pytest.raises(ValidationError, match="Nothing was changed"):
        cases.update_case_details(counter, case_no, summary=SUMMARY)
    cases.update_case_details(counter, case_no, details=DETAILS + " Fixed.")
    assert cases.list_cases(counter, customer_no=customer_no)[0].details == DETAILS + " Fixed."
    assert isinstance(_raw(counter, case_no)[2], bytes)


def test_a_sealed_text_moved_to_another_case_does_not_open(counter, customer_no):
    first = cases.open_case(counter, customer_no, "fault", "counter", SUMMARY, DETAILS)
    second = cases.open_case(counter, customer_no, "inquiry", "phone", "Roaming prices")
    with counter.db.write() as conn:
        dialect.raw(conn, "UPDATE service_case SET summary = ? WHERE case_no = ?",
                             (_raw(counter, first)[1], second))
    with pytest.raises(Damaged):
        cases.list_cases(counter, customer_no=customer_no)
