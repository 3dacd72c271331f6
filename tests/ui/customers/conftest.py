"""Fixtures for the customer screens: 300 demo customers, sessions per role, and helpers that
drive the section like a person at the counter would."""

from __future__ import annotations

import random

import pytest

from app.demo_records import fill_records
from app.security import Role
from ui import sections
from ui.customers.section import CustomersSection

CUSTOMERS = 300


@pytest.fixture
def records(db_path, login):
    """The database of the root conftest filled with 300 customers (as the manager)."""
    fill_records(login(Role.MANAGER), CUSTOMERS, random.Random(1))
    return db_path


@pytest.fixture
def as_role(records, login):
    """as_role(role) -> a Session on the filled database."""
    return login


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the section registry, so registering ours leaks into no other test."""
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    return sections


@pytest.fixture
def customers_section(qtbot, wait_workers):
    """customers_section(session) -> a shown CustomersSection listing everyone."""
    def build(session, show_ms: int | None = None, clipboard_ms: int | None = None):
        section = CustomersSection(session)
        section.show_ms, section.clipboard_ms = show_ms, clipboard_ms
        qtbot.addWidget(section)
        section.resize(1200, 760)
        section.show()
        qtbot.waitUntil(lambda: section.model.rowCount() == CUSTOMERS)
        return section
    return build


@pytest.fixture
def type_search(qtbot):
    """type_search(section, text): type as a person would and wait for the debounced search."""
    def run(section: CustomersSection, text: str) -> None:
        section.search.clear()
        qtbot.keyClicks(section.search, text)
        qtbot.waitUntil(lambda: not section.debounce.isActive())
    return run


@pytest.fixture
def open_record(qtbot, wait_workers):
    """open_record(section_or_opener_owner, customer_no) -> the CustomerPage, answering the
    purpose question with "Counter service" if it is asked."""
    def run(section, customer_no: str):
        section.opener.open(customer_no)
        qtbot.waitUntil(lambda: section.page is not None or section.opener.dialog is not None)
        if section.page is None:
            section.opener.dialog.ok_button.click()
            qtbot.waitUntil(lambda: section.page is not None)
        wait_workers()
        return section.page
    return run
