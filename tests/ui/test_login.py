"""The login dialog: right password logs in, wrong one gives one sentence, throttling, language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog

from app.i18n import translate
from ui.login import LoginDialog


def _dialog(qtbot, db_path, **kwargs) -> LoginDialog:
    dialog = LoginDialog(db_path, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _try(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def test_right_password_logs_in_and_clears_the_field(qtbot, db_path, sessions):
    dialog = _dialog(qtbot, db_path)
    _try(qtbot, dialog, "admin", "admin-password")
    assert dialog.password.text() == ""  # cleared as soon as it was read
    assert not dialog.login_button.isEnabled()  # no second click while the worker runs
    qtbot.waitUntil(lambda: dialog.session is not None)
    sessions.append(dialog.session)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.session.username == "admin"


def test_wrong_password_shows_one_sentence(qtbot, db_path):
    dialog = _dialog(qtbot, db_path)
    _try(qtbot, dialog, "admin", "not-the-password")
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    text = dialog.error.text()
    assert text and "\n" not in text and "Traceback" not in text
    assert text.endswith(".") and text.count(". ") == 0
    assert dialog.session is None
    assert dialog.password.text() == ""
    assert dialog.login_button.isEnabled()


def test_too_many_attempts_disables_the_button(qtbot, db_path):
    dialog = _dialog(qtbot, db_path)
    for _attempt in range(3):
        _try(qtbot, dialog, "counter", "wrong-password-x")
        qtbot.waitUntil(lambda: dialog.login_button.isEnabled())
    _try(qtbot, dialog, "counter", "wrong-password-x")
    qtbot.waitUntil(lambda: "try again in" in dialog.error.text())
    assert not dialog.login_button.isEnabled()
    qtbot.waitUntil(dialog.login_button.isEnabled, timeout=3000)


def test_demo_box_lists_accounts_and_fills_the_fields(qtbot, db_path):
    dialog = _dialog(qtbot, db_path, demo=True)
    box = dialog.demo_box
    assert box is not None and "Demo database" in box.title.text()
    assert box.table.rowCount() == 4
    rect = box.table.visualRect(box.table.model().index(2, 0))
    qtbot.mouseClick(box.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.username.text() == box.table.item(2, 1).text()
    assert dialog.password.text() == box.table.item(2, 2).text()
    assert _dialog(qtbot, db_path).demo_box is None


def test_switching_to_chinese_retranslates_at_once(qtbot, db_path):
    dialog = _dialog(qtbot, db_path)
    assert dialog.login_button.text() == "Log in"
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    expected = translate("Log in", "zh_CN")
    if expected != "Log in":  # the catalogue may not hold the UI strings yet
        assert dialog.login_button.text() == expected
    # Qt's own texts follow through its translator.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.login_button.text() == "Log in"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_language_choice_is_remembered(qtbot, db_path):
    from ui import places

    dialog = _dialog(qtbot, db_path)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    assert places.read_recent().language == "zh_CN"


def test_without_a_database_only_open_and_create_are_offered(qtbot):
    dialog = _dialog(qtbot, None)
    assert not dialog.login_button.isEnabled()
    assert not dialog.username.isEnabled()
    assert dialog.open_button.isEnabled() and dialog.create_button.isEnabled()
    assert "No database" in dialog.database.text()
