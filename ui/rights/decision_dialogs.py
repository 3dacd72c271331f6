"""The forms of a request's steps: complete, refuse, extend, restrict, prepare an access copy,
withdraw consents, and the one-time display of a PDF password.

Each OK runs one app/ call on the worker; the app's refusal comes back as one sentence and
the form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.customers.model import ConsentPurpose
from app.errors import ValidationError
from app.i18n import _
from app.rights.answers import (
    apply_objection,
    apply_restriction,
    prepare_access_copy,
    prepare_portability,
)
from app.rights.model import RightsRequest
from app.rights.profiling import answer_profiling_objection
from app.rights.requests import MAX_EXTENSION_DAYS, complete, extend, refuse
from app.security import Session
from ui.dialogs import FormDialog, hint_label
from ui.rights.common import language_combo, text_box

WITHDRAWABLE = (ConsentPurpose.MARKETING, ConsentPurpose.PARTNER_SHARING,
                ConsentPurpose.ANALYTICS)


class _RequestForm(FormDialog):
    """A form about one request; asks the reason for the delay when it is overdue."""

    def __init__(self, title: str, session: Session, request: RightsRequest,
                 parent: QWidget | None, ok_text: str | None = None) -> None:
        super().__init__(title.format(number=request.request_no), parent, ok_text=ok_text)
        self.session, self.request = session, request
        self.late_reason = text_box(2)

    def add_late_reason(self) -> None:
        if self.request.overdue:
            self.form.addRow(hint_label(_("This request is past its due date ({date}); the "
                                          "reason for the delay is kept on record.")
                                        .format(date=self.request.due_date)))
            self.form.addRow(_("Reason for the delay:"), self.late_reason)


class CompleteDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Complete request {number}"), session, request, parent,
                         ok_text=_("Complete"))
        self.set_intro(_("Completing closes the request. Custos checks that its answer was "
                         "given (copy released, data corrected, consent withdrawn...)."))
        self.outcome = text_box(3)
        self.form.addRow(_("Outcome:"), self.outcome)
        self.add_late_reason()

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        outcome, late = self.outcome.toPlainText(), self.late_reason.toPlainText()
        version = self.request.version  # a decision on a stale copy is refused
        return lambda: complete(session, number, outcome, late, expected_version=version)


class RefuseDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Refuse request {number}"), session, request, parent,
                         ok_text=_("Refuse request"))
        self.set_intro(_("The customer is told the reason for the refusal and that they have "
                         "the right to complain to the telecom regulator about it."))
        self.reason = text_box(4)
        self.form.addRow(_("Reason for the refusal:"), self.reason)
        self.add_late_reason()

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        reason, late = self.reason.toPlainText(), self.late_reason.toPlainText()
        version = self.request.version
        return lambda: refuse(session, number, reason, late, expected_version=version)


class ExtendDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Extend request {number}"), session, request, parent,
                         ok_text=_("Extend"))
        self.set_intro(_("A request can be extended once, with its reason, and the customer "
                         "must be told. It is now due on {date}.").format(date=request.due_date))
        self.days = QSpinBox()
        self.days.setRange(1, MAX_EXTENSION_DAYS)
        self.days.setValue(min(30, MAX_EXTENSION_DAYS))
        self.reason = text_box(3)
        self.told = QCheckBox(_("The customer has been told of the extension and its reason"))
        days = QHBoxLayout()
        days.addWidget(self.days)
        days.addWidget(QLabel(_("days")))
        days.addStretch(1)
        self.form.addRow(_("Extend by:"), days)
        self.form.addRow(_("Reason:"), self.reason)
        self.form.addRow("", self.told)

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        days, reason, told = self.days.value(), self.reason.toPlainText(), self.told.isChecked()
        version = self.request.version
        return lambda: extend(session, number, days, reason, told, expected_version=version)


class RestrictDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Restrict processing for request {number}"), session, request,
                         parent, ok_text=_("Restrict processing"))
        self.set_intro(_("The record of {customer} becomes read-only and leaves every marketing "
                         "and analytics export until a manager lifts the restriction.")
                       .format(customer=request.customer_no))
        self.reason = text_box(3)
        self.form.addRow(_("Reason:"), self.reason)

    def prepare(self) -> Callable[[], Any]:
        session, number, reason = self.session, self.request.request_no, self.reason.toPlainText()
        return lambda: apply_restriction(session, number, reason)


class WithdrawDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Withdraw consents for request {number}"), session, request,
                         parent, ok_text=_("Withdraw now"))
        self.set_intro(_("The chosen consents are withdrawn at once. The withdrawal is added "
                         "to the consent history; the original consent stays on record."))
        self.boxes: dict[str, QCheckBox] = {}
        for purpose in WITHDRAWABLE:
            box = QCheckBox(purpose.label)
            box.setChecked(True)
            self.boxes[purpose.value] = box
            self.form.addRow("", box)

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        chosen = tuple(p for p, box in self.boxes.items() if box.isChecked())
        if not chosen:
            # An empty choice means "the default set" to app/: never send it from here.
            raise ValidationError(_("Choose at least one consent to withdraw."))
        return lambda: apply_objection(session, number, chosen)


class AccessCopyDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Prepare the access copy for request {number}"), session, request,
                         parent, ok_text=_("Prepare"))
        self.set_intro(_("A PDF of everything held about {customer}, by category, with how "
                         "the data is used and the customer's rights. A manager releases it.")
                       .format(customer=request.customer_no))
        self.language = language_combo(request.language)
        self.protect = QCheckBox(_("Protect with a password"))
        self.form.addRow(_("Language:"), self.language)
        self.form.addRow("", self.protect)
        self.form.addRow(hint_label(_("The password is shown once; hand it to the customer "
                                      "separately from the copy.")))

    def working_label(self) -> str:
        return _("Preparing the access copy…")

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        language, protect = self.language.currentData(), self.protect.isChecked()
        return lambda: prepare_access_copy(session, number, language, protect)


class PortableCopyDialog(_RequestForm):
    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Prepare the portable data for request {number}"), session,
                         request, parent, ok_text=_("Prepare"))
        self.set_intro(_("A ZIP with the data of {customer} as JSON and as a spreadsheet, "
                         "to take to another provider. A manager releases it.")
                       .format(customer=request.customer_no))
        self.protect = QCheckBox(_("Protect with a password"))
        self.form.addRow("", self.protect)
        self.form.addRow(hint_label(_("AES-256 encryption: the file opens with 7-Zip, WinRAR "
                                      "or Windows 11's Explorer and the password, shown once; "
                                      "hand it to the customer separately from the file.")))

    def working_label(self) -> str:
        return _("Preparing the portable data…")

    def prepare(self) -> Callable[[], Any]:
        session, number, protect = self.session, self.request.request_no, \
            self.protect.isChecked()
        return lambda: prepare_portability(session, number, protect)


class ProfilingReviewDialog(_RequestForm):
    """A manager's own review of an objection to automated decisions and profiling."""

    def __init__(self, session: Session, request: RightsRequest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Review the objection of request {number}"), session, request,
                         parent, ok_text=_("Record the review and answer"))
        self.set_intro(_("Custos takes no automated decision about customers. Check what "
                         "the customer objects to, note what you found, and give them the "
                         "answer letter. Their analytics consent is withdrawn at once."))
        self.note = text_box(3)
        self.language = language_combo(request.language)
        self.form.addRow(_("Your review:"), self.note)
        self.form.addRow(_("Language:"), self.language)

    def working_label(self) -> str:
        return _("Preparing the answer…")

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        note, language = self.note.toPlainText(), self.language.currentData()
        return lambda: answer_profiling_objection(session, number, note, language)


class PasswordOnceDialog(QDialog):
    """The copy's password (PDF or ZIP), shown this once: Custos keeps no copy of it."""

    def __init__(self, password: str, parent: QWidget | None = None,
                 title: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Password of the access copy"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(_("The copy opens only with this password. Write it down "
                                      "and hand it to the customer separately from the copy "
                                      "(not in the same envelope or message). It is shown only "
                                      "this once.")))
        self.code = QLabel(password)
        self.code.setObjectName("recoveryCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("I have noted it"))
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def done(self, result: int) -> None:
        self.code.clear()
        super().done(result)
