"""A customer at a glance: what app.customers.overview gathers, for whom, under which rules."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.archive.loans import lend
from app.archive.registry import register_file
from app.customers.cases import open_case
from app.customers.editing import restrict
from app.customers.hold import place_legal_hold
from app.customers.overview import customer_overview
from app.customers.records import PurposeRequired, open_customer
from app.customers.search import all_customer_ids, summaries
from app.customers.tables import service_case
from app.demo_records import fill_records
from app.errors import PermissionDenied
from app.rights.requests import take_request
from app.security import Role
from app.store import schema


def busy_customer(login) -> dict:
    """A demo customer with an overdue case, an open request, a file lent to 王芳 (the
    `counter` account), a restriction and a legal hold. Returns what was made."""
    manager, archive = login(Role.MANAGER), login(Role.ARCHIVE)
    fill_records(manager, 12, random.Random(5))
    number = next(s.customer_no for s in summaries(manager, all_customer_ids(manager))
                  if s.status == "active" and not s.restricted and s.id_masked[:1].isdigit())
    admin = login(Role.ADMIN)  # who may name accounts (on the server too)
    with admin.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == "counter")
                     .values(display_name="王芳"))
    open_customer(manager, number, "counter_service")
    case_no = open_case(manager, number, "complaint", "counter", "Slow broadband at home")
    with manager.db.write() as conn:  # a week late
        conn.execute(service_case.update().where(service_case.c.case_no == case_no)
                     .values(due_date=(date.today() - timedelta(days=7)).isoformat()))
    request_no = take_request(manager, "access", number, "resident ID card shown")
    file_no = register_file(archive, "service_agreement", number, "Agreement", "R1", "C1",
                            "S1", "B1")
    lend(archive, file_no, "counter", "check the signature",
         (date.today() + timedelta(days=5)).isoformat())
    restrict(manager, number, "customer contests the accuracy of the data")
    place_legal_hold(manager, number, "court order 2025-17")
    return {"number": number, "case": case_no, "request": request_no, "file": file_no}


def test_the_overview_shows_what_is_going_on(login):
    made = busy_customer(login)
    counter = login(Role.COUNTER)
    open_customer(counter, made["number"], "counter_service")
    seen = customer_overview(counter, made["number"])
    assert seen.identity.restricted and seen.identity.legal_hold == "court order 2025-17"
    assert "*" in seen.identity.id_number and "*" in seen.identity.phone  # masked
    assert seen.services and all(s.status != "ended" for s in seen.services)
    case = next(c for c in seen.cases if c.number == made["case"])
    assert case.overdue and case.summary == "Slow broadband at home"
    request = next(r for r in seen.requests if r.number == made["request"])
    assert not request.overdue and request.kind == "access"
    assert [(f.file_no, f.holder) for f in seen.files_out] == [(made["file"], "王芳")]
    assert {c.purpose for c in seen.consents} >= {"contract"}


def test_the_overview_needs_the_purpose_and_a_role_that_opens_records(login):
    made = busy_customer(login)
    counter = login(Role.COUNTER)
    with pytest.raises(PurposeRequired):
        customer_overview(counter, made["number"])
    with pytest.raises(PermissionDenied):
        customer_overview(login(Role.ARCHIVE), made["number"])
    with pytest.raises(PermissionDenied):
        customer_overview(login(Role.ADMIN), made["number"])
