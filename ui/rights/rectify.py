"""Rectification on a request: correct the customer's identity, with the evidence seen.

The same correction as on the customer page (app.customers.editing.update_identity), under
the purpose "rights request" and naming the request, which it thereby answers.
Masked values never go into the fields (they would be saved as the new value): an empty
field keeps what is on record, shown as its placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.customers.editing import update_identity
from app.customers.model import Identity, IdType
from app.i18n import _
from app.security import Session
from ui.dialogs import FormDialog, hint_label

ADDRESS_FIELDS = ("province", "city", "district", "street")


class CorrectIdentityDialog(FormDialog):
    def __init__(self, session: Session, identity: Identity, request_no: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Correct the identity of {number}").format(
            number=identity.customer_no), parent, ok_text=_("Save correction"))
        self.session, self.identity, self.request_no = session, identity, request_no
        self.setMinimumWidth(560)
        self.set_intro(_("Fill in only what changes; an empty field keeps the value on record. "
                         "The change is logged with the values before and after (masked)."))
        self.name = QLineEdit(identity.name)
        self.id_type = QComboBox()
        for kind in IdType:
            self.id_type.addItem(kind.label, kind.value)
        self.id_type.setCurrentIndex(max(self.id_type.findData(identity.id_type), 0))
        self.id_number = self._blank(identity.id_number)
        self.phone = self._blank(identity.phone)
        self.email = self._blank(identity.email)
        self.address = {name: QLineEdit() for name in ADDRESS_FIELDS}
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText(_("For example: resident ID card shown at the counter"))
        self.form.addRow(_("Name:"), self.name)
        self.form.addRow(_("ID type:"), self.id_type)
        self.form.addRow(_("ID number:"), self.id_number)
        self.form.addRow(_("Phone:"), self.phone)
        self.form.addRow(_("Email:"), self.email)
        if identity.address:
            self.form.addRow(hint_label(_("Address on record: {address}")
                                        .format(address=identity.address)))
        self.form.addRow(_("Province:"), self.address["province"])
        self.form.addRow(_("City:"), self.address["city"])
        self.form.addRow(_("District:"), self.address["district"])
        self.form.addRow(_("Street and number:"), self.address["street"])
        self.form.addRow(_("Evidence seen:"), self.evidence)

    @staticmethod
    def _blank(masked: str | None) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(masked or _("(none on record)"))
        return field

    def changes(self) -> dict[str, str]:
        changes: dict[str, str] = {}
        if self.name.text() != self.identity.name:
            changes["name"] = self.name.text()
        if self.id_type.currentData() != self.identity.id_type:
            changes["id_type"] = self.id_type.currentData()
        for name, field in (("id_number", self.id_number), ("phone", self.phone),
                            ("email", self.email), *self.address.items()):
            if field.text().strip():
                changes[name] = field.text()
        return changes

    def prepare(self) -> Callable[[], Any]:
        session, number, request_no = self.session, self.identity.customer_no, self.request_no
        changes, evidence = self.changes(), self.evidence.text()
        version = self.identity.version  # a save on a stale copy is refused, naming who
        return lambda: update_identity(session, number, changes, evidence,
                                       request_no=request_no, expected_version=version)
