"""Numbers are handed out only inside a write transaction (the rule behind "no number twice")."""

from __future__ import annotations

import pytest

from app.customers.tables import customer
from app.security.roles import Role
from app.store.numbers import next_id, next_serial


def test_numbers_outside_a_write_transaction_are_refused(login):
    db = login(Role.ADMIN).db
    with db.read() as conn, pytest.raises(RuntimeError, match="inside Database.write"):
        next_id(conn, customer.c.id)
    with db.write() as conn:
        first = next_id(conn, customer.c.id)
        assert next_serial(conn, customer.c.customer_no, "C", 9) == f"C{first:09d}"
