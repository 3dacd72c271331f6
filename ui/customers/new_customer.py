"""A new customer: the identity fields the contract needs, the optional ones marked as such
(data minimisation), the original-document check, and the consent choices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from app.customers.editing import NewCustomer, create_customer
from app.customers.model import Channel, ConsentPurpose
from app.i18n import _
from app.security import Session
from ui.customers.case_dialogs import enum_combo
from ui.customers.common import FieldFormDialog
from ui.customers.identity_dialog import id_type_combo
from ui.dialogs import hint_label


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return box, form


class NewCustomerDialog(FieldFormDialog):
    """OK creates the customer; `result_value` is the new customer number."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("New customer"), parent, ok_text=_("Create customer"))
        self.session = session
        self.setMinimumWidth(620)
        self.set_intro(_("Ask only for what the service needs. Fields marked (optional) may "
                         "stay empty."))

        identity, form = _group(_("Identity"))
        self.name = QLineEdit()
        self.id_type = id_type_combo()
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(_("As printed on the document"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("Mobile, or fixed line with area code"))
        self.original_checked = QCheckBox(_("I checked the original ID document"))
        form.addRow(_("Name:"), self.name)
        form.addRow(_("ID type:"), self.id_type)
        form.addRow(_("ID number:"), self.id_number)
        form.addRow(_("Phone:"), self.phone)
        form.addRow("", self.original_checked)
        self.form.addRow(identity)

        contact, form = _group(_("Contact and address (optional)"))
        self.email = QLineEdit()
        self.province = QLineEdit()
        self.city = QLineEdit()
        self.district = QLineEdit()
        self.street = QLineEdit()
        form.addRow(_("Email (optional):"), self.email)
        form.addRow(_("Province (optional):"), self.province)
        form.addRow(_("City (optional):"), self.city)
        form.addRow(_("District (optional):"), self.district)
        form.addRow(_("Street and number (optional):"), self.street)
        self.form.addRow(contact)

        consent, form = _group(_("Consent"))
        self.contract = QCheckBox(ConsentPurpose.CONTRACT.label)
        self.contract.setChecked(True)
        form.addRow(self.contract)
        form.addRow(hint_label(_("Required: the customer's data is kept and used to provide "
                                 "the services in the contract, and for nothing else.")))
        self.optional_consents: dict[ConsentPurpose, QCheckBox] = {}
        for purpose in (ConsentPurpose.MARKETING, ConsentPurpose.PARTNER_SHARING,
                        ConsentPurpose.ANALYTICS):
            box = QCheckBox(_("{purpose} (optional)").format(purpose=purpose.label))
            self.optional_consents[purpose] = box
            form.addRow(box)
        form.addRow(hint_label(_("Tick an optional consent only when the customer says yes to "
                                 "it; each can be withdrawn at any time.")))
        self.channel = enum_combo(list(Channel), Channel.COUNTER)
        form.addRow(_("Consent given by:"), self.channel)
        self.form.addRow(consent)

        self.fields = {"name": self.name, "id_type": self.id_type, "id_number": self.id_number,
                       "phone": self.phone, "original_checked": self.original_checked,
                       "email": self.email, "province": self.province, "city": self.city,
                       "district": self.district, "street": self.street,
                       "consents": self.contract, "consent_channel": self.channel}
        self.name.setFocus()

    def tab_chain(self) -> list[QWidget]:
        return [self.name, self.id_type, self.id_number, self.phone, self.original_checked,
                self.email, self.province, self.city, self.district, self.street,
                self.contract, *self.optional_consents.values(), self.channel]

    def new_customer(self) -> NewCustomer:
        consents = {ConsentPurpose.CONTRACT.value: self.contract.isChecked()}
        consents.update({p.value: box.isChecked() for p, box in self.optional_consents.items()})
        return NewCustomer(
            name=self.name.text(), id_type=self.id_type.currentData(),
            id_number=self.id_number.text(), phone=self.phone.text(),
            original_checked=self.original_checked.isChecked(), consents=consents,
            consent_channel=self.channel.currentData(), email=self.email.text(),
            province=self.province.text(), city=self.city.text(),
            district=self.district.text(), street=self.street.text())

    def prepare(self) -> Callable[[], Any]:
        session, new = self.session, self.new_customer()
        return lambda: create_customer(session, new)

    def working_label(self) -> str:
        return _("Creating the customer…")
