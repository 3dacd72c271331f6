"""Archive UI fixtures: a clock tests can move, a session per role, a customer, and small
drivers (scan a barcode, answer a question box, press OK in a dialog).

The databases come from the root conftest (`db_path`, `login`); platformdirs, English and
`wait_workers` come from tests/ui/conftest.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QWidget
from sqlalchemy import text

from app import clock
from app.customers.editing import NewCustomer, create_customer
from app.security.roles import Role
from app.synthetic import person

# A Monday at noon UTC: the same calendar day from UTC-11 to UTC+11.
START = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def set(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)

    @property
    def today(self) -> date:
        return self.now.date()


@pytest.fixture
def moving_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(clock, "now_utc", lambda: c.now)
    return c


@pytest.fixture
def archive(login, moving_clock):
    return login(Role.ARCHIVE)


@pytest.fixture
def manager(login, moving_clock):
    return login(Role.MANAGER)


@pytest.fixture
def counter(login, moving_clock):
    return login(Role.COUNTER)


def new_customer(session, seed: int) -> str:
    p = person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


@pytest.fixture
def customer_no(counter) -> str:
    return new_customer(counter, 11)


@pytest.fixture
def make_customer(counter) -> Callable[[int], str]:
    """make_customer(seed) -> the number of another synthetic customer."""
    return lambda seed: new_customer(counter, seed)


@pytest.fixture
def show(qtbot):
    """show(widget) -> the widget, shown and closed at teardown."""
    def _show(widget: QWidget) -> QWidget:
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        widget.show()
        return widget
    return _show


@pytest.fixture
def scan(qtbot, wait_workers) -> Callable[[QLineEdit, str], None]:
    """Type like a USB barcode scanner: the characters, then Enter; wait for the answer."""
    def _scan(field: QLineEdit, value: str) -> None:
        field.setFocus()
        field.selectAll()
        qtbot.keyClicks(field, value)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        wait_workers()
    return _scan


@pytest.fixture
def answer_box(qtbot) -> Callable[[QWidget], None]:
    """Accept the visible question box under `parent`."""
    def answer(parent: QWidget) -> None:
        def visible() -> list[QMessageBox]:
            return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        qtbot.waitUntil(lambda: bool(visible()))
        box = visible()[-1]
        next(b for b in box.buttons()
             if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    return answer


@pytest.fixture
def dialog_of(qtbot):
    """dialog_of(parent, kind) -> the visible dialog of that class under `parent`."""
    def find(parent: QWidget, kind: type[QDialog]) -> QDialog:
        qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(kind)))
        return next(d for d in parent.findChildren(kind) if d.isVisible())
    return find


@pytest.fixture
def notices():
    """notices(session) -> (audience, kind, subject) of every notification, oldest first."""
    def read(session) -> list[tuple[str, str, str]]:
        with session.db.read() as conn:
            rows = conn.execute(text("SELECT audience, kind, subject FROM notification "
                                     "ORDER BY id")).all()
        return [tuple(r) for r in rows]
    return read
