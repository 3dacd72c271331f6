""""The last four digits of your number?": a 4-digit query finds the customers whose phone,
or phone-like service number, ends in those digits, alongside its other readings (ID last 4),
through an index and not a table scan, audited with the query masked, and never counted as
a guess (the phone mask shows those four digits already)."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from app import synthetic
from app.cli import main
from app.customers import guesses
from app.customers.editing import NewCustomer, create_customer
from app.customers.search import classify, find_customers, summaries
from app.customers.services import add_service
from app.security.roles import Role
from app.store import dialect
from app.store.schema import audit_event

from ..conftest import PASSWORDS

PAST = "2020-01-01"


@pytest.fixture
def delays(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(guesses, "_sleep", slept.append)
    return slept


def _new(counter, seed: int, phone: str | None = None) -> tuple[str, synthetic.Person]:
    p = synthetic.person(random.Random(seed))
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=phone or p.mobile,
        original_checked=True, consents={"contract": True}))
    return number, p


def _found(session, query: str) -> list[str]:
    return [s.customer_no for s in summaries(session, find_customers(session, query).ids)]


def test_the_last_four_digits_of_the_phone_find_the_customer(login, delays) -> None:
    counter = login(Role.COUNTER)
    number, p = _new(counter, 41, phone="13912345678")
    assert not p.id_number.endswith("5678")
    assert number in _found(counter, "5678")
    assert ("phone_tail", "5678") in classify("5678")
    # Other 4-digit tails do not; 3 or 5 digits are no phone tail.
    assert number not in _found(counter, "5679")
    assert "phone_tail" not in {k for k, _v in classify("678") + classify("45678")}
    assert delays == []  # what the mask shows is never a guess


def test_a_mobile_or_fixed_line_service_number_tail_finds_its_holder(login, delays) -> None:
    counter = login(Role.COUNTER)
    number, _p = _new(counter, 42, phone="13700001111")
    add_service(counter, number, "mobile", "15822223333", "M39", PAST)
    add_service(counter, number, "fixed_line", "010-62344444", "F10", PAST)
    assert number in _found(counter, "3333")
    assert number in _found(counter, "4444")
    assert number in _found(counter, "1111")


def test_id_last_four_still_found_and_results_sorted_and_distinct(login, delays) -> None:
    counter = login(Role.COUNTER)
    by_id, p = _new(counter, 43)
    tail = p.id_number[-4:]
    by_phone, _q = _new(counter, 44, phone="1860000" + tail)
    found = _found(counter, tail)
    assert by_id in found and by_phone in found
    assert len(found) == len(set(found))
    assert found.index(by_id) < found.index(by_phone)  # the ID reading first, as before


def test_the_search_is_audited_with_the_query_masked(login, delays) -> None:
    counter = login(Role.COUNTER)
    _new(counter, 45, phone="13912348765")
    find_customers(counter, "8765")
    with counter.db.read() as conn:
        detail = json.loads(conn.execute(select(audit_event.c.detail).where(
            audit_event.c.action == "customer.searched").order_by(
            audit_event.c.seq.desc()).limit(1)).scalar_one())
    assert detail["query"] == "8**5" and "phone_tail" in detail["as"]
    assert detail["results"] >= 1 and not detail["full_number"] and not detail["narrowing"]


@pytest.mark.file_only
def test_the_phone_tail_is_a_token_lookup(login) -> None:
    """Sealed phones have no plaintext index: the tail is looked up by its token, through the
    token table's primary key (no scan of customers or tokens)."""
    counter = login(Role.COUNTER)
    with counter.db.read() as conn:
        plan = " ".join(str(r[-1]) for r in dialect.raw(conn,
            "EXPLAIN QUERY PLAN SELECT customer_id FROM customer_token WHERE token IN (?, ?)",
            (1, 2)))
    assert "USING PRIMARY KEY" in plan or "USING COVERING INDEX" in plan, plan
    assert "SCAN" not in plan



def test_archive_clerks_get_no_phone_tail_reading() -> None:
    assert classify("5678", names_only_view=True) == []


def test_custos_customer_find_1234(login, db_path, monkeypatch, capsys, delays) -> None:
    counter = login(Role.COUNTER)
    number, _p = _new(counter, 46, phone="13511111234")
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code = main(["customer", "find", "1234", "--db", str(db_path), "--user", "counter"])
    out = capsys.readouterr().out
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith(number))
    assert "1234" in line and "13511111234" not in line  # masked as on screen
