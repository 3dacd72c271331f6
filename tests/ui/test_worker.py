"""Background work: results on the GUI thread, one sentence for errors, progress and Cancel."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app.errors import ValidationError
from ui.worker import run_in_background


def test_result_arrives_on_the_gui_thread(qtbot):
    got = []
    run_in_background(None, lambda _p: threading.current_thread().name,
                      lambda r: got.append((r, threading.current_thread().name)), got.append)
    qtbot.waitUntil(lambda: bool(got))
    worker_thread, delivered_on = got[0]
    assert worker_thread != threading.main_thread().name
    assert delivered_on == threading.main_thread().name


def test_a_custos_error_becomes_its_sentence(qtbot):
    errors = []

    def fail(_progress):
        raise ValidationError("The password is too short: at least 10 characters.")

    run_in_background(None, fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors == ["The password is too short: at least 10 characters."]


def test_other_errors_are_named_by_kind_only(qtbot, caplog):
    errors = []

    def fail(_progress):
        raise KeyError("13800138000 王芳")  # personal data must not leak

    run_in_background(None, fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors[0].startswith("Something went wrong: KeyError. Nothing was changed. ")
    assert "13800138000" not in caplog.text and "王芳" not in caplog.text
    assert "13800138000" not in errors[0] and "王芳" not in errors[0]


def test_progress_dialog_appears_late_and_cancel_reaches_the_work(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    results = []

    def work(progress):
        for done in range(10_000):
            if progress(done, 10_000) is False:
                return "stopped"
            threading.Event().wait(0.01)
        return "finished"

    task = run_in_background(parent, work, results.append, results.append,
                             label="Counting…", cancellable=True, show_after_ms=100)
    assert parent.findChild(QProgressDialog) is None  # not before the delay
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog) is not None)
    dialog = parent.findChild(QProgressDialog)
    assert dialog.labelText() == "Counting…"
    qtbot.waitUntil(lambda: dialog.maximum() == 10_000)
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results))
    assert results == ["stopped"] and task.cancelled.is_set()


def test_quick_work_never_shows_a_dialog(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    results = []
    run_in_background(parent, lambda _p: 42, results.append, results.append)
    qtbot.waitUntil(lambda: bool(results))
    qtbot.wait(600)
    assert results == [42] and parent.findChild(QProgressDialog) is None
