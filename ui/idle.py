"""The idle timer: any key, click, wheel or mouse movement anywhere in Custos restarts it.

An application-wide event filter sees input to every window, modal dialogs included, and
the timer keeps running inside nested event loops, so the lock fires wherever the person
left off. The idle minutes are re-read from the database every minute, so a change an
administrator saves applies everywhere without restarting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.HoverMove, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})
SETTING_POLL_MS = 60_000
LOCK_KEY = QKeySequence("Ctrl+L")


def _is_lock_key(event: QEvent) -> bool:
    return (isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_L
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier)


class IdleWatcher(QObject):
    """Emits `idle` once after the configured time without input; `pause` while locked.

    It also turns Ctrl+L into `lock_requested` wherever it is pressed: a modal dialog
    blocks the main window's own shortcut, but not this filter.
    """

    idle = Signal()
    lock_requested = Signal()

    def __init__(self, minutes: Callable[[], int], parent: QObject | None = None,
                 interval_ms: int | None = None) -> None:
        super().__init__(parent)
        self._minutes = minutes
        self._fixed_ms = interval_ms
        self._paused = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._poll = QTimer(self)
        self._poll.timeout.connect(self._reread)
        self._interval_ms = interval_ms or self._setting_ms(default_ms=5 * 60_000)
        self._timer.setInterval(self._interval_ms)

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def _setting_ms(self, default_ms: int) -> int:
        try:
            return max(1, int(self._minutes())) * 60_000
        except Exception:  # a database hiccup must not stop the lock: keep the last value
            return default_ms

    def _reread(self) -> None:
        if self._fixed_ms is None:
            self._set(self._setting_ms(default_ms=self._interval_ms))

    def _set(self, ms: int) -> None:
        if ms == self._interval_ms:
            return
        self._interval_ms = ms
        self._timer.setInterval(ms)
        if not self._paused:
            self._timer.start()

    def set_interval_ms(self, ms: int) -> None:
        """A fixed interval, ignoring the setting (tests use a fraction of a second)."""
        self._fixed_ms = ms
        self._set(ms)

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if self._fixed_ms is None:
            self._poll.start(SETTING_POLL_MS)
        self.resume()

    def stop(self) -> None:
        self.pause()
        self._poll.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def pause(self) -> None:
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        self._paused = False
        self._reread()
        self._timer.start()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if self._paused or event.type() not in INPUT_EVENTS:
            return False
        self._timer.start()
        if event.type() == QEvent.Type.KeyPress and _is_lock_key(event):
            self.lock_requested.emit()
            return True
        return False

    def _fire(self) -> None:
        if not self._paused:
            self._paused = True
            self.idle.emit()
