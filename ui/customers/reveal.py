"""Revealed values: shown for a short while, then masked again; copied values leave the
clipboard after the same while, as KeePassXC's Clipboard.cpp does.

Every unmasked value on a customer page lives in one `RevealedValues`, so one `clear()` —
called when the page hides, which includes the screen lock — puts every mask back at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QWidget

from app.customers.model import RevealField
from app.customers.records import reveal_field
from app.i18n import _
from app.security import Session
from ui.customers.common import FieldFormDialog
from ui.dialogs import hint_label

SHOW_MS = 30_000       # how long a revealed value stays on screen
CLIPBOARD_MS = 30_000  # how long a copied value may stay on the clipboard


class ClipboardGuard(QObject):
    """Puts a secret on the clipboard and takes it off later — only if it is still there."""

    def __init__(self, clear_ms: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clear_ms = CLIPBOARD_MS if clear_ms is None else clear_ms
        self.copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)

    def copy(self, text: str) -> None:
        data = QMimeData()
        data.setText(text)
        # Asks clipboard managers (Klipper, and others that honour it) not to keep a history.
        data.setData("x-kde-passwordManagerHint", b"secret")
        QGuiApplication.clipboard().setMimeData(data)
        self.copied = text
        self._timer.start(self.clear_ms)

    def clear(self) -> None:
        """Empty the clipboard if it still holds what we put there; leave anything else."""
        self._timer.stop()
        if self.copied is not None and QGuiApplication.clipboard().text() == self.copied:
            QGuiApplication.clipboard().clear()
        self.copied = None


class RevealedValues(QObject):
    """The unmasked values of one customer page, each with its own re-mask timer."""

    changed = Signal(str)  # the RevealField value that was revealed or masked again

    def __init__(self, show_ms: int | None = None, clipboard_ms: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show_ms = SHOW_MS if show_ms is None else show_ms
        self.clipboard = ClipboardGuard(clipboard_ms, self)
        self._values: dict[str, str] = {}
        self._timers: dict[str, QTimer] = {}

    def show(self, field: str, value: str) -> None:
        self._values[field] = value
        timer = self._timers.get(field)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda f=field: self.hide(f))
            self._timers[field] = timer
        timer.start(self.show_ms)
        self.changed.emit(field)

    def value(self, field: str) -> str | None:
        return self._values.get(field)

    def hide(self, field: str) -> None:
        timer = self._timers.get(field)
        if timer is not None:
            timer.stop()
        if self._values.pop(field, None) is not None:
            self.changed.emit(field)

    def copy(self, field: str) -> bool:
        value = self._values.get(field)
        if value is None:
            return False
        self.clipboard.copy(value)
        return True

    def clear(self) -> None:
        """Mask everything again now, and take our value off the clipboard."""
        for field in list(self._values):
            self.hide(field)
        self.clipboard.clear()

    def __bool__(self) -> bool:
        return bool(self._values)


class RevealDialog(FieldFormDialog):
    """Why a masked field is being revealed; OK calls `reveal_field`, whose answer is the
    dialog's `result_value`."""

    def __init__(self, session: Session, customer_no: str, field: RevealField,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Reveal {field}").format(field=field.label), parent,
                         ok_text=_("Reveal"))
        self.session, self.customer_no, self.field = session, customer_no, field
        self.set_intro(_("The unmasked value is shown for 30 seconds. Your reason is written "
                         "to the access log with your name."))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("For example: customer asks to confirm the number"))
        self.form.addRow(_("Reason:"), self.reason)
        self.form.addRow(hint_label(_("Customer {number}").format(number=customer_no)))
        self.fields = {"reason": self.reason}

    def prepare(self) -> Callable[[], Any]:
        session, number, field, reason = (self.session, self.customer_no, self.field.value,
                                          self.reason.text())
        return lambda: reveal_field(session, number, field, reason)

    def working_label(self) -> str:
        return _("Revealing…")
