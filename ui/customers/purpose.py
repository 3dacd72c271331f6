"""The purpose of access: asked the first time a customer is opened in a session.

`CustomerOpener` tries to open the record; when app/ answers PurposeRequired it asks with
`PurposeDialog`, whose OK opens the record with the chosen purpose. The session remembers
the purpose for that customer afterwards (app/ does that), so the question comes once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QButtonGroup, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from app.customers.model import Purpose
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui.customers.common import FieldFormDialog
from ui.customers.loading import CustomerView, load_customer, try_load
from ui.lifetime import delete_on_close
from ui.worker import run_in_background


class PurposeDialog(FieldFormDialog):
    """One radio button per purpose; "Other" needs a description. OK opens the record."""

    def __init__(self, session: Session, customer_no: str, name: str = "",
                 suggested: Purpose | None = None, parent: QWidget | None = None) -> None:
        super().__init__(_("Purpose of access"), parent, ok_text=_("Open record"))
        self.session, self.customer_no = session, customer_no
        who = _("{name} ({number})").format(name=name, number=customer_no) if name \
            else customer_no
        self.set_intro(_("Every look-up of a customer record is registered. Why are you "
                         "opening the record of {customer}? You are asked once per customer "
                         "in this session.").format(customer=who))
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons_by_purpose: dict[Purpose, QRadioButton] = {}
        for purpose in Purpose:
            button = QRadioButton(purpose.label)
            self.group.addButton(button)
            self.buttons_by_purpose[purpose] = button
            column.addWidget(button)
        self.other_text = QLineEdit()
        self.other_text.setPlaceholderText(_("Describe the purpose"))
        self.other_text.setEnabled(False)
        column.addWidget(self.other_text)
        self.form.addRow(_("Purpose:"), choices)
        self.fields = {"purpose": self.other_text}
        self.buttons_by_purpose[Purpose.OTHER].toggled.connect(self._other_toggled)
        self.choose(suggested or Purpose.COUNTER_SERVICE)

    def tab_chain(self) -> list[QWidget]:
        # Arrow keys move between the radio buttons; Tab goes on to the description.
        return [self.buttons_by_purpose[self.chosen()], self.other_text]

    def choose(self, purpose: Purpose) -> None:
        self.buttons_by_purpose[purpose].setChecked(True)
        self.buttons_by_purpose[purpose].setFocus()

    def chosen(self) -> Purpose:
        for purpose, button in self.buttons_by_purpose.items():
            if button.isChecked():
                return purpose
        return Purpose.COUNTER_SERVICE

    def _other_toggled(self, on: bool) -> None:
        self.other_text.setEnabled(on)
        if on:
            self.other_text.setFocus()

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.customer_no
        purpose = self.chosen()
        text = self.other_text.text() if purpose is Purpose.OTHER else ""
        return lambda: load_customer(session, number, purpose.value, text)

    def working_label(self) -> str:
        return _("Opening…")


class CustomerOpener(QObject):
    """Opens customers for one widget: asks the purpose when needed, reports the view."""

    opened = Signal(object)  # CustomerView
    failed = Signal(str)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self.busy = False
        self.dialog: PurposeDialog | None = None

    def open(self, customer_no: str, name: str = "", suggested: Purpose | None = None) -> None:
        if self.busy:
            return
        self.busy = True
        session = self.session
        run_in_background(
            self.widget, lambda _p: try_load(session, customer_no),
            lambda view: self._answered(view, customer_no, name, suggested),
            self._failed, label=_("Opening…"))

    def _answered(self, view: CustomerView | None, customer_no: str, name: str,
                  suggested: Purpose | None) -> None:
        if view is not None:
            self.busy = False
            self.opened.emit(view)
            return
        dialog = PurposeDialog(self.session, customer_no, name, suggested, self.widget)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.opened.emit(dialog.result_value))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        self.busy = False
        self.dialog = None

    def _failed(self, error: CustosError) -> None:
        self.busy = False
        self.failed.emit(str(error))
