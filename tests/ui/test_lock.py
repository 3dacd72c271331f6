"""The idle lock: fires after the interval, hides everything, unlocks, or lets another user in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout
from sqlalchemy import text

from app.integrity import verify_audit_log
from app.store.database import Sealed
from ui.dialogs import show_info
from ui.flow import SessionFlow
from ui.main_window import MainWindow


def _window(qtbot, session, interval_ms: int = 200) -> MainWindow:
    window = MainWindow(session, idle_interval_ms=interval_ms)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(parent) -> QDialog:
    dialog = QDialog(parent)
    QVBoxLayout(dialog).addWidget(QLabel("section content"))
    return dialog


def test_idle_lock_hides_sections_and_a_modal_exec_dialog(qtbot, login):
    session = login("admin")
    window = _window(qtbot, session)
    dialog = _dialog(window)
    seen = {}

    def run_modal():
        QTimer.singleShot(0, lambda: seen.setdefault("visible_in_exec", dialog.isVisible()))
        seen["result"] = dialog.exec()  # returns only once the lock hides it

    QTimer.singleShot(0, run_modal)
    qtbot.waitUntil(lambda: window.is_locked, timeout=2000)
    assert seen.get("visible_in_exec") is True
    assert not dialog.isVisible()
    assert not window.workspace.isVisible()
    assert window.lock_page.isVisible()
    assert window.lock_page.title.text() == f"Locked — {session.display_name}"
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == QDialog.DialogCode.Rejected
    assert session.db.sealed  # locked: the key is gone until the password comes back
    with pytest.raises(Sealed):
        verify_audit_log(session)
    window.lock_page.password.setText("admin-password")
    window.lock_page.unlock_button.click()
    qtbot.waitUntil(lambda: not window.is_locked, timeout=5000)
    report = verify_audit_log(session)
    assert report.intact


def test_ctrl_l_locks_and_the_right_password_restores(qtbot, login):
    session = login("admin")
    window = _window(qtbot, session, interval_ms=60_000)
    window.activateWindow()
    dialog = _dialog(window)
    dialog.open()  # how ui/ opens dialogs: it survives a lock
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked and not dialog.isVisible() and not window.workspace.isVisible()
    assert not window.idle.is_running()

    window.lock_page.password.setText("wrong-password")
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.lock_page.error.isVisible)
    assert window.lock_page.error.text() == "Wrong password."
    assert window.is_locked and not dialog.isVisible()

    window.lock_page.password.setText("admin-password")
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    assert window.lock_page.password.text() == ""
    qtbot.waitUntil(lambda: not window.is_locked)
    assert window.workspace.isVisible() and dialog.isVisible()
    assert window.idle.is_running()
    with session.db.read() as conn:  # the wrong try, noted while locked, is in the log now
        actions = conn.execute(text("SELECT action FROM audit_event ORDER BY seq DESC LIMIT 3"))
        assert [a for (a,) in actions] == ["session.unlocked", "unlock.failed", "session.locked"]


def test_a_window_appearing_while_locked_is_hidden(qtbot, login):
    window = _window(qtbot, login("admin"), interval_ms=60_000)
    window.lock("manual")
    box = show_info(window, "Finished while you were away.")
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.is_locked
    assert any(w is box for w, _m in window.screen_lock.hidden)


def test_input_restarts_the_idle_timer(qtbot, login):
    window = _window(qtbot, login("admin"), interval_ms=300)
    for _i in range(4):
        qtbot.wait(150)
        qtbot.mouseMove(window.workspace.navigation, pos=window.workspace.navigation.rect()
                        .center())
        qtbot.keyClick(window.workspace.navigation, Qt.Key.Key_Down)
    assert not window.is_locked  # 600 ms passed, but never 300 ms without input
    qtbot.waitUntil(lambda: window.is_locked, timeout=2000)


def test_log_in_as_another_user_ends_the_first_session(qtbot, login, db_path, sessions):
    first = login("admin")
    flow = SessionFlow(idle_interval_ms=60_000)
    window = flow.open_main(first)  # the flow deletes it on switching
    hidden = _dialog(window)
    outcome = []
    hidden.rejected.connect(lambda: outcome.append("rejected"))
    hidden.open()
    window.lock("manual")
    qtbot.mouseClick(window.lock_page.other_user, Qt.MouseButton.LeftButton)
    login_dialog = window.screen_lock.login_dialog
    assert login_dialog is not None and login_dialog.isVisible()
    assert not login_dialog.other_row.isVisible()  # same database only
    login_dialog.username.setText("counter")
    login_dialog.password.setText("counter-password")
    qtbot.mouseClick(login_dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.window is not None and flow.window is not window)
    sessions.append(flow.window.session)
    qtbot.addWidget(flow.window)
    assert first.ended
    assert flow.window.session.username == "counter"
    assert flow.window.workspace.keys() == ["home"]  # no capability registered here
    assert outcome == ["rejected"]
    flow.window.close()


def test_a_dialog_finished_while_locked_does_not_come_back(qtbot, login):
    session = login("admin")
    window = _window(qtbot, session, interval_ms=60_000)
    done = _dialog(window)
    done.open()
    window.lock("idle")
    done.accept()  # e.g. its save completed on the worker meanwhile
    window.lock_page.password.setText("admin-password")
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_locked)
    assert not done.isVisible()


def test_the_lock_button_keeps_clear_of_the_window_edge(qtbot, login):
    window = _window(qtbot, login("admin"), interval_ms=60_000)
    window.resize(1200, 760)
    qtbot.waitUntil(lambda: window.lock_button.isVisible())
    bar = window.statusBar()
    right = window.lock_button.mapTo(bar, window.lock_button.rect().topRight()).x()
    assert bar.width() - 1 - right >= 8
