"""Small shared dialog pieces: message boxes, a form whose OK runs one app call, change password.

Dialogs are opened with `open()`, never `exec()`: the idle lock hides every window, and a
dialog hidden during `exec()` would end as if cancelled (Qt's rule). With `open()` the lock
can hide and later re-show a half-filled form and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.accounts import change_own_password
from app.errors import CustosError, ValidationError
from app.i18n import _
from app.security import Session
from app.security.passwords import policy_text
from ui.fields import FieldMarks, error_label
from ui.lifetime import delete_on_close
from ui.worker import run_in_background

__all__ = ["FormDialog", "SearchField", "ask", "error_label", "hint_label", "password_field",
           "show_error", "show_info", "typed_twice"]


def _message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, sentence: str
             ) -> QMessageBox:
    box = QMessageBox(icon, title, sentence, QMessageBox.StandardButton.Ok, parent)
    delete_on_close(box)
    box.open()
    return box


def show_error(parent: QWidget | None, sentence: str | CustosError) -> QMessageBox:
    return _message(parent, QMessageBox.Icon.Warning, _("Custos"), str(sentence))


def show_info(parent: QWidget | None, sentence: str) -> QMessageBox:
    return _message(parent, QMessageBox.Icon.Information, _("Custos"), sentence)


def ask(parent: QWidget | None, question: str, yes_text: str,
        on_yes: Callable[[], None]) -> QMessageBox:
    """A yes/no question; `on_yes` runs only if the person chose `yes_text`."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Custos"), question,
                      QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    delete_on_close(box)
    box.finished.connect(lambda _result: on_yes() if box.clickedButton() is yes else None)
    box.open()
    return box


class SearchField(QLineEdit):
    """A search box inside a form: Enter searches (`returnPressed`) and stops there, so it
    never reaches the dialog's default button and submits the whole form."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


def typed_twice(first: QLineEdit, second: QLineEdit) -> str:
    """The new password, if both fields agree (the rules themselves are app/'s to check)."""
    if first.text() != second.text():
        raise ValidationError(_("The two passwords differ."), field="password")
    return first.text()


class WrappedLabel(QLabel):
    """A word-wrapped label that asks its layout for the height of all its lines. A plain
    QLabel is sized from a guessed width, so in a dialog's nested forms its second line was
    cut off; this one claims heightForWidth of the width it was given."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


def hint_label(text: str) -> QLabel:
    label = WrappedLabel(text)
    label.setObjectName("hint")
    return label


class FormDialog(QDialog):
    """Fields, a red sentence for errors, OK/Cancel; OK runs one app call on the worker.

    Subclasses add rows to `self.form`, list their password fields in `self.secrets`, name
    in `self.fields` the widget of each app/ field (`"consents"` → the consent box, …) so
    that an error points at it (ui.fields), and implement `prepare()`, which reads the
    fields and returns the call to make. `failed` carries a refusal (the sentence is shown
    in the dialog too), for a screen that offers what would resolve it.
    """

    failed = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None,
                 ok_text: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.secrets: list[QLineEdit] = []
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        self.intro = hint_label("")
        self.intro.hide()
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(self.form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.marks = FieldMarks(self.error)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @property
    def fields(self) -> dict[str, QWidget]:
        """App field name → the widget that shows it (what an error points at)."""
        return self.marks.widgets

    @fields.setter
    def fields(self, widgets: dict[str, QWidget]) -> None:
        self.marks.widgets = dict(widgets)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_policy(self) -> None:
        self.form.addRow(hint_label(policy_text()))

    def prepare(self) -> Callable[[], Any]:
        raise NotImplementedError

    def working_label(self) -> str:
        return _("Saving…")

    def show_error(self, error: str | CustosError) -> None:
        """Say an error; one naming a field of this form points at that field."""
        self.marks.show(error if isinstance(error, CustosError) else CustosError(error))

    def submit(self) -> None:
        self.marks.clear()
        try:
            call = self.prepare()
        except CustosError as exc:
            self.show_error(exc)
            return
        finally:
            for field in self.secrets:
                field.clear()
        self.ok_button.setEnabled(False)
        run_in_background(self, lambda _progress: call(), self._done, self._failed,
                          label=self.working_label())

    def _done(self, result: Any) -> None:
        self.ok_button.setEnabled(True)
        self.marks.clear()
        self.result_value = result
        self.accept()

    def _failed(self, error: CustosError) -> None:
        self.ok_button.setEnabled(True)
        self.show_error(error)
        self.failed.emit(error)
        if self.secrets and getattr(error, "field", None) not in self.fields:
            self.secrets[0].setFocus()


class ChangePasswordDialog(FormDialog):
    """Change one's own password; `forced` when the account must do so before anything else."""

    def __init__(self, session: Session, forced: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Change my password"), parent, ok_text=_("Change password"))
        self.session = session
        if forced:
            self.set_intro(_("You must choose a new password before you continue. Your current "
                             "password was set by an administrator."))
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Log out"))
        self.old = password_field()
        self.new = password_field()
        self.again = password_field()
        self.secrets = [self.old, self.new, self.again]
        self.form.addRow(_("Current password:"), self.old)
        self.form.addRow(_("New password:"), self.new)
        self.form.addRow(_("New password again:"), self.again)
        self.fields = {"current_password": self.old, "password": self.new}
        self.add_policy()

    def prepare(self) -> Callable[[], Any]:
        session, old, new = self.session, self.old.text(), typed_twice(self.new, self.again)
        return lambda: change_own_password(session, old, new)
