"""The administrator's sections: users, security settings, audit log integrity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.audit import ChainReport
from app.security import Role
from app.settings import idle_lock_minutes
from app.store import sealing
from ui.sections.integrity import IntegritySection, report_sentence
from ui.sections.settings import SecuritySettingsSection
from ui.sections.user_dialogs import AddUserDialog, TemporaryPasswordDialog
from ui.sections.users import UsersSection

# A new account, or one enabled with a temporary password, waits for a manager's approval
# when the database seals customer data (ui/sections/access.py).
WAITING = ("Must change password; access pending" if sealing.ENABLED
           else "Must change password")


def _users(qtbot, session) -> UsersSection:
    section = UsersSection(session)
    qtbot.addWidget(section)
    section.show()
    return section


def _column(section: UsersSection, col: int) -> list[str]:
    return [section.table.item(row, col).text() for row in range(section.table.rowCount())]


def _select(section: UsersSection, username: str) -> None:
    section.table.selectRow(_column(section, 0).index(username))


def test_the_table_lists_every_account(qtbot, login):
    section = _users(qtbot, login("admin"))
    assert _column(section, 0) == ["admin", "archive", "counter", "manager"]
    assert _column(section, 3) == ["Account active"] * 4
    assert _column(section, 2)[0] == "Administrator"
    assert all(_column(section, 5))  # created, in local time


def test_add_user_shows_them_in_the_table(qtbot, login):
    session = login("admin")
    section = _users(qtbot, session)
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.findChild(AddUserDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.username.setText("wang.fang")
    dialog.display_name.setText("王芳")
    dialog.roles.boxes[Role.COUNTER].setChecked(True)
    dialog.password.setText("temporary-pass-1")
    dialog.again.setText("temporary-pass-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "wang.fang" in _column(section, 0))
    row = _column(section, 0).index("wang.fang")
    assert section.table.item(row, 1).text() == "王芳"
    assert section.table.item(row, 2).text() == "Counter staff"
    assert section.table.item(row, 3).text() == WAITING
    assert "wang.fang" in section.status.text()


def test_add_user_errors_stay_in_the_dialog_as_one_sentence(qtbot, login):
    section = _users(qtbot, login("admin"))
    dialog = AddUserDialog(section.session, section)
    dialog.open()
    dialog.username.setText("someone")
    dialog.password.setText("temporary-pass-1")
    dialog.again.setText("temporary-pass-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no role chosen
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "Choose at least one role."
    assert dialog.isVisible() and dialog.password.text() == ""
    dialog.roles.boxes[Role.ARCHIVE].setChecked(True)
    dialog.password.setText("temporary-pass-1")
    dialog.again.setText("temporary-pass-2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "The two passwords differ."


def test_disable_then_enable_with_a_temporary_password(qtbot, login):
    session = login("admin")
    section = _users(qtbot, session)
    _select(section, "archive")
    assert section.disable_button.isEnabled() and not section.enable_button.isEnabled()
    qtbot.mouseClick(section.disable_button, Qt.MouseButton.LeftButton)
    box = section.findChild(QMessageBox)
    assert "archive" in box.text()
    next(b for b in box.buttons() if b.text() == "Disable").click()
    qtbot.waitUntil(lambda: "Account disabled" in _column(section, 3))
    assert _column(section, 3)[_column(section, 0).index("archive")] == "Account disabled"
    assert section.enable_button.isEnabled()

    qtbot.mouseClick(section.enable_button, Qt.MouseButton.LeftButton)
    dialog = section.findChild(TemporaryPasswordDialog)
    dialog.password.setText("archive-again-1")
    dialog.again.setText("archive-again-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Account disabled" not in _column(section, 3))
    assert _column(section, 3)[_column(section, 0).index("archive")] == WAITING


def test_an_admin_cannot_disable_themselves_from_the_table(qtbot, login):
    section = _users(qtbot, login("admin"))
    _select(section, "admin")
    assert not section.disable_button.isEnabled()


def test_security_settings_save_the_idle_minutes(qtbot, login):
    session = login("admin")
    section = SecuritySettingsSection(session)
    qtbot.addWidget(section)
    assert section.minutes.value() == 5
    assert (section.minutes.minimum(), section.minutes.maximum()) == (1, 60)
    section.minutes.setValue(12)
    qtbot.mouseClick(section.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.save.isEnabled() and section.status.text() != "")
    assert idle_lock_minutes(session) == 12
    assert "12" in section.status.text()


def test_verify_integrity_reports_an_intact_chain(qtbot, login):
    section = IntegritySection(login("manager"))
    qtbot.addWidget(section)
    qtbot.mouseClick(section.verify, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.report is not None)
    text = section.result.text()
    assert text.startswith("Intact: ") and f"head {section.report.head[:16]}" in text
    assert section.result.objectName() == "success"


def test_report_sentences():
    assert report_sentence(ChainReport(True, 12, "ab" * 32)) == \
        "Intact: 12 events, head abababababababab"
    assert report_sentence(ChainReport(False, 4, "00", 5, "altered")) == \
        "Broken at event 5 (an event was altered)."
