"""Rights fixtures: a customer with history, and helpers to drive a request."""

from __future__ import annotations

import random

import pytest

from app.customers.editing import NewCustomer, create_customer
from app.security.roles import Role
from app.synthetic import person


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
