"""Customers for the compliance-file tests and screenshots (counter staff create them)."""

from __future__ import annotations

import random

from app.customers.editing import NewCustomer, create_customer
from app.synthetic import person


def add_customers(counter, count: int, seed: int) -> list[tuple[str, str]]:
    """(customer number, name) of `count` new customers."""
    rng, out = random.Random(seed), []
    for _i in range(count):
        p = person(rng)
        number = create_customer(counter, NewCustomer(
            name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
            original_checked=True, consents={"contract": True}, province=p.address.province,
            city=p.address.city, district=p.address.district, street=p.address.street))
        out.append((number, p.name))
    return out
