"""The requests list a page at a time (one query per page, names opened with the session's
keys), its counts, and the steps app/ offers on a request for each role and state."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from app.rights import queue, requests
from app.rights.model import Artefact, RequestStatus
from app.rights.steps import Step, copy_steps, request_steps, role_steps
from app.security.roles import Role


def _statements(session):
    """Count the SQL statements a block runs (on either store)."""
    seen: list[str] = []
    engine = session.db.engine

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    return seen, lambda: event.remove(engine, "before_cursor_execute", note)


def test_ids_in_deadline_order_and_one_query_per_page(login, customer_no):
    counter = login(Role.COUNTER)
    late = requests.take_request(counter, "erasure", customer_no, "passport checked",
                                 today=date.today() - timedelta(days=40))
    soon = requests.take_request(counter, "information", customer_no, "passport checked",
                                 today=date.today() - timedelta(days=25), verified=True)
    later = [requests.take_request(counter, "access", customer_no, "passport checked")
             for _n in range(3)]
    ids = queue.request_ids(counter)
    assert len(ids) == 5
    seen, stop = _statements(counter)
    try:
        lines = queue.request_lines(counter, ids)
    finally:
        stop()
    assert [x.request_no for x in lines] == [late, soon, *later]
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    first = lines[0]
    assert first.overdue and first.is_open and first.customer_no == customer_no
    assert first.customer_name == requests.get_request(counter, late).customer_name != ""
    assert lines[1].status == RequestStatus.VERIFIED and not lines[1].overdue
    assert list(queue.request_ids(counter, overdue_only=True)) == [ids[0]]
    assert queue.request_id_of(counter, soon.lower()) == ids[1]
    assert queue.request_counts(counter) == {"open": 5, "due_this_week": 1, "overdue": 1}
    assert queue.request_lines(counter, []) == []


def test_steps_follow_role_kind_and_state(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = requests.take_request(counter, "access", customer_no, "passport checked")
    taken = requests.get_request(counter, number)
    steps = request_steps(counter, taken)
    assert steps == {Step.ACCESS: True, Step.HANDOVER: True, Step.VERIFY: True}
    assert Step.RELEASE not in role_steps(counter) and Step.RELEASE in role_steps(manager)
    assert Step.ERASE not in request_steps(manager, taken)  # not an erasure
    requests.verify_identity(counter, number)
    verified = requests.get_request(manager, number)
    assert set(request_steps(manager, verified)) == {
        Step.ACCESS, Step.RELEASE, Step.HANDOVER, Step.START, Step.COMPLETE, Step.REFUSE,
        Step.EXTEND}
    requests.refuse(manager, number, "The customer withdrew the request in writing.")
    closed = requests.get_request(manager, number)
    assert not any(request_steps(manager, closed).values())  # shown, none can be taken


def test_copy_steps_say_which_answer_takes_which_step():
    def copy(kind: str, released: bool) -> Artefact:
        return Artefact(kind, "ab" * 32, 10, "zh_CN", False, "t", "counter",
                        "manager" if released else None, "t" if released else None)
    assert copy_steps(None, False) == frozenset()
    assert copy_steps(copy("access_copy", False), False) == {Step.RELEASE}
    assert copy_steps(copy("portability", True), False) == {Step.HANDOVER}
    assert copy_steps(copy("notice", False), True) == {Step.AGAIN}
    assert copy_steps(copy("notice", False), False) == frozenset()
