"""Rectification: correct a customer's identity, with a required note on the evidence seen.

Masked values are never put into the fields (they would be saved as the new value): a field
left empty keeps what is on record, its masked value shown as the placeholder. A correction
asked for in a rectification request names that request, which it then answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.customers.editing import update_identity
from app.customers.model import Identity, IdType
from app.errors import CustosError
from app.i18n import _
from app.rights.requests import open_rectifications
from app.security import Session
from ui.customers.common import FieldFormDialog, local
from ui.dialogs import hint_label


def id_type_combo(current: str = IdType.RESIDENT_ID.value) -> QComboBox:
    combo = QComboBox()
    for kind in IdType:
        combo.addItem(kind.label, kind.value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


class RectifyDialog(FieldFormDialog):
    def __init__(self, session: Session, identity: Identity,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Edit identity of {number}").format(number=identity.customer_no),
                         parent, ok_text=_("Save correction"))
        self.session, self.identity = session, identity
        self.set_intro(_("Fill in only what changes; an empty field keeps the value on record. "
                         "The change is logged with the values before and after (masked)."))
        self.name = QLineEdit(identity.name)
        self.id_type = id_type_combo(identity.id_type)
        self.id_number = self._blank(identity.id_number)
        self.phone = self._blank(identity.phone)
        self.email = self._blank(identity.email)
        self.province = QLineEdit()
        self.city = QLineEdit()
        self.district = QLineEdit()
        self.street = QLineEdit()
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
        self.form.addRow(_("Province:"), self.province)
        self.form.addRow(_("City:"), self.city)
        self.form.addRow(_("District:"), self.district)
        self.form.addRow(_("Street and number:"), self.street)
        self.form.addRow(_("Evidence seen:"), self.evidence)
        self.request = self._requests(identity.customer_no)
        self.form.addRow(_("Answers request:"), self.request)
        self.fields = {"name": self.name, "id_type": self.id_type, "id_number": self.id_number,
                       "phone": self.phone, "email": self.email, "province": self.province,
                       "city": self.city, "district": self.district, "street": self.street,
                       "evidence": self.evidence, "request": self.request}
        self.setMinimumWidth(520)

    def _requests(self, customer_no: str) -> QComboBox:
        """The customer's open rectification requests; the only one is chosen for the clerk."""
        combo = QComboBox()
        combo.addItem(_("— none —"), None)
        try:
            found = open_rectifications(self.session, customer_no)
        except CustosError as exc:
            found = []
            self.show_error(str(exc))
        for number, received_at in found:
            combo.addItem(_("{number} (received {date})").format(
                number=number, date=local(received_at)[:10]), number)
        if len(found) == 1:
            combo.setCurrentIndex(1)
        combo.setEnabled(bool(found))
        return combo

    @staticmethod
    def _blank(masked: str) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(masked or _("(none on record)"))
        return field

    def changes(self) -> dict[str, str]:
        changes: dict[str, str] = {}
        if self.name.text() != self.identity.name:
            changes["name"] = self.name.text()
        if self.id_type.currentData() != self.identity.id_type:
            changes["id_type"] = self.id_type.currentData()
        for name in ("id_number", "phone", "email", "province", "city", "district", "street"):
            text = self.fields[name].text()
            if text.strip():
                changes[name] = text
        return changes

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.identity.customer_no
        changes, evidence = self.changes(), self.evidence.text()
        request_no = self.request.currentData()
        version = self.identity.version  # a save on a stale copy is refused, naming who
        return lambda: update_identity(session, number, changes, evidence,
                                       request_no=request_no, expected_version=version)
