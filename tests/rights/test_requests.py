"""Rights requests: intake to answer, deadlines, one extension, refusal, late closing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.errors import Conflict, PermissionDenied, ValidationError
from app.rights import answers, copies, queue, requests
from app.rights.model import RequestKind, RequestStatus
from app.rights.profiling import answer_profiling_objection
from app.security.roles import Role


def _take(session, kind, customer_no, **kw):
    number = requests.take_request(session, kind, customer_no, "resident ID card checked", **kw)
    requests.verify_identity(session, number)
    return number


def test_intake_sets_a_30_day_deadline(login, customer_no):
    counter = login(Role.COUNTER)
    number = requests.take_request(counter, "access", customer_no, "ID card checked",
                                   today=date(2026, 3, 1))
    r = requests.get_request(counter, number, today=date(2026, 3, 1))
    assert r.status == RequestStatus.RECEIVED and r.due_date == "2026-03-31"
    assert not r.overdue
    assert requests.get_request(counter, number, today=date(2026, 4, 1)).overdue
    with pytest.raises(ValidationError, match="identity"):
        requests.take_request(counter, "access", customer_no, "")
    with pytest.raises(PermissionDenied):
        requests.take_request(login(Role.ARCHIVE), "access", customer_no, "ID card checked")


@pytest.mark.parametrize("kind", [k.value for k in RequestKind])
def test_no_completion_without_the_answer(login, customer_no, kind):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, kind, customer_no)
    with pytest.raises(Conflict, match="no answer yet"):
        requests.complete(manager, number)
    assert requests.get_request(manager, number).status == RequestStatus.VERIFIED


def test_each_kind_from_intake_to_completion(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    # information: the notice is the answer
    n = _take(counter, "information", customer_no)
    answers.information_notice(counter, "en", request_no=n)
    requests.complete(manager, n)
    # access: prepared by the counter, released by the manager
    n = _take(counter, "access", customer_no)
    doc = answers.prepare_access_copy(counter, n, "en")
    with pytest.raises(Conflict):
        requests.complete(manager, n)
    with pytest.raises(PermissionDenied):
        requests.release_artefact(counter, n, doc.sha256)
    copies.review_copy(manager, n)
    requests.release_artefact(manager, n, doc.sha256)
    copies.handover_copy(counter, n, how="printed")
    requests.complete(manager, n)
    assert requests.get_request(manager, n).artefacts[0].sha256 == doc.sha256
    # portability
    n = _take(counter, "portability", customer_no)
    prepared = answers.prepare_portability(counter, n)
    copies.review_copy(manager, n)
    requests.release_artefact(manager, n, prepared.sha256)
    copies.handover_copy(counter, n, how="saved")
    requests.complete(manager, n)
    # rectification through the edit flow
    n = _take(counter, "rectification", customer_no)
    from app.customers.editing import update_identity
    update_identity(counter, customer_no, {"email": "new.address@example.com"},
                    "customer showed a signed change form", request_no=n)
    requests.complete(manager, n)
    # objections and withdrawal
    for kind in ("object_marketing", "object_profiling", "withdraw_consent"):
        n = _take(counter, kind, customer_no)
        answers.apply_objection(counter, n)
        if kind == "object_profiling":  # and a person reviewed it (test_profiling.py)
            answer_profiling_objection(manager, n, "Nothing about this customer is automated.")
        requests.complete(manager, n)
    # restriction (then lifted so erasure can run on a clean record)
    n = _take(counter, "restriction", customer_no)
    answers.apply_restriction(manager, n, "accuracy disputed")
    requests.complete(manager, n)
    # erasure completes itself
    n = _take(counter, "erasure", customer_no)
    from app.rights.erasure import erase_customer
    erase_customer(manager, n, confirm=True)
    assert requests.get_request(manager, n).status == RequestStatus.COMPLETED
    assert requests.list_requests(manager) == []


def test_extension_once_with_reason_and_customer_told(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "access", customer_no)
    with pytest.raises(ValidationError):
        requests.extend(manager, n, 30, "complex request", customer_told=False)
    requests.extend(manager, n, 30, "many years of records to collect", customer_told=True)
    r = requests.get_request(manager, n)
    assert r.extended and r.due_date == (date.today() + timedelta(days=60)).isoformat()
    with pytest.raises(Conflict, match="already extended"):
        requests.extend(manager, n, 10, "again please", customer_told=True)


def test_refusal_needs_reason_and_late_closing_needs_reason(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "erasure", customer_no)
    with pytest.raises(ValidationError):
        requests.refuse(manager, n, "no")
    late = date.today() + timedelta(days=45)
    with pytest.raises(ValidationError, match="past its due date"):
        requests.refuse(manager, n, "A contract dispute requires keeping the data.", today=late)
    before = requests.get_request(manager, n)
    assert before.status == RequestStatus.VERIFIED
    requests.refuse(manager, n, "A contract dispute requires keeping the data.",
                    late_reason="waited for the legal department", today=late)
    r = requests.get_request(manager, n)
    assert r.status == RequestStatus.REFUSED and r.late_reason
    with pytest.raises(Conflict, match="closed"):
        requests.complete(manager, n)


def test_counts_for_the_dashboard(login, customer_no):
    counter = login(Role.COUNTER)
    _take(counter, "access", customer_no)
    _take(counter, "information", customer_no)
    counts = queue.request_counts(counter, today=date.today() + timedelta(days=25))
    assert counts == {"open": 2, "due_this_week": 2, "overdue": 0}
    counts = queue.request_counts(counter, today=date.today() + timedelta(days=31))
    assert counts["overdue"] == 2
