"""Start-up and session flow: recent database, first run, demo, forced password change."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app import accounts
from app.demo import DEMO_ACCOUNTS
from ui import places
from ui.dialogs import ChangePasswordDialog
from ui.flow import SessionFlow
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.wizard import FirstRunWizard


def _close(flow: SessionFlow) -> None:
    if flow.window is not None:
        flow.window.close()
    if flow.dialog is not None:
        flow.dialog.close()


def test_recent_database_is_remembered_atomically_and_survives_damage(tmp_path):
    db = tmp_path / "x.custos"
    db.write_bytes(b"")
    places.remember(database=db, language="zh_CN")
    assert json.loads(places.recent_file().read_text("utf-8")) == {
        "database": str(db), "language": "zh_CN"}
    assert places.last_database() == db
    places.remember(language="en")
    assert places.read_recent() == places.Recent(db, "en")
    places.recent_file().write_text("{not json", "utf-8")
    assert places.read_recent() == places.Recent()
    assert not any(p.name.endswith(".tmp") for p in places.recent_file().parent.iterdir())


def test_a_server_address_is_remembered_as_text_without_its_owner_login(tmp_path):
    places.remember(database="postgresql://it:s3cret@branch.example/b1?sslrootcert=/ca.crt")
    assert "s3cret" not in places.recent_file().read_text("utf-8")
    assert places.last_database() == "postgresql://branch.example:5432/b1"  # no Path()
    assert places.describe(places.last_database()) == "Branch server: b1 @ branch.example:5432"
    assert places.describe(tmp_path / "branch.custos") == "This PC: branch.custos"
    places.remember(language="zh_CN")
    assert places.read_recent().database == "postgresql://branch.example:5432/b1"


def test_places_live_under_the_patched_folders(private_places):
    assert places.recent_file().is_relative_to(private_places)
    assert places.demo_database_path() == private_places / "data" / "demo" / "demo.custos"
    assert places.default_database_path() == private_places / "docs" / "Custos" / "branch.custos"


def test_start_without_anything_runs_the_wizard(qtbot):
    flow = SessionFlow()
    flow.start(None)
    assert isinstance(flow.dialog, FirstRunWizard)
    flow.dialog.reject()
    assert isinstance(flow.dialog, LoginDialog) and flow.dialog.db_path is None
    _close(flow)


def test_start_with_the_last_database_logs_in_and_remembers_it(qtbot, db_path, sessions):
    places.remember(database=db_path)
    flow = SessionFlow(idle_interval_ms=60_000)
    flow.start(None)
    dialog = flow.dialog
    assert isinstance(dialog, LoginDialog) and dialog.db_path == db_path
    dialog.username.setText("admin")
    dialog.password.setText("admin-password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.window is not None)
    assert isinstance(flow.window, MainWindow)
    assert places.read_recent().database == db_path
    _close(flow)


def test_a_temporary_password_must_be_changed_before_the_main_window(qtbot, db_path, login):
    accounts.reset_password(login("admin"), "counter", "temporary-pass-9")
    session = accounts.login(db_path, "counter", "temporary-pass-9")
    flow = SessionFlow(idle_interval_ms=60_000)
    flow.begin(session)
    dialog = flow.dialog
    assert isinstance(dialog, ChangePasswordDialog) and flow.window is None
    assert "A password needs at least 10 characters" in " ".join(
        label.text() for label in dialog.findChildren(type(dialog.error)))
    dialog.old.setText("temporary-pass-9")
    dialog.new.setText("my-own-password-1")
    dialog.again.setText("my-own-password-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.window is not None)
    assert not session.must_change_password
    _close(flow)
    assert session.ended
    accounts.logout(accounts.login(db_path, "counter", "my-own-password-1"))


def test_refusing_the_forced_change_logs_out(qtbot, db_path, login):
    accounts.reset_password(login("admin"), "counter", "temporary-pass-9")
    session = accounts.login(db_path, "counter", "temporary-pass-9")
    flow = SessionFlow()
    flow.begin(session)
    flow.dialog.reject()
    assert session.ended
    assert isinstance(flow.dialog, LoginDialog)
    _close(flow)


def test_log_out_returns_to_the_login_dialog(qtbot, login):
    session = login("archive")
    flow = SessionFlow(idle_interval_ms=60_000)
    window = flow.open_main(session)
    window.logout_action.trigger()
    assert session.ended and flow.window is None
    assert isinstance(flow.dialog, LoginDialog)
    _close(flow)


def test_demo_creates_its_database_once_and_shows_the_accounts(qtbot, monkeypatch):
    from app.demo import create_demo

    made = []
    monkeypatch.setattr("ui.flow.create_demo",
                        lambda path: made.append(path) or create_demo(path, customers=10))
    flow = SessionFlow(demo=True)
    flow.start(None)
    qtbot.waitUntil(lambda: isinstance(flow.dialog, LoginDialog), timeout=15000)
    dialog = flow.dialog
    assert dialog.db_path == places.demo_database_path() and dialog.db_path.exists()
    assert dialog.demo_box is not None and not dialog.other_row.isVisible()
    account = DEMO_ACCOUNTS[0]
    assert dialog.demo_box.table.item(0, 1).text() == account.username
    _close(flow)
    again = SessionFlow(demo=True)
    again.start(None)  # already there: straight to the login dialog
    assert isinstance(again.dialog, LoginDialog) and len(made) == 1
    _close(again)
