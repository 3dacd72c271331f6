"""The permission-review tab and the Alerts screen's refusal, clicked through their real
buttons: a manager decides, cannot sign with accounts undecided, signs; the administrator
carries out; a manager's own alert is refused in the acknowledge dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app import audit
from app.accounts import users
from app.compliance import reviews
from app.oversight.review import list_alerts
from app.security.roles import Role
from tests.ui.conftest import private_places, sections_as_they_were, wait_workers  # noqa: F401
from tests.ui.oversight.conftest import shown  # noqa: F401
from ui.compliance.reviews import ReviewsTab
from ui.oversight.alerts import AlertsSection

pytestmark = pytest.mark.file_only  # the GUI: the file pass covers it


def _row_of(tab: ReviewsTab, username: str) -> int:
    return next(i for i, x in enumerate(tab.selected().lines) if x.username == username)


def _decide(tab, qtbot, wait_workers, username, decision, note, roles=()):  # noqa: F811
    tab.lines.selectRow(_row_of(tab, username))
    tab.decide_button.click()
    dialog = tab.child
    dialog.decision.setCurrentIndex(dialog.decision.findData(decision))
    for value, box in dialog.roles.items():
        box.setChecked(value in roles)
    dialog.note.setPlainText(note)
    dialog.ok_button.click()
    wait_workers()
    return dialog


def _answer(tab, wait_workers, text):  # noqa: F811
    box = tab.child
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == text).click()
    wait_workers()


def test_a_manager_reviews_signs_and_the_administrator_carries_out(
        login, shown, qtbot, wait_workers):  # noqa: F811
    manager = login(Role.MANAGER)
    tab = shown(ReviewsTab(manager))
    assert "Next review due on" in tab.due.text() and tab.table.rowCount() == 0
    assert not tab.sign_button.isEnabled()
    tab.start_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert tab.lines.rowCount() == 4 and not tab.start_button.isEnabled()
    assert tab.lines.item(_row_of(tab, "archive"), 3).text() == "never (unused for 90 days)"
    assert "unused" not in tab.lines.item(_row_of(tab, "manager"), 3).text()
    dialog = _decide(tab, qtbot, wait_workers, "archive", "roles", "")
    assert dialog.isVisible() and "note" in dialog.error.text()  # a note is required
    dialog.reject()
    _decide(tab, qtbot, wait_workers, "archive", "roles", "moved to the counter",
            roles=("counter",))
    assert tab.lines.item(_row_of(tab, "archive"), 4).text() == \
        "Change roles: Counter staff"
    tab.sign_button.click()
    _answer(tab, wait_workers, "Sign off")
    assert tab.status.text() == \
        "3 accounts have no decision yet: admin, counter, manager."
    for user in ("admin", "counter", "manager"):
        _decide(tab, qtbot, wait_workers, user, "keep", f"{user}: still needed")
    assert "flagged" in tab.lines.item(_row_of(tab, "manager"), 4).text()
    tab.sign_button.click()
    _answer(tab, wait_workers, "Sign off")
    assert tab.status.text() == "The review was signed."
    assert tab.table.item(0, 3).text().endswith("by manager")
    assert not tab.decide_button.isVisible() or not tab.decide_button.isEnabled()

    admin = login(Role.ADMIN)
    desk = shown(ReviewsTab(admin))
    assert not desk.start_button.isVisible() and desk.carry_button.isVisible()
    desk.lines.selectRow(_row_of(desk, "counter"))
    assert not desk.carry_button.isEnabled()  # "keep": nothing to carry out
    desk.lines.selectRow(_row_of(desk, "archive"))
    assert desk.carry_button.isEnabled()
    desk.carry_button.click()
    _answer(desk, wait_workers, "Carry out")
    assert desk.status.text() == "The decision was carried out."
    assert {u.username: u.roles for u in users.list_users(admin)}["archive"] == {Role.COUNTER}
    assert reviews.open_tasks(admin) == []


def test_the_acknowledge_button_refuses_an_alert_about_oneself(
        login, shown, wait_workers):  # noqa: F811
    manager = login(Role.MANAGER)
    audit.record(manager.db, actor="manager", action="export.marketing", detail={"rows": 900})
    section = shown(AlertsSection(manager))
    section.table.selectRow(0)
    section.ack_button.click()
    dialog = section.child
    dialog.note.setPlainText("my own export: the October marketing list")
    dialog.ok_button.click()
    wait_workers()
    assert dialog.isVisible()
    assert dialog.error.text() == ("This alert is about your own actions: another manager "
                                   "must acknowledge it.")
    assert [a.rule for a in list_alerts(manager)] == ["bulk_export"]


def test_the_schedule_is_set_from_its_button(login, shown, wait_workers):  # noqa: F811
    manager = login(Role.MANAGER)
    tab = shown(ReviewsTab(manager))
    tab.schedule_button.click()
    dialog = tab.child
    assert dialog.months.value() == 3
    dialog.months.setValue(6)
    dialog.ok_button.click()
    wait_workers()
    assert reviews.schedule(manager).every_months == 6
    assert "every 6 months" in tab.due.text()
    desk = shown(ReviewsTab(login(Role.ADMIN)))  # the administrator does not set it
    assert not desk.schedule_button.isVisible() and not desk.sign_button.isVisible()
