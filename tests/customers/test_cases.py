"""Service cases: opening, every status move allowed and refused, due dates, the queue."""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import accounts, synthetic
from app.customers import cases
from app.customers.editing import NewCustomer, create_customer, restrict
from app.customers.model import CaseStatus
from app.customers.records import open_customer
from app.customers.tables import service_case
from app.errors import Conflict, PermissionDenied, ValidationError
from app.security.roles import Role
from app.store.fields import open_row
from app.store.schema import audit_event

S = CaseStatus
# Written out here rather than imported, so that a wrong table in the module fails.
ALLOWED = {
    (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.RESOLVED), (S.IN_PROGRESS, S.RESOLVED),
    (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.REOPENED), (S.CLOSED, S.REOPENED),
    (S.REOPENED, S.IN_PROGRESS), (S.REOPENED, S.RESOLVED),
}
# How to bring a fresh (open) case into each status.
PATH = {
    S.OPEN: [], S.IN_PROGRESS: [S.IN_PROGRESS], S.RESOLVED: [S.RESOLVED],
    S.CLOSED: [S.RESOLVED, S.CLOSED], S.REOPENED: [S.RESOLVED, S.REOPENED],
}


def _customer(session, seed: int) -> str:
    p = synthetic.person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


def _case(session, case_no: str):
    with session.db.read() as conn:
        row = conn.execute(select(service_case)
                           .where(service_case.c.case_no == case_no)).one()
    return SimpleNamespace(**open_row(session.db.fields, "service_case", row))


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


def _set_due(session, case_no: str, due: str) -> None:
    with session.db.write() as conn:
        conn.execute(service_case.update().where(service_case.c.case_no == case_no)
                     .values(due_date=due))


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def customer_no(counter):
    return _customer(counter, 1)


def _open(session, customer_no: str, kind: str = "fault", **extra) -> str:
    return cases.open_case(session, customer_no, kind, "counter", "No signal at home", **extra)


@pytest.mark.parametrize("target", list(CaseStatus), ids=str)
@pytest.mark.parametrize("start", list(CaseStatus), ids=str)
def test_every_move(counter, customer_no, start, target):
    case_no = _open(counter, customer_no)
    for step in PATH[start]:
        cases.move_case(counter, case_no, step, resolution="Replaced the router")
    assert _case(counter, case_no).status == start
    if (start, target) in ALLOWED:
        cases.move_case(counter, case_no, target, resolution="Reset the line")
        row = _case(counter, case_no)
        assert row.status == target
        if target is S.RESOLVED:
            assert row.resolution == "Reset the line" and row.resolved_at
        if target is S.CLOSED:
            assert row.closed_at
        if target is S.REOPENED:
            assert row.closed_at is None
        moved = json.loads(_events(counter, "case.moved")[-1].detail)
        assert (moved["from"], moved["to"]) == (start.value, target.value)
    else:
        with pytest.raises(Conflict) as refused:
            cases.move_case(counter, case_no, target, resolution="Reset the line")
        assert start.label in str(refused.value) and target.label in str(refused.value)
        assert _case(counter, case_no).status == start
        assert len(_events(counter, "case.moved")) == len(PATH[start])


def test_resolving_needs_a_resolution(counter, customer_no):
    case_no = _open(counter, customer_no)
    with pytest.raises(ValidationError) as refused:
        cases.move_case(counter, case_no, "resolved", resolution="  ")
    assert refused.value.field == "resolution"
    with pytest.raises(ValidationError):
        cases.move_case(counter, case_no, "escalated")


def test_satisfaction_is_one_to_five_at_resolve_or_close(counter, customer_no):
    case_no = _open(counter, customer_no)
    for bad in (0, 6, True, "5"):
        with pytest.raises(ValidationError):
            cases.move_case(counter, case_no, "resolved", resolution="Fixed", satisfaction=bad)
    with pytest.raises(ValidationError, match="resolved or closed"):
        cases.move_case(counter, case_no, "in_progress", satisfaction=4)
    cases.move_case(counter, case_no, "resolved", resolution="Fixed", satisfaction=3)
    assert _case(counter, case_no).satisfaction == 3
    cases.move_case(counter, case_no, "closed", satisfaction=5)
    assert _case(counter, case_no).satisfaction == 5


@pytest.mark.parametrize(("kind", "days"), [("service", 3), ("fault", 2), ("inquiry", 3),
                                            ("complaint", 15), ("suggestion", 30)])
def test_due_date_defaults_by_kind(counter, customer_no, kind, days):
    case_no = _open(counter, customer_no, kind)
    assert _case(counter, case_no).due_date == (date.today() + timedelta(days=days)).isoformat()


def test_given_due_date_and_bad_input(counter, customer_no):
    due = (date.today() + timedelta(days=40)).isoformat()
    assert _case(counter, _open(counter, customer_no, due_date=due)).due_date == due
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for kwargs, field in [({"due_date": yesterday}, "due_date"), ({"due_date": "soon"},
                                                                   "due_date")]:
        with pytest.raises(ValidationError) as refused:
            _open(counter, customer_no, **kwargs)
        assert refused.value.field == field
    for args, field in [(("complaint", "counter", ""), "summary"),
                        (("complaint", "counter", "x" * 201), "summary"),
                        (("gossip", "counter", "Hello"), "kind"),
                        (("complaint", "pigeon", "Hello"), "channel")]:
        with pytest.raises(ValidationError) as refused:
            cases.open_case(counter, customer_no, *args)
        assert refused.value.field == field


def test_case_numbers_and_assignees(login, counter, customer_no):
    first, second = _open(counter, customer_no), _open(counter, customer_no)
    assert re.fullmatch(r"CS[0-9]{8}", first) and int(second[2:]) == int(first[2:]) + 1
    assert _case(counter, first).assignee == "counter"
    assert _case(counter, first).created_by == "counter"
    assert _case(counter, _open(counter, customer_no, assignee="manager")).assignee == "manager"
    for who in ("archive", "admin", "nobody"):
        with pytest.raises(ValidationError) as refused:
            _open(counter, customer_no, assignee=who)
        assert refused.value.field == "assignee"
    accounts.disable_user(login(Role.ADMIN), "manager")  # as an administrator does it
    with pytest.raises(ValidationError):
        _open(counter, customer_no, assignee="manager")


def test_case_on_a_service_of_the_customer(counter, customer_no):
    from app.customers.services import add_service

    number = synthetic.mobile(random.Random(5))
    add_service(counter, customer_no, "mobile", number, "M39", "2024-01-15")
    case_no = _open(counter, customer_no, service_no=number)
    [record] = cases.list_cases(counter, customer_no=customer_no)
    # Shown like the service itself: masked as a phone number is.
    assert (record.case_no, record.service_no) == (case_no, number[:3] + "****" + number[-4:])
    assert number not in _events(counter, "case.opened")[-1].detail
    with pytest.raises(ValidationError):
        _open(counter, customer_no, service_no="13000000000")


def test_complaint_is_heard_for_a_restricted_customer(login, counter, customer_no):
    restrict(login(Role.MANAGER), customer_no, "customer objects to processing")
    other = login(Role.COUNTER)
    case_no = cases.open_case(other, customer_no, "complaint", "phone", "Billed twice")
    [event] = _events(other, "case.opened")
    assert (event.customer_ref, event.purpose) == (customer_no, "complaint_handling")
    assert other.purposes[customer_no] == "complaint_handling"
    cases.move_case(other, case_no, "resolved", resolution="Refunded")


def test_a_registered_purpose_is_used(login, customer_no):
    manager = login(Role.MANAGER)
    open_customer(manager, customer_no, "rights_request")
    cases.open_case(manager, customer_no, "inquiry", "letter", "Asks for a copy")
    assert _events(manager, "case.opened")[-1].purpose == "rights_request"
    fresh = login(Role.COUNTER)
    cases.open_case(fresh, customer_no, "inquiry", "counter", "Asks about roaming")
    assert _events(fresh, "case.opened")[-1].purpose == "counter_service"


def test_overdue_cases_come_first_and_filter(login, counter, customer_no):
    late = _open(counter, customer_no, "complaint")
    soon = _open(counter, customer_no, "fault")
    done = _open(counter, customer_no, "inquiry")
    theirs = _open(counter, customer_no, "suggestion", assignee="manager")
    cases.move_case(counter, done, "resolved", resolution="Answered")
    past = (date.today() - timedelta(days=3)).isoformat()
    _set_due(counter, late, past)
    _set_due(counter, done, past)
    listed = cases.list_cases(counter)
    assert [c.case_no for c in listed] == [late, soon, theirs, done]
    assert [c.overdue for c in listed] == [True, False, False, False]
    assert [c.case_no for c in cases.list_cases(counter, overdue=True)] == [late]
    assert theirs not in [c.case_no for c in cases.list_cases(counter, mine=True)]
    assert [c.case_no for c in cases.list_cases(counter, kind="fault")] == [soon]
    assert len(cases.list_cases(counter, limit=2)) == 2
    with pytest.raises(ValidationError):
        cases.list_cases(counter, status="lost")
    assert [c.case_no for c in cases.list_cases(counter, status="resolved")] == [done]
    event = _events(counter, "case.listed")[-1]
    assert json.loads(event.detail)["status"] == "resolved"
    assert "No signal" not in event.detail


def test_finished_cases_come_last_newest_first(counter, customer_no):
    older, newer = _open(counter, customer_no), _open(counter, customer_no)
    still_open = _open(counter, customer_no)
    for number, created in ((older, "2026-01-05T09:00:00"), (newer, "2026-06-05T09:00:00")):
        cases.move_case(counter, number, "resolved", resolution="Answered")
        with counter.db.write() as conn:
            conn.execute(service_case.update().where(service_case.c.case_no == number)
                         .values(created_at=created))
    listed = [c.case_no for c in cases.list_cases(counter)]
    assert listed == [still_open, newer, older]


def test_listing_is_logged_without_personal_data(counter, customer_no):
    _open(counter, customer_no)
    cases.list_cases(counter, overdue=True, customer_no=customer_no)
    [event] = _events(counter, "case.listed")
    detail = json.loads(event.detail)
    assert detail["overdue"] is True and detail["customer"] is True
    assert event.customer_ref == customer_no
    assert "No signal" not in event.detail


def test_reassign(counter, customer_no):
    case_no = _open(counter, customer_no)
    cases.reassign_case(counter, case_no, "manager")
    assert _case(counter, case_no).assignee == "manager"
    with pytest.raises(Conflict):
        cases.reassign_case(counter, case_no, "manager")
    with pytest.raises(ValidationError):
        cases.reassign_case(counter, case_no, "archive")
    moved = json.loads(_events(counter, "case.reassigned")[-1].detail)
    assert (moved["from"], moved["to"]) == ("counter", "manager")
    cases.move_case(counter, case_no, "resolved", resolution="Fixed")
    cases.move_case(counter, case_no, "closed")
    with pytest.raises(Conflict):
        cases.reassign_case(counter, case_no, "counter")


def test_update_details_and_due_date_needs_a_reason(counter, customer_no):
    case_no = _open(counter, customer_no)
    cases.update_case_details(counter, case_no, summary="No signal in the bedroom",
                              details="Since Monday")
    row = _case(counter, case_no)
    assert (row.summary, row.details) == ("No signal in the bedroom", "Since Monday")
    later = (date.today() + timedelta(days=10)).isoformat()
    with pytest.raises(ValidationError) as refused:
        cases.update_case_details(counter, case_no, due_date=later)
    assert refused.value.field == "reason"
    assert _case(counter, case_no).due_date != later
    cases.update_case_details(counter, case_no, due_date=later, reason="waiting for a part")
    assert _case(counter, case_no).due_date == later
    detail = json.loads(_events(counter, "case.updated")[-1].detail)
    assert detail["due_to"] == later and detail["reason"] == "waiting for a part"
    with pytest.raises(ValidationError, match="Nothing was changed"):
        cases.update_case_details(counter, case_no, due_date=later, reason="same again")


ARCHIVE_CALLS = [
    (cases.open_case, ("C000000001", "complaint", "counter", "Summary")),
    (cases.move_case, ("CS00000001", "in_progress")),
    (cases.reassign_case, ("CS00000001", "manager")),
    (cases.update_case_details, ("CS00000001", "Summary")),
    (cases.list_cases, ()),
]


@pytest.mark.parametrize(("func", "args"), ARCHIVE_CALLS, ids=lambda v: getattr(v, "__name__", ""))
def test_archive_is_refused_everything(login, counter, customer_no, func, args):
    _open(counter, customer_no)
    with pytest.raises(PermissionDenied):
        func(login(Role.ARCHIVE), *args)
