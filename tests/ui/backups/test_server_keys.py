"""The Keys section and the recovery dialog on a real branch server (the test run's
throwaway cluster): rotating the database key, replacing the recovery code, rotating the
customer-data keys, and an administrator back in with the code from the login dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app import accounts
from app.security.roles import Role
from app.store.keyring import normalise_recovery_code
from tests.conftest import PASSWORDS
from ui.backups import offer_rotation
from ui.backups.keys_section import DataKeyRotationDialog, KeysSection
from ui.login import LoginDialog
from ui.recovery import RecoveryDialog


@pytest.fixture
def fresh(server_fresh):
    return server_fresh


@pytest.fixture
def server_admin(fresh, sessions):
    session = accounts.login(fresh[0], "admin", PASSWORDS[Role.ADMIN])
    sessions.append(session)
    return session


def _shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(1100, 860)
    widget.show()
    return widget


def test_rotating_the_database_key_on_the_server(qtbot, server_admin, answer_box,
                                                 wait_workers):
    section = _shown(qtbot, KeysSection(server_admin))
    old_key = bytes(server_admin.db.key)
    section.rotate_button.click()
    assert answer_box(section, accept=True) == "Rotate the database key now?"
    wait_workers(20_000)
    assert section.rotate_status.text().startswith("The database key was rotated at ")
    assert "every slot on the branch server holds a new one" in section.rotate_status.text()
    assert bytes(server_admin.db.key) != old_key


def test_disabling_a_user_on_the_server_points_to_the_data_keys(qtbot, server_admin,
                                                                answer_box):
    parent = _shown(qtbot, QWidget())
    accounts.disable_user(server_admin, "counter")
    offer_rotation(server_admin, parent)
    told = answer_box(parent, accept=True)
    assert "rotate the customer-data keys" in told


def test_a_replaced_code_brings_an_administrator_back_from_the_login_dialog(
        qtbot, fresh, server_admin, answer_box, wait_workers, sessions):
    where, code = fresh
    section = _shown(qtbot, KeysSection(server_admin))
    section.current_code.setText(code)
    section.replace_button.click()
    answer_box(section, accept=True)
    wait_workers(20_000)
    qtbot.waitUntil(lambda: section.code_dialog is not None)
    new_code = section.code_dialog.code.text()
    section.code_dialog.stored.setChecked(True)
    section.code_dialog.close_button.click()

    dialog = _shown(qtbot, LoginDialog(where))
    assert dialog.recovery.isVisible()
    qtbot.mouseClick(dialog.recovery, Qt.MouseButton.LeftButton)
    recovery = dialog.findChild(RecoveryDialog)
    assert recovery is not None and recovery.isVisible()
    recovery.code.setText(code)  # the old one: no longer
    recovery.admin.setText("admin")
    recovery.new.setText("admin-password-2")
    recovery.again.setText("admin-password-2")
    recovery.ok_button.click()
    qtbot.waitUntil(lambda: recovery.error.text() != "", timeout=20_000)
    assert "recovery code is not correct" in recovery.error.text()
    recovery.code.setText(normalise_recovery_code(new_code))
    recovery.new.setText("admin-password-2")
    recovery.again.setText("admin-password-2")
    recovery.ok_button.click()
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=20_000)
    sessions.append(dialog.session)
    assert dialog.session.username == "admin" and dialog.session.db.is_server


def test_rotating_the_customer_data_keys_on_the_server(qtbot, fresh, server_admin,
                                                       wait_workers):
    section = _shown(qtbot, KeysSection(server_admin))
    section.data_button.click()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, DataKeyRotationDialog) and w.isVisible())
    assert "go on working" in dialog.intro.text()
    dialog.code.setText(fresh[1])
    dialog.ok_button.click()
    wait_workers(60_000)
    qtbot.waitUntil(lambda: section.data_status.text() != "", timeout=60_000)
    assert "rotated" in section.data_status.text()
    counter = accounts.login(fresh[0], "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.current("names") == 2
    finally:
        accounts.logout(counter)
