"""Fixtures for the oversight screens: a manager on a database of 200 demo customers, the
clock at local noon (so the after-hours rule stays quiet unless a test wants it), a private
section registry, and a helper that shows a section and waits for its first answer.

The databases come from the root conftest (`db_path`, `login`); platformdirs, English and
the worker wait come from tests/ui/conftest.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtWidgets import QWidget

from app import audit, clock
from app.demo_records import fill_records
from app.security.roles import Role
from app.store.database import keyring_path
from app.store.keyring import KeyRing
from ui import sections

from ...conftest import PASSWORDS

CUSTOMERS = 200


@pytest.fixture
def noon(monkeypatch):
    """Today at local noon, inside the default business hours."""
    moment = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(clock, "now_utc", lambda: moment.astimezone(clock.UTC))
    return moment


@pytest.fixture
def manager(login, noon):
    session = login(Role.MANAGER)
    fill_records(session, CUSTOMERS, random.Random(1))
    return session


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the section registry, so ours leaks into no other test."""
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    return sections


@pytest.fixture
def events() -> Callable[..., list[int]]:
    """events(db, count, **event) -> their sequence numbers; callables get the index."""
    def write(db, count: int, **event) -> list[int]:
        # Each event signed by its actor's own key, as its own session would sign it.
        own, actor = audit.signer_of(db), event.get("actor")
        passwords = {role.value: password for role, password in PASSWORDS.items()}
        if isinstance(actor, str) and actor in passwords:
            opened = KeyRing.load(keyring_path(db.path)).open_account(actor, passwords[actor])
            audit.set_signer(db, actor, opened.signing)
        try:
            return [audit.record(db, **{k: (v(i) if callable(v) else v)
                                        for k, v in event.items()}) for i in range(count)]
        finally:
            if own is not None:
                audit.set_signer(db, own.name, own.key)
    return write


@pytest.fixture
def shown(qtbot, wait_workers) -> Callable[[QWidget], QWidget]:
    """shown(widget) -> the widget, sized, shown and with its background work finished."""
    def show(widget: QWidget) -> QWidget:
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        widget.show()
        qtbot.waitExposed(widget)
        wait_workers()
        return widget
    return show
