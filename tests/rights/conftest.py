"""Rights fixtures: a customer with history, and helpers to drive a request."""

from __future__ import annotations

import random

import pytest

from app.cli import main
from app.customers.editing import NewCustomer, create_customer
from app.security.roles import Role
from app.synthetic import person

from ..conftest import PASSWORDS


@pytest.fixture
def customer_no(login):
    counter = login(Role.COUNTER)
    p = person(random.Random(42))
    return create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "marketing": True,
                                         "analytics": True},
        email=p.email or "", province=p.address.province, city=p.address.city,
        district=p.address.district, street=p.address.street))


@pytest.fixture
def as_(db_path, monkeypatch):
    """as_(role, *argv) -> the exit code of `custos argv` run as that role."""
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def run(role: Role, *argv: str) -> int:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[role])
        return main([*argv, "--db", str(db_path), "--user", role.value])
    return run
