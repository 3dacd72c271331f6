"""A masked number cannot be read back through search: phone and service numbers match whole
numbers only (no prefix readings), and an ID tail longer than the mask shows counts towards
the guessing budget, so the hidden day of birth cannot be enumerated."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from app import clock, synthetic
from app.customers import guesses
from app.customers.editing import NewCustomer, create_customer
from app.customers.idnumbers import resident_check_digit
from app.customers.search import classify, find_customers, summaries
from app.customers.services import add_service
from app.oversight.alerts import list_alerts_impl
from app.security.roles import Role
from app.store.schema import audit_event

PAST = "2020-01-01"


@pytest.fixture
def delays(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(guesses, "_sleep", slept.append)
    return slept


def _born_on_day(id_number: str, day: int) -> str:
    """The same ID with another day of birth (every month has days 1-28)."""
    first17 = id_number[:12] + f"{day:02d}" + id_number[14:17]
    return first17 + resident_check_digit(first17)


def _customer(counter, day: int = 24) -> tuple[str, synthetic.Person, str]:
    p = synthetic.person(random.Random(5))
    id_number = _born_on_day(p.id_number, day)
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))
    add_service(counter, number, "mobile", p.mobile, "M39", PAST)
    return number, p, id_number


def _found(session, query: str) -> list[str]:
    return [s.customer_no for s in summaries(session, find_customers(session, query).ids)]


def test_a_masked_phone_cannot_be_read_back_digit_by_digit(login, delays) -> None:
    counter = login(Role.COUNTER)
    number, p, _id = _customer(counter)
    # The reviewer's walk grows the mask's first three one digit at a time, watching for
    # the customer among the results: no prefix of the number (the right one) finds them.
    for cut in range(5, 11):
        assert number not in _found(counter, p.mobile[:cut])
        assert not {k for k, _v in classify(p.mobile[:cut])} & {"phone_prefix"}
    # Whole numbers still find the customer: the phone, and the service number (the same).
    assert _found(counter, p.mobile) == [number]
    assert ("service_no", p.mobile) in classify(p.mobile)


def test_an_enumeration_of_the_day_of_birth_is_slowed_refused_and_alerted(
        login, delays) -> None:
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number, _p, id_number = _customer(counter, day=24)
    tail = id_number[-4:]  # what the mask shows
    day = None
    with pytest.raises(guesses.TooManyMisses):
        for dd in range(1, 32):
            if number in _found(counter, f"{dd:02d}" + tail):
                day = dd
                break
    assert day is None  # refused before the day was found
    assert len(delays) == 7 and delays == sorted(delays)
    with counter.db.read() as conn:
        narrowed = conn.execute(select(audit_event.c.detail).where(
            audit_event.c.action == guesses.NARROWED)).scalars().all()
    assert len(narrowed) == 10 and all(json.loads(d)["narrowing"] for d in narrowed)
    for d in narrowed:  # no digit of the query is in the log, only keyed fingerprints
        assert tail not in d and json.loads(d)["query"].count("*") >= 3
    with manager.db.read() as conn:
        alerts = [a for a in list_alerts_impl(conn, True) if a.rule == "number_guessing"]
    assert [a.actor for a in alerts] == ["counter"]


def test_a_clerks_occasional_tail_search_still_works(login, delays) -> None:
    counter = login(Role.COUNTER)
    number, _p, id_number = _customer(counter)
    for _visit in range(20):  # the last four, what the card and the mask show: free
        assert number in _found(counter, id_number[-4:])
    assert number in _found(counter, id_number[-6:])
    assert number in _found(counter, id_number[-6:])  # searched again: still at once
    assert delays == []


def test_a_busy_counter_is_never_refused_for_tails_or_typing_pauses(login, delays) -> None:
    """Twelve customers from all over the country in a quarter of an hour; the search box
    searches as the clerk pauses while typing each phone and ID number. Repeats of the same
    query (a region prefix) are not counted; only three or more different queries ending in
    the same four digits are (district codes of other provinces may): below the limit."""
    counter = login(Role.COUNTER)
    people = []
    for seed in range(12):
        p = synthetic.person(random.Random(300 + seed))
        number = create_customer(counter, NewCustomer(
            name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
            original_checked=True, consents={"contract": True}))
        people.append((number, p))
    for number, p in people:
        for typed in (p.mobile[:5], p.mobile[:6], p.mobile, p.id_number[:5], p.id_number[:6],
                      p.id_number):
            find_customers(counter, typed)
        assert number in _found(counter, p.id_number[-6:])  # or the last six
        assert number in _found(counter, p.id_number[-6:])  # searched again
    with counter.db.read() as conn:
        assert guesses.wait_left(conn, "counter") == 0
        counted = guesses.misses(conn, "counter", clock.now_utc() - guesses.WINDOW)
        assert len(counted) < guesses.limit_of(conn)
        narrowing = conn.execute(select(audit_event.c.seq).where(
            audit_event.c.action == guesses.NARROWED)).scalars().all()
    assert len(narrowing) == 12 * 6  # every one on record, most not counted
