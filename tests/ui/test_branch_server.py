"""The GUI on a real branch server (the test run's throwaway cluster): joining it at first run
over TLS, choosing it from the login dialog, the status bar, and a server that goes away
during a save and comes back while the window is locked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.customers.idnumbers import resident_check_digit
from app.security import Role
from app.store.place import locate
from tests import pgserver
from tests.conftest import PASSWORDS, make_database
from ui import places
from ui.customers.new_customer import NewCustomerDialog
from ui.flow import SessionFlow
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.server_choice import ServerDialog
from ui.wizard import FirstRunWizard

UNREACHABLE = ("The branch server cannot be reached; nothing was saved. Try again when it "
               "is back.")
FIRST17 = "11010119900307123"


@pytest.fixture(scope="module")
def template(pg_cluster):
    return pgserver.new_template(pg_cluster, make_database)


@pytest.fixture
def where(pg_cluster, template) -> str:
    """A fresh server database with the suite's accounts, as a socket address."""
    return pgserver.clone(pg_cluster, template, PASSWORDS)


def _started(cluster):
    if not isinstance(cluster, pgserver.Started):
        pytest.skip("needs a cluster this run started (TLS, stop and start)")
    return cluster.cluster


def _log_in(qtbot, dialog: LoginDialog, role: Role) -> None:
    dialog.username.setText(role.value)
    dialog.password.setText(PASSWORDS[role])
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def _close(flow: SessionFlow) -> None:
    for widget in (flow.window, flow.dialog):
        if widget is not None:
            widget.close()


def test_first_run_joins_the_server_over_tls_and_the_next_start_knows_it(qtbot, pg_cluster,
                                                                           where, choose):
    c = _started(pg_cluster)
    dbname = locate(where).dbname
    tcp = f"postgresql://localhost:{c.port}/{dbname}"
    flow = SessionFlow(idle_interval_ms=60_000)
    flow.start(None)
    wizard = flow.dialog
    assert isinstance(wizard, FirstRunWizard)
    page = wizard.location_page
    choose(page.join)
    page.server_box.address.setEditText(tcp)
    page.server_box.ca_file.setText(str(c.ca_file))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                     Qt.MouseButton.LeftButton)
    dialog = flow.dialog
    dialog_address = f"{tcp}?sslrootcert={Path(c.ca_file).resolve()}"
    assert isinstance(dialog, LoginDialog) and dialog.db_path == dialog_address
    assert dialog.database.text() == f"Branch server: {dbname} @ localhost:{c.port}"
    assert dialog.recovery.isVisible()  # the recovery code serves the server too
    _log_in(qtbot, dialog, Role.COUNTER)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=10_000)
    bar = flow.window.store_label
    assert bar.text() == f"Branch server: {dbname} @ localhost:{c.port}"
    assert flow.window.session.db.is_server
    flow.window.logout_action.trigger()  # back to the login, on the same server
    assert isinstance(flow.dialog, LoginDialog) and flow.dialog.db_path == dialog_address
    _close(flow)
    assert places.read_recent().database == tcp  # the CA is in the PC's profile, not here
    again = SessionFlow(idle_interval_ms=60_000)
    again.start(None)
    assert isinstance(again.dialog, LoginDialog) and again.dialog.db_path == tcp
    _log_in(qtbot, again.dialog, Role.ARCHIVE)
    qtbot.waitUntil(lambda: again.window is not None, timeout=10_000)
    _close(again)


def test_the_login_dialog_opens_a_server_address_instead_of_a_file(qtbot, db_path, where,
                                                                   sessions):
    dialog = LoginDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.database.text() == "This PC: branch.custos" and dialog.recovery.isVisible()
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    chooser = dialog.findChild(ServerDialog)
    assert chooser is not None and chooser.isVisible()
    chooser.fields.address.setEditText("branch.custos")
    qtbot.mouseClick(chooser.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(chooser.error.isVisible)
    assert "is not a branch server address" in chooser.error.text()
    chooser.fields.address.setEditText(where)
    qtbot.mouseClick(chooser.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.db_path == where)
    assert dialog.database.text() == f"Branch server: {locate(where).name}"
    assert dialog.recovery.isVisible()  # the recovery code serves a server too
    _log_in(qtbot, dialog, Role.MANAGER)
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=10_000)
    sessions.append(dialog.session)
    assert dialog.session.db.is_server


def test_a_save_with_the_server_down_is_one_sentence_and_unlock_resumes(qtbot, pg_cluster,
                                                                        where, sessions,
                                                                        wait_workers):
    c = _started(pg_cluster)
    dialog = LoginDialog(where)
    qtbot.addWidget(dialog)
    _log_in(qtbot, dialog, Role.COUNTER)
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=10_000)
    session = dialog.session
    sessions.append(session)
    window = MainWindow(session, idle_interval_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    form = NewCustomerDialog(session, window)
    form.open()
    form.name.setText("司马光")
    form.id_number.setText(FIRST17 + resident_check_digit(FIRST17))
    form.phone.setText("13912345679")
    form.original_checked.setChecked(True)
    c.stop("immediate")
    try:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(form.error.isVisible, timeout=15_000)
        assert form.error.text() == UNREACHABLE  # the one sentence, no "went wrong"
        assert window.isVisible() and form.isVisible() and form.name.text() == "司马光"
        qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
        assert window.is_locked and not form.isVisible()
        window.lock_page.password.setText(PASSWORDS[Role.COUNTER])
        qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(window.lock_page.error.isVisible, timeout=15_000)
        assert window.lock_page.error.text() == UNREACHABLE and window.is_locked
        assert window.lock_page.unlock_button.isEnabled()
    finally:
        c.start_again()
    window.lock_page.password.setText(PASSWORDS[Role.COUNTER])
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=15_000)
    assert form.isVisible() and form.name.text() == "司马光"  # nothing typed was lost
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_workers(15_000)
    assert form.result_value and form.result_value.startswith("C")
    assert window.store_label.text() == f"Branch server: {locate(where).name}"
