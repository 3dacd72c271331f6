"""Background work: results on the GUI thread, one sentence for errors, progress and Cancel."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app import crashlog
from app.errors import Unexpected, ValidationError
from ui.worker import run_in_background


def test_result_arrives_on_the_gui_thread(qtbot):
    got = []
    run_in_background(None, lambda _p: threading.current_thread().name,
                      lambda r: got.append((r, threading.current_thread().name)), got.append)
    qtbot.waitUntil(lambda: bool(got))
    worker_thread, delivered_on = got[0]
    assert worker_thread != threading.main_thread().name
    assert delivered_on == threading.main_thread().name


def test_a_custos_error_arrives_as_itself_with_its_field(qtbot):
    errors = []
    raised = ValidationError("The password is too short: at least 10 characters.",
                             field="password")

    def fail(_progress):
        raise raised

    run_in_background(None, fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors == [raised] and errors[0].field == "password"
    assert str(errors[0]) == "The password is too short: at least 10 characters."


def test_other_errors_go_to_the_log_and_are_named_by_kind_only(qtbot, caplog, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("CUSTOS_LOG_DIR", str(tmp_path))
    errors = []

    def fail(_progress):
        raise KeyError("13800138000 王芳")  # personal data must not leak

    run_in_background(None, fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    said = str(errors[0])
    assert isinstance(errors[0], Unexpected) and isinstance(errors[0].error, KeyError)
    # Whether anything was changed is not known: the sentence does not claim it.
    assert said.startswith("Something went wrong: KeyError. Look whether the action was done")
    assert "Nothing was changed" not in said
    log = (tmp_path / crashlog.LOG_NAME).read_text("utf-8")
    assert str(tmp_path / crashlog.LOG_NAME) in said and "builtins.KeyError" in log
    for text in (caplog.text, said, log):
        assert "13800138000" not in text and "王芳" not in text


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
