"""The consent ledger: grants and withdrawals appended, never rewritten."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app import synthetic
from app.customers.consents import ConsentEvent, consent_history, record_consent
from app.customers.editing import NewCustomer, create_customer, lift_restriction, restrict
from app.customers.records import PurposeRequired, open_customer
from app.customers.tables import consent_event
from app.errors import Conflict, PermissionDenied, StoreError, ValidationError
from app.security.roles import Role
from app.store import dialect
from app.store.schema import audit_event


def _customer(session, seed: int) -> str:
    p = synthetic.person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "marketing": True}))


def _ledger(session) -> list[tuple]:
    with session.db.read() as conn:
        return [tuple(r) for r in conn.execute(select(consent_event)
                                               .order_by(consent_event.c.id)).all()]


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def customer_no(counter):
    return _customer(counter, 1)


def test_withdrawal_appends_and_leaves_the_grant_alone(counter, customer_no):
    before = _ledger(counter)
    record_consent(counter, customer_no, "marketing", False, "phone", "no more calls, please")
    after = _ledger(counter)
    assert len(after) == len(before) + 1
    assert after[:len(before)] == before
    history = consent_history(counter, customer_no)
    assert history[-1] == ConsentEvent("marketing", False, "phone", history[-1].at, "counter",
                                       "no more calls, please")
    assert [e.granted for e in history if e.purpose == "marketing"] == [True, False]
    [event] = _events(counter, "consent.withdrawn")
    assert event.customer_ref == customer_no
    assert json.loads(event.detail) == {"purpose": "marketing", "channel": "phone"}


def test_history_is_in_ledger_order(counter, customer_no):
    record_consent(counter, customer_no, "analytics", True, "online")
    record_consent(counter, customer_no, "analytics", False, "letter")
    history = consent_history(counter, customer_no)
    assert [e.purpose for e in history[:4]] == ["contract", "marketing", "partner_sharing",
                                                "analytics"]
    assert [(e.purpose, e.granted, e.channel) for e in history[4:]] == [
        ("analytics", True, "online"), ("analytics", False, "letter")]
    assert [e.action for e in _events(counter, "consent.granted")] == ["consent.granted"]


def test_restricted_customer_may_withdraw_but_not_grant(login, counter, customer_no):
    manager = login(Role.MANAGER)
    restrict(manager, customer_no, "customer objects to processing")
    record_consent(counter, customer_no, "marketing", False, "counter")
    before = _ledger(counter)
    with pytest.raises(Conflict, match="restricted"):
        record_consent(counter, customer_no, "partner_sharing", True, "counter")
    assert _ledger(counter) == before
    assert _events(counter, "consent.granted") == []
    lift_restriction(manager, customer_no, "objection resolved")
    record_consent(counter, customer_no, "partner_sharing", True, "counter")
    assert len(_ledger(counter)) == len(before) + 1


def test_contract_consent_is_ended_by_ending_services(counter, customer_no):
    before = _ledger(counter)
    with pytest.raises(Conflict, match="ended"):
        record_consent(counter, customer_no, "contract", False, "counter")
    assert _ledger(counter) == before


@pytest.mark.parametrize(("purpose", "granted", "channel", "note", "field"), [
    ("telepathy", True, "counter", "", "purpose"),
    ("marketing", True, "pigeon", "", "channel"),
    ("marketing", "yes", "counter", "", "granted"),
    ("marketing", True, "counter", "x" * 501, "note"),
])
def test_bad_input_is_refused(counter, customer_no, purpose, granted, channel, note, field):
    with pytest.raises(ValidationError) as refused:
        record_consent(counter, customer_no, purpose, granted, channel, note)
    assert refused.value.field == field


@pytest.mark.parametrize("statement", ["UPDATE consent_event SET granted = 0",
                                       "DELETE FROM consent_event"])
def test_the_ledger_refuses_changes_at_the_sql_level(counter, customer_no, statement):
    before = _ledger(counter)
    # The file's trigger, or the server's (said as one sentence: StoreError).
    with pytest.raises((DBAPIError, StoreError), match="append-only|may not make it"), \
            counter.db.write() as conn:
        dialect.raw(conn, statement)
    assert _ledger(counter) == before


def test_history_needs_a_registered_purpose(login, customer_no):
    manager = login(Role.MANAGER)
    with pytest.raises(PurposeRequired):
        consent_history(manager, customer_no)
    open_customer(manager, customer_no, "rights_request")
    assert len(consent_history(manager, customer_no)) == 4


@pytest.mark.parametrize(("func", "args"), [
    (record_consent, ("C000000001", "marketing", False, "counter")),
    (consent_history, ("C000000001",)),
], ids=["record_consent", "consent_history"])
def test_archive_is_refused_everything(login, customer_no, func, args):
    with pytest.raises(PermissionDenied):
        func(login(Role.ARCHIVE), *args)
