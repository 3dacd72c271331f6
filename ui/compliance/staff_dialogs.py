"""The forms of the Staff tab: a signed confidentiality agreement, a training session with
its attendees, and the months after which training falls due again. The agreement's form
is also what the access and users screens offer when an account is refused for lack of
one (`AgreementOffer`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app import settings
from app.compliance import staff
from app.compliance.staff import AgreementMissing, StaffLine
from app.i18n import _
from app.security import Permission, Session
from ui.customers.common import date_field, iso
from ui.dialogs import FormDialog
from ui.lifetime import delete_on_close


def _person(line: StaffLine) -> str:
    return line.username if line.display_name == line.username else \
        f"{line.display_name} ({line.username})"


class AgreementDialog(FormDialog):
    """The day an account's person signed, and the signed file (its checksum is kept)."""

    def __init__(self, session: Session, lines: list[StaffLine], chosen: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record a confidentiality agreement"), parent, ok_text=_("Record"))
        self.session = session
        self.set_intro(_("An account that reads customer data is given access, or enabled "
                         "again, only with its signed confidentiality agreement on record. "
                         "Custos keeps the signed file's name and checksum; keep the paper "
                         "with the branch's staff files."))
        self.person = QComboBox()
        self.person.setObjectName("agreementPerson")
        for line in lines:
            self.person.addItem(_person(line), line.username)
        if chosen:
            self.person.setCurrentIndex(max(0, self.person.findData(chosen)))
        self.signed = date_field()
        self.file = QLineEdit()
        self.file.setObjectName("agreementFile")
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(choose)
        self.form.addRow(_("Person:"), self.person)
        self.form.addRow(_("Signed on:"), self.signed)
        self.form.addRow(_("Signed agreement:"), row)
        self.fields = {"signed": self.signed, "document": self.file}

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("The signed agreement"))
        if path:
            self.file.setText(path)

    def prepare(self) -> Callable[[], Any]:
        session, user = self.session, self.person.currentData()
        signed, path = iso(self.signed), self.file.text().strip()
        return lambda: staff.record_agreement(session, user, signed, path)


class TrainingDialog(FormDialog):
    """A training session: its day, its topic, and who attended (ticked)."""

    def __init__(self, session: Session, lines: list[StaffLine],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record a training session"), parent, ok_text=_("Record"))
        self.session = session
        self.day = date_field()
        self.topic = QLineEdit()
        self.topic.setPlaceholderText(_("e.g. Protecting customer data at the counter"))
        self.attendees = QListWidget()
        self.attendees.setObjectName("attendees")
        for line in lines:
            if line.disabled:
                continue
            item = QListWidgetItem(_person(line))
            item.setData(Qt.ItemDataRole.UserRole, line.username)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
        self.form.addRow(_("Held on:"), self.day)
        self.form.addRow(_("Topic:"), self.topic)
        self.form.addRow(_("Attended:"), self.attendees)
        self.fields = {"held_on": self.day, "topic": self.topic, "attendees": self.attendees}

    def tick(self, *usernames: str) -> None:
        for i in range(self.attendees.count()):
            item = self.attendees.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in usernames:
                item.setCheckState(Qt.CheckState.Checked)

    def chosen(self) -> list[str]:
        items = (self.attendees.item(i) for i in range(self.attendees.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def prepare(self) -> Callable[[], Any]:
        session, day, topic, people = self.session, iso(self.day), self.topic.text(), \
            self.chosen()
        return lambda: staff.record_training(session, day, topic, people)


class PeriodDialog(FormDialog):
    def __init__(self, session: Session, months: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Training period"), parent, ok_text=_("Save"))
        self.session = session
        self.months = QSpinBox()
        self.months.setRange(1, 36)
        self.months.setValue(months)
        self.months.setSuffix(" " + _("months"))
        self.form.addRow(_("Training falls due again after:"), self.months)
        self.fields = {"months": self.months}

    def prepare(self) -> Callable[[], Any]:
        session, months = self.session, self.months.value()
        return lambda: settings.set_training_months(session, months)


class AgreementOffer(QPushButton):
    """"Record agreement…", shown after an account was refused for lack of a signed
    agreement (and this session may record one): opens the form for that account."""

    def __init__(self, session: Session, after: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record agreement…"), parent)
        self.setObjectName("offerAgreement")
        self.session, self.after, self.user = session, after, ""
        self.dialog: AgreementDialog | None = None
        self.hide()
        self.clicked.connect(self.open_form)

    def arm(self, error: Exception) -> bool:
        """Shown when `error` is that refusal; whether it was."""
        if not isinstance(error, AgreementMissing) or \
                not self.session.can(Permission.STAFF_RECORDS):
            return False
        self.user = error.user
        self.show()
        return True

    def open_form(self) -> AgreementDialog:
        user = self.user
        dialog = AgreementDialog(self.session, staff.list_staff(self.session), user,
                                 self.window())
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: (self.hide(), self.after(user)))
        self.dialog = dialog
        dialog.open()
        return dialog
