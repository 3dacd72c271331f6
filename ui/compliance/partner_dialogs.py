"""The forms of the Partners tab: a partner and its agreement, a renewed agreement, a
supervision check, a disclosure, and a bulk export's approval asked for or decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.compliance import disclosures, export_approvals, partners
from app.compliance.partners import DATA_ITEMS, PartnerView
from app.i18n import _
from app.security import Session
from ui.customers.common import date_field, iso
from ui.dialogs import FormDialog


class ItemChoice(QWidget):
    """A tick box per data item."""

    def __init__(self, chosen=("name", "phone"), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (code, label) in enumerate(DATA_ITEMS.items()):
            box = QCheckBox(_(label))
            box.setObjectName(f"item-{code}")
            self.boxes[code] = box
            grid.addWidget(box, i // 4, i % 4)
        self.set(chosen)

    def set(self, chosen) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]


class AgreementFields:
    """The signed file (its checksum is kept), the dates and the confidentiality scope."""

    def __init__(self, dialog: FormDialog) -> None:
        self.file = QLineEdit()
        self.file.setObjectName("agreementFile")
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(lambda: self._choose(dialog))
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(choose)
        today = date.today()
        self.start = date_field(today)
        self.end = date_field(today.replace(year=today.year + 1))
        self.scope = QLineEdit()
        self.scope.setPlaceholderText(_("e.g. only the data the porting needs; kept secret "
                                        "for five years"))
        dialog.form.addRow(_("Signed agreement:"), row)
        dialog.form.addRow(_("In force from:"), self.start)
        dialog.form.addRow(_("Until:"), self.end)
        dialog.form.addRow(_("Confidentiality clause:"), self.scope)
        dialog.fields = {**dialog.fields, "agreement": self.file, "valid_from": self.start,
                         "valid_until": self.end, "scope": self.scope}

    def _choose(self, dialog: FormDialog) -> None:
        path, _filter = QFileDialog.getOpenFileName(dialog, _("The signed agreement"))
        if path:
            self.file.setText(path)

    def values(self) -> tuple[str, str, str, str]:
        return self.file.text().strip(), iso(self.start), iso(self.end), self.scope.text()


class AddPartnerDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Register a partner"), parent, ok_text=_("Register"))
        self.setMinimumWidth(640)  # the data items side by side
        self.session = session
        self.set_intro(_("A partner receives customer data only while its agreement, with "
                         "its confidentiality clause, is in force. Custos keeps the signed "
                         "file's checksum; keep the paper with the branch's agreements."))
        self.name = QLineEdit()
        self.purpose = QLineEdit()
        self.purpose_en = QLineEdit()
        self.items = ItemChoice()
        self.form.addRow(_("Name:"), self.name)
        self.form.addRow(_("Purpose (Chinese):"), self.purpose)
        self.form.addRow(_("Purpose (English):"), self.purpose_en)
        self.form.addRow(_("Data it receives:"), self.items)
        self.fields = {"name": self.name, "purpose": self.purpose,
                       "purpose_en": self.purpose_en, "items": self.items}
        self.agreement = AgreementFields(self)

    def prepare(self) -> Callable[[], Any]:
        session, name, purpose = self.session, self.name.text(), self.purpose.text()
        english, items = self.purpose_en.text(), self.items.value()
        path, start, end, scope = self.agreement.values()
        return lambda: partners.add_partner(session, name, purpose, path, start, end,
                                            purpose_en=english, scope=scope, items=items)


class AgreementDialog(FormDialog):
    def __init__(self, session: Session, partner: PartnerView,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New agreement with {name}").format(name=partner.name), parent,
                         ok_text=_("Record"))
        self.session, self.partner = session, partner.name
        self.agreement = AgreementFields(self)

    def prepare(self) -> Callable[[], Any]:
        session, name = self.session, self.partner
        path, start, end, scope = self.agreement.values()
        return lambda: partners.record_agreement(session, name, path, start, end, scope)


class CheckDialog(FormDialog):
    def __init__(self, session: Session, partner: PartnerView,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Supervision check of {name}").format(name=partner.name), parent,
                         ok_text=_("Record"))
        self.session, self.partner = session, partner.name
        self.day = date_field()
        self.finding = QLineEdit()
        self.form.addRow(_("Checked on:"), self.day)
        self.form.addRow(_("Finding:"), self.finding)
        self.fields = {"checked_on": self.day, "finding": self.finding}

    def prepare(self) -> Callable[[], Any]:
        session, name, finding, day = self.session, self.partner, self.finding.text(), \
            iso(self.day)
        return lambda: partners.record_check(session, name, finding, day)


class DiscloseDialog(FormDialog):
    def __init__(self, session: Session, known: list[PartnerView],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record a disclosure"), parent, ok_text=_("Record"))
        self.setMinimumWidth(640)
        self.session = session
        self.set_intro(_("Refused unless the partner's agreement is in force and the "
                         "customer has consented to sharing with partners, or you record "
                         "the legal basis that allows it."))
        self.known = [p for p in known if p.in_force]
        self.customer = QLineEdit()
        self.customer.setPlaceholderText("C000000001")
        self.partner = QComboBox()
        self.partner.addItems([p.name for p in self.known])
        self.items = ItemChoice(self.known[0].items if self.known else ())
        self.partner.currentIndexChanged.connect(
            lambda i: self.items.set(self.known[i].items) if 0 <= i < len(self.known) else None)
        self.purpose = QLineEdit()
        self.basis = QLineEdit()
        self.basis.setPlaceholderText(_("only without the customer's consent"))
        self.form.addRow(_("Customer number:"), self.customer)
        self.form.addRow(_("Partner:"), self.partner)
        self.form.addRow(_("Data disclosed:"), self.items)
        self.form.addRow(_("Why:"), self.purpose)
        self.form.addRow(_("Legal basis:"), self.basis)
        self.fields = {"customer_no": self.customer, "purpose": self.purpose,
                       "legal_basis": self.basis, "items": self.items}

    def prepare(self) -> Callable[[], Any]:
        session, number, name = self.session, self.customer.text(), self.partner.currentText()
        purpose, basis, items = self.purpose.text(), self.basis.text(), self.items.value()
        return lambda: disclosures.disclose(session, number, name, purpose,
                                            legal_basis=basis, items=items)


class RequestExportDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Ask for an export's approval"), parent, ok_text=_("Ask"))
        self.session = session
        self.set_intro(_("Another manager approves it; the approval lets you write one file "
                         "within {days} days.").format(days=export_approvals.VALID_DAYS))
        self.kind = QComboBox()
        for code, label in export_approvals.KINDS.items():
            self.kind.addItem(_(label), code)
        self.rows = QSpinBox()
        self.rows.setRange(0, 10_000_000)
        self.rows.setGroupSeparatorShown(True)
        self.reason = QLineEdit()
        self.form.addRow(_("What:"), self.kind)
        self.form.addRow(_("Rows (about):"), self.rows)
        self.form.addRow(_("Why:"), self.reason)
        self.fields = {"kind": self.kind, "rows": self.rows, "reason": self.reason}

    def prepare(self) -> Callable[[], Any]:
        session, kind, rows = self.session, self.kind.currentData(), self.rows.value()
        reason = self.reason.text()
        return lambda: export_approvals.request_export(session, kind, reason, rows=rows)


class DecideExportDialog(FormDialog):
    def __init__(self, session: Session, number: int, approve: bool,
                 parent: QWidget | None = None) -> None:
        title = _("Approve export {number}") if approve else _("Decline export {number}")
        super().__init__(title.format(number=number), parent,
                         ok_text=_("Approve") if approve else _("Decline"))
        self.session, self.number, self.approve = session, number, approve
        self.note = QLineEdit()
        self.form.addRow(_("Note:") if approve else _("Why not:"), self.note)
        self.fields = {"note": self.note}

    def prepare(self) -> Callable[[], Any]:
        session, number, note = self.session, self.number, self.note.text()
        if self.approve:
            return lambda: export_approvals.approve_export(session, number, note)
        return lambda: export_approvals.decline_export(session, number, note)


class LimitDialog(FormDialog):
    def __init__(self, session: Session, current: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Size that needs approval"), parent, ok_text=_("Save"))
        self.session = session
        self.rows = QSpinBox()
        self.rows.setRange(1, 1_000_000)
        self.rows.setValue(current)
        self.form.addRow(_("Exports of more rows than:"), self.rows)
        self.fields = {"rows": self.rows}

    def prepare(self) -> Callable[[], Any]:
        session, rows = self.session, self.rows.value()
        return lambda: export_approvals.set_export_limit(session, rows)
