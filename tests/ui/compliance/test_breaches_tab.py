"""The Data breaches tab and the "Report a data incident…" menu item, clicked as people do:
a manager records, notifies and closes; counter staff report; refusals show in the form."""

from __future__ import annotations

import pytest

from app.compliance.breaches import get_breach, list_breaches
from app.security import Role
from tests.compliance.people import add_customers
from ui.compliance.breaches import BreachesTab
from ui.compliance.section import visible_tabs


@pytest.fixture
def numbers(login) -> list[str]:
    return [no for no, _name in add_customers(login(Role.COUNTER), 2, 5)]


@pytest.fixture
def tab(login, qtbot, wait_workers):
    widget = BreachesTab(login(Role.MANAGER))
    qtbot.addWidget(widget)
    widget.show()
    wait_workers()
    return widget


def _submit(dialog, wait_workers) -> None:
    dialog.ok_button.click()
    wait_workers()


def test_a_manager_records_notifies_and_closes(tab, numbers, tmp_path, wait_workers, qtbot):
    assert tab.count.text() == "No open incident."
    tab.buttons["record"].click()
    dialog = tab.child
    _submit(dialog, wait_workers)  # no summary
    assert dialog.isVisible() and "Say in a line" in dialog.error.text()
    dialog.summary.setText("Printed call-back list lost")
    dialog.customers.setText(f"{numbers[0]}, C00000000X")
    _submit(dialog, wait_workers)
    assert "There is no customer C00000000X; nothing was saved." == dialog.error.text()
    dialog.customers.setText(", ".join(numbers))
    dialog.categories.boxes["contact"].setChecked(True)
    _submit(dialog, wait_workers)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert tab.table.item(0, 3).text() == "0/2"
    assert not tab.buttons["close"].isEnabled()

    tab.table.selectRow(0)
    tab.buttons["close"].click()
    closing = tab.child
    _submit(closing, wait_workers)  # outstanding, no reason
    assert "still has notifications outstanding" in closing.error.text()
    closing.reject()

    tab.buttons["regulator"].click()
    tab.child.folder.setText(str(tmp_path))
    _submit(tab.child, wait_workers)
    tab.table.selectRow(0)
    tab.buttons["customers"].click()
    tab.child.folder.setText(str(tmp_path))
    _submit(tab.child, wait_workers)
    qtbot.waitUntil(lambda: tab.table.item(0, 3).text() == "2/2")
    assert len(list(tmp_path.glob("breach-1-*.pdf"))) == 3
    assert tab.status.text() == "2 letters written and recorded as sent."

    tab.table.selectRow(0)
    assert not tab.buttons["customers"].isEnabled()
    tab.buttons["close"].click()
    _submit(tab.child, wait_workers)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0)
    assert get_breach(tab.session, 1).state == "closed"


def test_counter_staff_report_from_the_account_menu(login, qtbot, wait_workers):
    from ui.main_window import MainWindow

    counter = login(Role.COUNTER)
    assert [t.key for t in visible_tabs(counter)] == []
    window = MainWindow(counter)
    qtbot.addWidget(window)
    window.report_action.trigger()
    from ui.compliance.breach_dialogs import BreachDialog

    dialog = window.findChild(BreachDialog)
    assert dialog is not None and not hasattr(dialog, "categories")
    dialog.summary.setText("A caller knew a customer's new number")
    _submit(dialog, wait_workers)
    manager = login(Role.MANAGER)
    [b] = list_breaches(manager)
    assert (b.reported_by, b.handler, b.summary) == (
        "counter", None, "A caller knew a customer's new number")
    window.close()


def test_the_deadlines_dialog(tab, wait_workers):
    from app.compliance.breach_deadlines import deadlines

    tab.buttons["deadlines"].click()
    tab.child.regulator.setValue(0)
    tab.child.customers.setValue(7)
    _submit(tab.child, wait_workers)
    now = deadlines(tab.session)
    assert (now.regulator_hours, now.customer_days, now.warn_hours) == (0, 7, 24)
