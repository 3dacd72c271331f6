"""Guessing a masked number by searching for it fails: misses are slowed, then refused for a
while, and an alert is raised — counted from the audit log, so separate CLI runs count too.
The number on the customer's card (a match) stays instant; reveal is unaffected."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock, synthetic
from app.cli import main
from app.customers import guesses
from app.customers.editing import NewCustomer, create_customer
from app.customers.records import open_customer, reveal_field
from app.customers.search import find_customers
from app.oversight.alerts import list_alerts_impl
from app.security.roles import Role
from app.store.schema import audit_event

from ..conftest import PASSWORDS


@pytest.fixture
def delays(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(guesses, "_sleep", slept.append)
    return slept


def _strangers(n: int) -> list[str]:
    """Valid resident IDs that belong to no customer of the test database."""
    return [synthetic.person(random.Random(1000 + i)).id_number for i in range(n)]


def _customer(counter) -> tuple[str, synthetic.Person]:
    p = synthetic.person(random.Random(7))
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))
    return number, p


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


def test_misses_are_slowed_then_refused_and_raise_an_alert(login, delays) -> None:
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number, person = _customer(counter)
    for guess in _strangers(10):
        assert len(find_customers(counter, guess).ids) == 0
    # The first three misses answer at once, the next seven ever more slowly.
    assert len(delays) == 7 and delays == sorted(delays) and delays[-1] > delays[0] > 0
    missed = [json.loads(e.detail) for e in _events(counter, guesses.MISSED)]
    assert len(missed) == 10 and all(d["full_number"] and not d["matched"] for d in missed)
    with pytest.raises(guesses.TooManyMisses) as refused:
        find_customers(counter, person.id_number)  # even a match, while refused
    assert str(refused.value).count(".") == 1 and "try again in 15 minutes" in str(refused.value)
    assert _events(counter, "customer.search_refused")
    with manager.db.read() as conn:
        alerts = [a for a in list_alerts_impl(conn, True) if a.rule == "number_guessing"]
    assert [a.actor for a in alerts] == ["counter"]
    # Names still work, and so does reveal: only whole-number searches are refused.
    assert len(find_customers(counter, person.name).ids) >= 1
    open_customer(counter, number, "counter_service")
    assert reveal_field(counter, number, "id_number", "customer asks") == person.id_number
    # For a while: a window after the last miss it is over.
    later = clock.now_utc() + guesses.WINDOW + timedelta(seconds=1)
    guesses.refuse_if_guessing(counter, now=later)


def test_the_number_on_the_card_stays_instant(login, delays) -> None:
    counter = login(Role.COUNTER)
    number, person = _customer(counter)
    for _visit in range(30):
        for query in (person.id_number, person.mobile):
            assert len(find_customers(counter, query).ids) == 1
    assert delays == []
    searched = json.loads(_events(counter, "customer.searched")[-1].detail)
    assert searched["full_number"] and searched["matched"]


def test_a_cli_loop_of_separate_runs_is_caught(login, db_path, delays, monkeypatch,
                                               capsys) -> None:
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    codes = [main(["customer", "find", guess, "--db", str(db_path), "--user", "counter"])
             for guess in _strangers(12)]
    assert codes == [0] * 10 + [1, 1]
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("could guess a masked") == 2
    assert len(delays) == 7
