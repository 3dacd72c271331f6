"""A free-text purpose, reason or note that holds an ID or phone number enters the audit log
with that number masked — one rule where events are written, whatever the event."""

from __future__ import annotations

import random

from sqlalchemy import select

from app import synthetic
from app.customers.editing import NewCustomer, create_customer, restrict
from app.customers.freetext import mask_numbers_in
from app.customers.records import open_customer, reveal_field
from app.security.roles import Role
from app.store.schema import audit_event


def _log_text(session) -> str:
    with session.db.read() as conn:
        rows = conn.execute(select(audit_event.c.purpose, audit_event.c.detail)).all()
    return "\n".join(f"{r.purpose or ''} {r.detail}" for r in rows)


def test_numbers_in_purposes_and_reasons_are_stored_masked(login) -> None:
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    p = synthetic.person(random.Random(11))
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))
    other = synthetic.person(random.Random(12))
    spaced = f"{other.mobile[:3]} {other.mobile[3:7]} {other.mobile[7:]}"
    open_customer(manager, number, "other", f"police asked about ID {p.id_number}")
    reveal_field(manager, number, "phone", f"customer calls from {spaced}")
    restrict(manager, number, f"objection by phone, call back on 010-62345678 or {p.mobile}")
    text = _log_text(manager)
    for secret in (p.id_number, p.mobile, other.mobile, spaced, "62345678", "objection"):
        assert secret not in text  # the restriction's reason is sealed in the log
    assert p.id_number[:6] + "********" + p.id_number[-4:] in text
    assert other.mobile[:3] + "****" + other.mobile[-4:] in text
    assert '"reason":"sealed:' in text


def test_the_rule_leaves_other_numbers_alone() -> None:
    for text in ("C000000001", "sha 13812345678901abcdef", "order 8613812345678999", "custos-20261130-123456.custos",
                 "2026-11-30T21:06:37Z", "rows 12345", "case CS00001234"):
        assert mask_numbers_in(text) == text
    assert mask_numbers_in("ID １１０１０５１９４９１２３１００２５") == "ID 110105********0025"
