"""Background work: run an app/ call off the GUI thread, hear the result back on it.

`fn` gets a plain `progress(done, total) -> bool` callable (False once Cancel was pressed),
so app/ never sees Qt. A progress dialog appears only if the work takes longer than about
half a second, as in Anki's taskman/progress. A failure reaches the screen as the error
object itself (a CustosError: its sentence, and for a ValidationError the field to point
at); an unexpected one is written to the error log first (app.crashlog.explained).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from app.crashlog import explained
from app.errors import CustosError
from app.i18n import _
from ui.lifetime import delete_later

Progress = Callable[[int, int], bool]
Failed = Callable[[CustosError], None]
SHOW_AFTER_MS = 500

# Tasks stay referenced here until their result has been delivered.
_running: set[Task] = set()


class _Bridge(QObject):
    """Lives on the GUI thread; signals emitted from the worker arrive there queued."""

    succeeded = Signal(object)
    failed = Signal(object)  # a CustosError
    progressed = Signal(int, int)


class _Job:
    """The work itself. A plain object handed to the pool as a callable: a QRunnable
    subclass would be deleted by Qt while Python still held it (auto-delete), which can
    crash when the wrapper is collected later."""

    def __init__(self, fn: Callable[[Progress], Any], bridge: _Bridge,
                 cancelled: threading.Event) -> None:
        self._fn = fn
        self._bridge = bridge
        self._cancelled = cancelled

    def _progress(self, done: int, total: int) -> bool:
        if not self._emit(self._bridge.progressed, int(done), int(total)):
            return False  # nobody is listening any more: stop early
        return not self._cancelled.is_set()

    @staticmethod
    def _emit(signal, *args) -> bool:
        try:
            signal.emit(*args)
        except RuntimeError:
            # The bridge was deleted (the application is closing); nothing is left to tell.
            return False
        return True

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except BaseException as exc:  # every failure must reach the GUI
            self._emit(self._bridge.failed, explained(exc))
        else:
            self._emit(self._bridge.succeeded, result)


class _ProgressDialog(QProgressDialog):
    """A progress dialog that cannot be dismissed unless the work can be cancelled."""

    def __init__(self, label: str, cancellable: bool, parent: QWidget | None) -> None:
        super().__init__(label, _("Cancel") if cancellable else "", 0, 0, parent)
        self._cancellable = cancellable
        if not cancellable:
            self.setCancelButton(None)
        self.setWindowTitle(_("Please wait"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)
        self.setMinimumWidth(360)
        self.finished_work = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._cancellable:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._cancellable and not self.finished_work:
            event.ignore()
            return
        super().closeEvent(event)


class Task(QObject):
    """One piece of background work and its (delayed) progress dialog."""

    def __init__(self, parent: QWidget | None, fn: Callable[[Progress], Any],
                 on_done: Callable[[Any], None], on_error: Failed,
                 label: str, cancellable: bool, show_after_ms: int | None,
                 on_progress: Callable[[int, int], None] | None) -> None:
        super().__init__()
        self._parent = parent
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._label = label
        self._cancellable = cancellable
        self._dialog: _ProgressDialog | None = None
        self._last: tuple[int, int] = (0, 0)
        self.cancelled = threading.Event()
        self.finished = False
        # A child of the task: destroyed with it, on the GUI thread. Unparented, its last
        # Python reference could be the worker's (the pool drops the finished job there),
        # and a QObject deleted on another thread while its queued signals are delivered
        # here brings the process down (seen as a rare segfault in a busy test run).
        self._bridge = _Bridge(self)
        self._bridge.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self._bridge.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._bridge.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        if show_after_ms is not None:
            self._timer.start(show_after_ms)
        self._job = _Job(fn, self._bridge, self.cancelled)

    def start(self) -> None:
        _running.add(self)
        QThreadPool.globalInstance().start(self._job.run)

    def cancel(self) -> None:
        self.cancelled.set()

    def _show_dialog(self) -> None:
        if self.finished or self._receiver_gone():
            return
        dialog = _ProgressDialog(self._label, self._cancellable, self._parent)
        dialog.canceled.connect(self.cancel)
        done, total = self._last
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(done)
        self._dialog = dialog
        dialog.show()

    def _progressed(self, done: int, total: int) -> None:
        self._last = (done, total)
        if self._on_progress is not None and not self._receiver_gone():
            self._on_progress(done, total)
        if self._dialog is not None and isValid(self._dialog) and total > 0:
            self._dialog.setRange(0, total)
            self._dialog.setValue(min(done, total))

    def _close(self) -> None:
        self.finished = True
        self._timer.stop()
        if self._dialog is not None and isValid(self._dialog):
            self._dialog.finished_work = True
            self._dialog.close()
            delete_later(self._dialog)
        self._dialog = None
        _running.discard(self)

    def _receiver_gone(self) -> bool:
        # The window that asked may have been closed meanwhile; its answer has nowhere to go.
        return self._parent is not None and not isValid(self._parent)

    def _succeeded(self, result: object) -> None:
        self._close()
        if not self._receiver_gone():
            self._on_done(result)

    def _failed(self, error: CustosError) -> None:
        self._close()
        if not self._receiver_gone():
            self._on_error(error)


def run_in_background(parent: QWidget | None, fn: Callable[[Progress], Any],
                      on_done: Callable[[Any], None], on_error: Failed,
                      label: str = "", cancellable: bool = False,
                      show_after_ms: int | None = SHOW_AFTER_MS,
                      on_progress: Callable[[int, int], None] | None = None) -> Task:
    """Start `fn(progress)` on the thread pool; `on_done`/`on_error` run on the GUI thread.

    `show_after_ms=None` never shows the progress dialog (the caller draws its own progress
    from `on_progress`).
    """
    task = Task(parent, fn, on_done, on_error, label or _("Working…"), cancellable,
                show_after_ms, on_progress)
    task.start()
    return task


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Let running work finish before the application exits (work is never killed halfway)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def idle_tasks() -> bool:
    """True when no background work is waiting to report (tests wait for this)."""
    return not _running
