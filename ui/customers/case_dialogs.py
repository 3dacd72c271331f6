"""The case dialogs: open a case, move it to its next status, give it to someone else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.customers.cases import (
    TRANSITIONS,
    case_assignees,
    move_case,
    open_case,
    reassign_case,
)
from app.customers.model import (
    CASE_DUE_DAYS,
    CaseKind,
    CaseRecord,
    CaseStatus,
    Channel,
    ServiceRecord,
    ServiceStatus,
)
from app.i18n import _
from app.security import Session
from ui.customers.common import FieldFormDialog, date_field, iso
from ui.dialogs import hint_label
from ui.staff import StaffPicker, names_for


def enum_combo(members: Sequence[Any], current: Any = None) -> QComboBox:
    combo = QComboBox()
    for member in members:
        combo.addItem(member.label, member.value)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(getattr(current, "value", current)), 0))
    return combo


def text_box(text: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(90)
    return box


def assignee_field(session: Session, current: str) -> StaffPicker:
    """Counter staff and managers by name; the case is given to the login behind it."""
    return StaffPicker(case_assignees(session), current,
                       _("Name or username of a counter clerk or manager"))


class NewCaseDialog(FieldFormDialog):
    def __init__(self, session: Session, customer_no: str, services: Sequence[ServiceRecord],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New case for {number}").format(number=customer_no), parent,
                         ok_text=_("Open case"))
        self.session, self.customer_no = session, customer_no
        self.kind = enum_combo(list(CaseKind))
        self.channel = enum_combo(list(Channel))
        self.service = QComboBox()
        self.service.addItem(_("(no particular service)"), "")
        for service in services:
            if service.status != ServiceStatus.ENDED:
                self.service.addItem(service.display_no, service.service_no)
        self.summary = QLineEdit()
        self.summary.setPlaceholderText(_("One line: what the customer asks or reports"))
        self.details = text_box()
        self.assignee = assignee_field(session, session.username)
        self.due = date_field(self._default_due())
        self.due_touched = False
        self.form.addRow(_("Kind:"), self.kind)
        self.form.addRow(_("Channel:"), self.channel)
        self.form.addRow(_("Service (optional):"), self.service)
        self.form.addRow(_("Summary:"), self.summary)
        self.form.addRow(_("Details (optional):"), self.details)
        self.form.addRow(_("Assignee:"), self.assignee)
        self.form.addRow(_("Due date:"), self.due)
        self.due_hint = hint_label("")
        self.form.addRow(self.due_hint)
        self.fields = {"kind": self.kind, "channel": self.channel, "service_no": self.service,
                       "summary": self.summary, "details": self.details,
                       "assignee": self.assignee, "due_date": self.due}
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.due.userDateChanged.connect(self._due_edited)
        self._kind_changed()
        self.setMinimumWidth(540)

    def _default_due(self) -> date:
        kind = CaseKind(self.kind.currentData()) if hasattr(self, "kind") else CaseKind.SERVICE
        return date.today() + timedelta(days=CASE_DUE_DAYS[kind])

    def _kind_changed(self) -> None:
        kind = CaseKind(self.kind.currentData())
        self.due_hint.setText(_("{kind}: due within {days} days.").format(
            kind=kind.label, days=CASE_DUE_DAYS[kind]))
        if not self.due_touched:
            due = self._default_due()
            self.due.blockSignals(True)
            self.due.setDate(QDate(due.year, due.month, due.day))
            self.due.blockSignals(False)

    def _due_edited(self, _day: QDate) -> None:
        self.due_touched = True

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.customer_no
        kind, channel = self.kind.currentData(), self.channel.currentData()
        summary, details = self.summary.text(), self.details.toPlainText()
        service_no = self.service.currentData() or None
        assignee, due = self.assignee.login(), iso(self.due)
        return lambda: open_case(session, number, kind, channel, summary, details, service_no,
                                 assignee, due)


def next_states(case: CaseRecord) -> list[CaseStatus]:
    """Where a case may go from its current status (the choices offered; app/ decides)."""
    try:
        current = CaseStatus(case.status)
    except ValueError:
        return []
    return [target for target in CaseStatus if (current, target) in TRANSITIONS]


class MoveCaseDialog(FieldFormDialog):
    def __init__(self, session: Session, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Move case {number}").format(number=case.case_no), parent,
                         ok_text=_("Move"))
        self.session, self.case = session, case
        self.set_intro(_("{summary} — now {status}.").format(
            summary=case.summary, status=CaseStatus(case.status).label))
        self.target = enum_combo(next_states(case))
        self.resolution = text_box(case.resolution or "")
        self.satisfaction = QComboBox()
        self.satisfaction.addItem(_("Not asked"), None)
        for score in range(5, 0, -1):
            self.satisfaction.addItem(_("{score} of 5").format(score=score), score)
        self.note = QLineEdit()
        self.form.addRow(_("Move to:"), self.target)
        self.form.addRow(_("Resolution:"), self.resolution)
        self.form.addRow(_("Customer satisfaction:"), self.satisfaction)
        self.form.addRow(_("Note (optional):"), self.note)
        self.form.addRow(hint_label(_("Resolving needs the resolution; satisfaction is "
                                      "recorded when resolving or closing.")))
        self.fields = {"to_status": self.target, "resolution": self.resolution,
                       "satisfaction": self.satisfaction, "note": self.note}
        self.target.currentIndexChanged.connect(self._target_changed)
        self._target_changed()

    def _target_changed(self) -> None:
        target = self.target.currentData()
        ending = target in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
        self.resolution.setEnabled(target == CaseStatus.RESOLVED.value)
        self.satisfaction.setEnabled(ending)

    def prepare(self) -> Callable[[], Any]:
        session, number, target = self.session, self.case.case_no, self.target.currentData()
        resolution = self.resolution.toPlainText() if self.resolution.isEnabled() else None
        score = self.satisfaction.currentData() if self.satisfaction.isEnabled() else None
        note, version = self.note.text(), self.case.version
        return lambda: move_case(session, number, target or "", resolution, score, note,
                                 expected_version=version)


class ReassignDialog(FieldFormDialog):
    def __init__(self, session: Session, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Reassign case {number}").format(number=case.case_no), parent,
                         ok_text=_("Reassign"))
        self.session, self.case = session, case
        self.set_intro(_("Now assigned to {user}.").format(
            user=names_for(session)(case.assignee) or "—"))
        self.assignee = assignee_field(session, "")
        self.form.addRow(_("New assignee:"), self.assignee)
        self.fields = {"assignee": self.assignee}

    def prepare(self) -> Callable[[], Any]:
        session, number, who = self.session, self.case.case_no, self.assignee.login()
        version = self.case.version
        return lambda: reassign_case(session, number, who, expected_version=version)
