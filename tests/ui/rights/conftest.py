"""Rights UI fixtures: a customer to ask about, sessions per role, and small drivers.

The databases come from the root conftest (`db_path`, `login`); platformdirs, English and
the worker wait come from tests/ui/conftest.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from app.customers.editing import NewCustomer, create_customer
from app.rights.requests import take_request, verify_identity
from app.security.roles import Role
from app.synthetic import person


def new_customer(session, seed: int) -> str:
    p = person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "marketing": True,
                                         "analytics": True, "partner_sharing": True},
        email=p.email or "", province=p.address.province, city=p.address.city,
        district=p.address.district, street=p.address.street))


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def manager(login):
    return login(Role.MANAGER)


@pytest.fixture
def customer_no(counter) -> str:
    return new_customer(counter, 7)


@pytest.fixture
def verified(counter, customer_no) -> Callable[[str], str]:
    """verified(kind) -> request number, identity already verified."""
    def take(kind: str, **kw) -> str:
        number = take_request(counter, kind, customer_no, "resident ID card checked", **kw)
        verify_identity(counter, number)
        return number
    return take


@pytest.fixture
def answer_box(qtbot) -> Callable[[QWidget, bool], None]:
    """Wait for the question box under `parent`, then accept (or cancel) it."""
    def answer(parent: QWidget, accept: bool = True) -> None:
        def visible() -> list[QMessageBox]:
            return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        qtbot.waitUntil(lambda: bool(visible()))
        box = visible()[-1]
        role = QMessageBox.ButtonRole.AcceptRole if accept else QMessageBox.ButtonRole.RejectRole
        button = next(b for b in box.buttons() if box.buttonRole(b) == role)
        button.click()
    return answer
