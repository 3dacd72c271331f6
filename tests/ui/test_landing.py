"""Each role starts on its work, and Ctrl+F finds a customer from anywhere it may."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.security import Role
from ui import sections
from ui.main_window import MainWindow
from ui.navigation import landing


@pytest.fixture
def window(qtbot, login, monkeypatch):
    """window(role) -> a shown main window with every capability's sections."""
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    sections.register_capabilities()

    def build(role: Role) -> MainWindow:
        shown = MainWindow(login(role), idle_interval_ms=60_000)
        qtbot.addWidget(shown)
        shown.show()
        qtbot.waitExposed(shown)
        shown.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)  # shortcuts need it
        return shown
    return build


def _focused(qtbot, widget) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_counter_staff_start_in_the_search_box(qtbot, window):
    shown = window(Role.COUNTER)
    section = shown.workspace.current()
    assert section.objectName() == "section-customers"
    _focused(qtbot, section.search)
    qtbot.keyClicks(section.search, "13")  # typing goes straight into the search
    assert section.search.text() == "13"


def test_archive_clerks_start_on_find_with_the_scan_box(qtbot, window):
    shown = window(Role.ARCHIVE)
    archive = shown.workspace.current()
    assert archive.objectName() == "section-archive"
    assert archive.tabs.currentWidget() is archive.find
    _focused(qtbot, archive.find.scan)


def test_managers_start_on_the_dashboard(qtbot, window):
    shown = window(Role.MANAGER)
    assert shown.workspace.current().objectName() == "section-dashboard"
    assert shown.workspace.navigation.currentItem().text() == "Dashboard"


def test_administrators_start_on_their_tasks_and_go_from_there(qtbot, window, wait_workers):
    shown = window(Role.ADMIN)
    tasks = shown.workspace.current()
    assert tasks.objectName() == "section-tasks"
    wait_workers()
    qtbot.waitUntil(lambda: bool(tasks.cards))
    first = tasks.cards[0]
    assert first.sentence.text() == "No backup folder is set: choose where backups go."
    qtbot.mouseClick(first.button, Qt.MouseButton.LeftButton)
    assert shown.workspace.current().objectName() == "section-backups"


def test_ctrl_f_opens_customers_from_another_section(qtbot, window, wait_workers):
    shown = window(Role.MANAGER)
    workspace = shown.workspace
    assert "customers" not in workspace.built  # never opened yet
    qtbot.keyClick(workspace.navigation, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    customers = workspace.current()
    assert customers.objectName() == "section-customers"
    _focused(qtbot, customers.search)
    wait_workers()
    workspace.show_section("cases")
    wait_workers()  # the queue's progress window may have come and gone
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    workspace.navigation.setFocus()
    qtbot.keyClick(workspace.navigation, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert workspace.current() is customers
    _focused(qtbot, customers.search)


def test_administrators_have_no_customer_search(qtbot, window):
    shown = window(Role.ADMIN)
    qtbot.keyClick(shown.workspace.navigation, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier)
    assert "customers" not in shown.workspace.built
    assert shown.workspace.current().objectName() == "section-tasks"


@pytest.mark.parametrize(("roles", "start"), [
    ({Role.MANAGER, Role.COUNTER}, "customers"),
    ({Role.MANAGER, Role.ARCHIVE}, "archive"),
    ({Role.ADMIN, Role.MANAGER}, "dashboard"),
    ({Role.ADMIN}, "tasks"),
])
def test_several_roles_start_on_the_first_that_applies(roles, start):
    keys = ["tasks", "dashboard", "customers", "archive", "home"]
    assert landing(SimpleNamespace(roles=frozenset(roles)), keys) == start
