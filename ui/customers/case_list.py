"""A list of service cases with Move to… and Reassign…: the Cases tab of a customer page and
the Cases section both show one (with the customer's name, the number in its tooltip, so that
the summary keeps the room). An overdue case says so in its due-date cell, in red; the rest of
the row stays as it is."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.customers.model import CaseKind, CaseRecord, CaseStatus
from app.i18n import _
from app.security import Permission, Session
from ui.customers.case_dialogs import MoveCaseDialog, ReassignDialog, next_states
from ui.customers.common import (
    MUTED,
    OVERDUE,
    fill_table,
    read_only_table,
    selected_row,
)
from ui.lifetime import delete_on_close
from ui.staff import names_for


def case_kind_label(value: str) -> str:
    try:
        return CaseKind(value).label
    except ValueError:
        return value


def case_status_label(value: str) -> str:
    try:
        return CaseStatus(value).label
    except ValueError:
        return value


def due_text(case: CaseRecord) -> str:
    return _("{date} — overdue").format(date=case.due_date) if case.overdue else case.due_date


class CaseList(QWidget):
    """Cases in a table; `changed(sentence)` after a move or reassignment, `chosen(case)` on
    Enter or double-click."""

    changed = Signal(str)
    chosen = Signal(object)

    def __init__(self, session: Session, with_customer: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.with_customer = with_customer
        self.cases: list[CaseRecord] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons = QHBoxLayout()
        self.move_button = QPushButton(_("Move to…"))
        self.reassign_button = QPushButton(_("Reassign…"))
        self.move_button.clicked.connect(self.move)
        self.reassign_button.clicked.connect(self.reassign)
        editor = session.can(Permission.CUSTOMER_EDIT)
        for button in (self.move_button, self.reassign_button):
            button.setVisible(editor)
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        headers = [_("Case no."), _("Kind"), _("Status"), _("Summary"), _("Assignee"),
                   _("Due date")]
        if with_customer:
            headers[1:1] = [_("Customer")]
        self.table = read_only_table(headers, stretch=4 if with_customer else 3)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def show_cases(self, cases: Sequence[CaseRecord], keep: str | None = None) -> None:
        keep = keep or (self.selected().case_no if self.selected() else None)
        self.cases = list(cases)
        rows = []
        handler = names_for(self.session)
        for case in self.cases:
            cells = [case.case_no, case_kind_label(case.kind), case_status_label(case.status),
                     case.summary, handler(case.assignee), due_text(case)]
            if self.with_customer:
                cells[1:1] = [case.customer_name]
            rows.append(cells)
        finished = (CaseStatus.CLOSED.value, CaseStatus.RESOLVED.value)
        fill_table(self.table, rows,
                   colours=[MUTED if c.status in finished else None for c in self.cases])
        due_column = self.table.columnCount() - 1
        for row, case in enumerate(self.cases):
            if case.overdue:  # marked in its due-date cell only, not the whole row
                item = self.table.item(row, due_column)
                item.setForeground(OVERDUE)
                item.setToolTip(_("Overdue: the due date has passed."))
            if self.with_customer:
                self.table.item(row, 1).setToolTip(case.customer_no)
            if case.case_no == keep:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> CaseRecord | None:
        row = selected_row(self.table)
        return self.cases[row] if row is not None and row < len(self.cases) else None

    def _update_buttons(self) -> None:
        case = self.selected()
        self.move_button.setEnabled(case is not None and bool(next_states(case)))
        self.reassign_button.setEnabled(case is not None
                                        and case.status != CaseStatus.CLOSED.value)

    def _activated(self) -> None:
        case = self.selected()
        if case is not None:
            self.chosen.emit(case)

    def move(self) -> None:
        case = self.selected()
        if case is not None and next_states(case):
            dialog = MoveCaseDialog(self.session, case, self)
            dialog.accepted.connect(lambda: self.changed.emit(
                _("Case {number} was moved to {status}.").format(
                    number=case.case_no,
                    status=case_status_label(dialog.target.currentData() or ""))))
            delete_on_close(dialog)
            dialog.open()

    def reassign(self) -> None:
        case = self.selected()
        if case is not None:
            dialog = ReassignDialog(self.session, case, self)
            dialog.accepted.connect(lambda: self.changed.emit(
                _("Case {number} was assigned to {user}.").format(
                    number=case.case_no, user=dialog.assignee.currentText().strip())))
            delete_on_close(dialog)
            dialog.open()
