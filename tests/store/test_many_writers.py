"""Many writers, nothing lost: two counters saving the same customer, case or request —
the second is told who changed it and when; with eight PCs at work at once, numbers never
collide and the audit chain stays one line. Runs on both stores (the service suite's two
passes); the eight-process part needs the server (the file is one PC's)."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import accounts, audit
from app.customers import cases, editing
from app.customers.idnumbers import resident_check_digit
from app.customers.records import open_customer
from app.customers.tables import customer, service_case
from app.errors import Conflict
from app.rights import requests
from app.rights.tables import rights_request
from app.security.roles import Role
from app.store.place import is_server
from tests.conftest import PASSWORDS


def identity_number(n: int) -> str:
    """A checksum-valid resident ID, different for every n (a synthetic person)."""
    born = date(1980, 1, 1) + timedelta(days=n // 1000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return body + resident_check_digit(body)


def _new_customer(session, n: int, name: str = "周婷") -> str:
    return editing.create_customer(session, editing.NewCustomer(
        name=name, id_type="resident_id", id_number=identity_number(n),
        phone=f"139{n:08d}", original_checked=True, consents={"contract": True}))


def test_the_second_save_of_a_customer_is_refused_naming_the_first(login):
    first, second = login(Role.COUNTER), login(Role.MANAGER)
    number = _new_customer(first, 11)
    seen_first = open_customer(first, number, "counter_service").identity.version
    seen_second = open_customer(second, number, "counter_service").identity.version
    editing.update_identity(first, number, {"phone": "13800000001"}, "ID card shown",
                            expected_version=seen_first)
    with pytest.raises(Conflict, match=r"counter.* changed this record at"):
        editing.update_identity(second, number, {"phone": "13800000002"}, "ID card shown",
                                expected_version=seen_second)
    again = open_customer(second, number, "counter_service")
    assert again.identity.phone.endswith("0001") and again.identity.version > seen_second
    editing.update_identity(second, number, {"phone": "13800000002"}, "ID card shown",
                            expected_version=again.identity.version)  # after a reload: saved


def test_the_second_move_of_a_case_is_refused(login):
    first, second = login(Role.COUNTER), login(Role.MANAGER)
    number = _new_customer(first, 12)
    case_no = cases.open_case(first, number, "complaint", "counter", "No signal at home")
    version = next(c for c in open_customer(first, number, "counter_service").cases
                   if c.case_no == case_no).version
    cases.move_case(first, case_no, "in_progress", expected_version=version)
    with pytest.raises(Conflict, match="changed this record"):
        cases.reassign_case(second, case_no, "manager", expected_version=version)


def test_the_second_decision_on_a_request_is_refused(login):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _new_customer(counter, 13)
    request_no = requests.take_request(counter, "access", number, "resident ID card checked")
    version = requests.get_request(manager, request_no).version
    requests.verify_identity(counter, request_no, expected_version=version)
    with pytest.raises(Conflict, match="changed this record"):
        requests.refuse(manager, request_no, "The identity could not be confirmed at all.",
                        expected_version=version)
    with manager.db.read() as conn:
        row = conn.execute(select(rights_request.c.status, rights_request.c.updated_by)
                           .where(rights_request.c.request_no == request_no)).first()
    assert row.status == "identity_verified" and row.updated_by == "counter"


# --- eight PCs at once, on the branch server ---------------------------------------------

PER_WORKER = 6


def _work(where: str, role: str, worker: int, results) -> None:
    try:
        session = accounts.login(where, role, PASSWORDS[Role(role)])
        made = []
        for i in range(PER_WORKER):
            if role == "counter":
                number = _new_customer(session, 1000 + worker * 100 + i, name="吴芳")
                made.append(number)
                made.append(cases.open_case(session, number, "complaint", "counter",
                                            "Billed twice"))
                made.append(requests.take_request(session, "access", number,
                                                  "resident ID card checked"))
            else:
                from app.archive import registry

                made.append(registry.register_file(session, "other", "C000000001"))
        accounts.logout(session)
        results.put(("ok", worker, made))
    except BaseException:  # every failure goes back to the test, whatever it is
        results.put(("error", worker, traceback.format_exc()))


def test_eight_pcs_at_once_lose_nothing_and_keep_one_chain(db_path, login):
    if not is_server(str(db_path)):
        pytest.skip("eight PCs share a branch server; the file is one PC's")
    first = login(Role.COUNTER)
    _new_customer(first, 1)  # C000000001, for the archive clerks' files
    roles = ["counter"] * 6 + ["archive"] * 2
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    workers = [ctx.Process(target=_work, args=(str(db_path), role, n, results))
               for n, role in enumerate(roles)]
    env_before = os.environ.get("CUSTOS_TEST_LOGIN_KDF_FLOOR")
    assert env_before == "1"  # the children derive login passwords as the pool made them
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    errors = [o[2] for o in outcomes if o[0] == "error"]
    assert not errors, errors[0]
    numbers = [n for o in outcomes for n in o[2]]
    assert len(numbers) == len(set(numbers)) == 6 * PER_WORKER * 3 + 2 * PER_WORKER
    with first.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(customer)).scalar() \
            == 1 + 6 * PER_WORKER
        assert conn.execute(select(func.count()).select_from(service_case)).scalar() \
            == 6 * PER_WORKER
    report = audit.verify(first.db)
    assert report.intact, report
