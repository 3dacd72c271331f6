"""Intake of a rights request at the counter: who, what they ask, how identity was checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.customers.model import Channel
from app.customers.search import find_customers, summaries
from app.errors import CustosError, ValidationError
from app.i18n import _, current_language
from app.rights.model import DEFAULT_DUE_DAYS, RequestKind
from app.rights.requests import CHANNELS, take_request
from app.security import Session
from ui.dialogs import FormDialog, SearchField, hint_label
from ui.rights.common import explanation, language_combo, text_box
from ui.worker import Failed, run_in_background

SHOWN_MATCHES = 20


class CustomerPicker(QWidget):
    """A search box and a short list of matches; the chosen customer's number is the value.
    Enter in the box searches (it never submits the form around it); the search runs on the
    worker."""

    def __init__(self, session: Session, on_error: Failed,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.on_error = session, on_error
        inner = QVBoxLayout(self)
        inner.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.query = SearchField()
        self.query.setPlaceholderText(_("Customer number, phone, last digits of the ID, "
                                        "name or pinyin"))
        self.query.returnPressed.connect(self.search)
        self.find_button = QPushButton(_("Find customer"))
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.search)
        row.addWidget(self.query, 1)
        row.addWidget(self.find_button)
        inner.addLayout(row)
        self.matches = QListWidget()
        self.matches.setMinimumHeight(110)
        self.matches.setMaximumHeight(140)
        inner.addWidget(self.matches)
        self.searching = False

    def search(self) -> None:
        self.matches.clear()
        query = self.query.text()
        if not query.strip():
            return
        session = self.session
        self.searching = True

        def find(_progress: object) -> list:
            return summaries(session, find_customers(session, query,
                                                     limit=SHOWN_MATCHES).ids)

        run_in_background(self, find, self._found, self._failed, label=_("Searching…"))

    def _failed(self, error: CustosError) -> None:
        self.searching = False
        self.on_error(error)

    def _found(self, rows: list) -> None:
        self.searching = False
        for summary in rows:
            text = "   ".join(part for part in (summary.customer_no, summary.name,
                                                summary.id_masked, summary.phone_masked)
                              if part)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, summary.customer_no)
            self.matches.addItem(item)
        if not rows:
            self.on_error(ValidationError(_("No customer matches this search."),
                                          field="customer"))
        elif len(rows) == 1:
            self.matches.setCurrentRow(0)
        self.matches.setFocus()

    def customer_no(self) -> str | None:
        item = self.matches.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class IntakeDialog(FormDialog):
    """Who, what they ask, how identity was checked — confirmed once, here, with a tick."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("New rights request"), parent, ok_text=_("Take request"))
        self.session = session
        self.setMinimumWidth(620)
        self.customer = CustomerPicker(session, self.show_error)
        self.kind = QComboBox()
        for kind in RequestKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind_hint = hint_label("")
        self.kind_hint.setMinimumWidth(420)
        self.kind.currentIndexChanged.connect(self._explain)
        self.identity_check = QLineEdit()
        self.identity_check.setPlaceholderText(
            _("For example: resident ID card checked against the person"))
        self.verified = QCheckBox(_("Checked here and now: the request starts as verified"))
        self.channel = QComboBox()
        for value in CHANNELS:
            self.channel.addItem(Channel(value).label, value)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.language = language_combo(current_language())
        self.notes = text_box(3)
        self.form.addRow(_("Customer:"), self.customer)
        self.form.addRow(_("The customer asks for:"), self.kind)
        self.form.addRow("", self.kind_hint)
        self.form.addRow(_("Channel:"), self.channel)
        self.form.addRow(_("How identity was checked:"), self.identity_check)
        self.form.addRow("", self.verified)
        self.form.addRow(_("Language of the answers:"), self.language)
        self.form.addRow(_("Notes:"), self.notes)
        self.form.addRow(hint_label(_("The answer is due within {days} days. Every step is "
                                      "registered in the access log.")
                                    .format(days=DEFAULT_DUE_DAYS)))
        self.fields = {"customer": self.customer.query, "kind": self.kind,
                       "channel": self.channel, "identity_check": self.identity_check,
                       "language": self.language, "notes": self.notes}
        self._explain()
        self._channel_changed()
        self.customer.query.setFocus()

    def _explain(self) -> None:
        self.kind_hint.setText(explanation(self.kind.currentData()))

    def _channel_changed(self) -> None:
        # At the counter the person is there to be checked; by phone, online or letter the
        # check usually comes later, on the request page.
        self.verified.setChecked(self.channel.currentData() == "counter")

    def prepare(self) -> Callable[[], Any]:
        if self.customer.searching:
            raise ValidationError(_("Wait for the search to finish, then choose the customer "
                                    "in the list."), field="customer")
        customer_no = self.customer.customer_no()
        if customer_no is None:
            raise ValidationError(_("Find the customer and choose them in the list."),
                                  field="customer")
        session, kind = self.session, self.kind.currentData()
        check, channel = self.identity_check.text(), self.channel.currentData()
        language, notes = self.language.currentData(), self.notes.toPlainText()
        verified = self.verified.isChecked()
        return lambda: take_request(session, kind, customer_no, check, channel=channel,
                                    notes=notes, language=language, verified=verified)
