"""Managers' actions on a customer record: legal hold and restriction of processing.

The buttons appear only for roles that hold the permission; the services refuse the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from app.customers.editing import lift_restriction, restrict
from app.customers.hold import lift_legal_hold, place_legal_hold
from app.customers.model import Identity
from app.i18n import _
from app.security import Permission, Session
from ui.customers.common import FieldFormDialog, date_field, iso


class ReasonDialog(FieldFormDialog):
    """One reason (and, for a hold, an optional end date) → one app call."""

    def __init__(self, title: str, label: str, action: Callable[[str, str | None], Any],
                 with_until: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.action = action
        self.reason = QLineEdit()
        self.form.addRow(label, self.reason)
        self.fields = {"reason": self.reason, "note": self.reason}
        self.until_on: QCheckBox | None = None
        if with_until:
            self.until_on = QCheckBox(_("Ends on:"))
            self.until = date_field()
            self.until.setDate(QDate.currentDate().addMonths(6))
            row = QHBoxLayout()
            row.addWidget(self.until_on)
            row.addWidget(self.until, 1)
            self.form.addRow(row)
            self.fields["until"] = self.until

    def prepare(self) -> Callable[[], Any]:
        reason = self.reason.text()
        until = iso(self.until) if self.until_on is not None and self.until_on.isChecked() \
            else None
        return lambda: self.action(reason, until)


class ManagerActions(QWidget):
    """Buttons for the page's top bar; `changed(sentence)` is called after each success."""

    def __init__(self, session: Session, customer_no: str,
                 changed: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.customer_no, self.changed = session, customer_no, changed
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.hold_button = QPushButton()
        self.restrict_button = QPushButton()
        self.hold_button.clicked.connect(self._hold)
        self.restrict_button.clicked.connect(self._restrict)
        row.addWidget(self.restrict_button)
        row.addWidget(self.hold_button)
        self.hold_button.setVisible(session.can(Permission.LEGAL_HOLD))
        self.restrict_button.setVisible(session.can(Permission.REQUEST_DECIDE))
        self.identity: Identity | None = None

    def show_identity(self, ident: Identity) -> None:
        self.identity = ident
        self.hold_button.setText(_("Lift legal hold…") if ident.legal_hold
                                 else _("Legal hold…"))
        self.restrict_button.setText(_("Lift restriction…") if ident.restricted
                                     else _("Restrict processing…"))

    def _open(self, dialog: ReasonDialog, sentence: str) -> None:
        dialog.accepted.connect(lambda: self.changed(sentence))
        dialog.open()

    def _hold(self) -> None:
        session, number = self.session, self.customer_no
        if self.identity is not None and self.identity.legal_hold:
            self._open(ReasonDialog(_("Lift the legal hold on {number}").format(number=number),
                                    _("Note:"), lambda note, _u: lift_legal_hold(session, number,
                                                                                 note), parent=self),
                       _("The legal hold was lifted."))
            return
        self._open(ReasonDialog(
            _("Legal hold on {number}").format(number=number), _("Reason:"),
            lambda reason, until: place_legal_hold(session, number, reason, until),
            with_until=True, parent=self),
            _("The legal hold is in place: no erasure, retention or destruction for this "
              "customer and their files."))

    def _restrict(self) -> None:
        session, number = self.session, self.customer_no
        if self.identity is not None and self.identity.restricted:
            self._open(ReasonDialog(_("Lift the restriction on {number}").format(number=number),
                                    _("Note:"), lambda note, _u: lift_restriction(session, number,
                                                                                  note), parent=self),
                       _("The restriction was lifted."))
            return
        self._open(ReasonDialog(_("Restrict processing of {number}").format(number=number),
                                _("Reason:"), lambda reason, _u: restrict(session, number, reason),
                                parent=self),
                   _("Processing is restricted: the record is read-only and out of marketing."))
