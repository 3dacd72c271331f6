""""The last four digits of your number?": typing them into the search box lists the
customer whose phone ends in them (the masked phone shows those four digits)."""

from __future__ import annotations

from app.security import Role


def test_typing_the_last_four_digits_of_a_phone_lists_the_customer(as_role, customers_section,
                                                                   type_search):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    target = section.model.summary(41)
    tail = target.phone_masked[-4:]
    assert tail.isdigit() and not target.id_masked.endswith(tail)  # not found as an ID tail
    type_search(section, tail)
    rows = [section.model.summary(r) for r in range(section.model.rowCount())]
    assert target.customer_no in [s.customer_no for s in rows]
    assert len(rows) < 300 and "shown" in section.count.text()
