"""Erasure: the plan (what goes, what the law keeps and until when), then the confirmation.

Nothing happens when the plan is shown. The erasure itself needs a manager to type the
customer number; app/ refuses it while a legal hold or an open dispute exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.rights.erasure import ErasurePlan, PlanItem, erase_customer
from app.rights.model import RightsRequest
from app.security import Session
from ui.dialogs import FormDialog, hint_label
from ui.rights.common import text_box


def _table(headers: list[str], rows: list[tuple[str, ...]],
           wide: tuple[int, ...] = (0,)) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in wide:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    for row, cells in enumerate(rows):
        for col, text in enumerate(cells):
            table.setItem(row, col, QTableWidgetItem(text))
    table.resizeRowsToContents()
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows)))
    table.setMinimumHeight(height + 4)
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; margin-top: 6px;")
    return label


class PlanView(QWidget):
    """The two lists of a plan and, if erasure cannot happen now, the reason in red."""

    def __init__(self, plan: ErasurePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.blocked = QLabel(plan.blocked or "")
        self.blocked.setObjectName("error")
        self.blocked.setWordWrap(True)
        self.blocked.setVisible(bool(plan.blocked))
        layout.addWidget(self.blocked)
        layout.addWidget(_heading(_("Will be erased")))
        self.erase = _table([_("What"), _("Count")],
                            [(_(item.what), str(item.count)) for item in plan.erase])
        layout.addWidget(self.erase)
        layout.addWidget(_heading(_("Must be kept by law")))
        self.keep = _table([_("What"), _("Count"), _("Rule"), _("May be deleted on")],
                           [self._kept(item) for item in plan.keep], wide=(0, 2))
        layout.addWidget(self.keep)

    @staticmethod
    def _kept(item: PlanItem) -> tuple[str, ...]:
        return (_(item.what), str(item.count), _(item.rule) if item.rule else "",
                item.until or _("while the rule applies"))


class ErasurePlanDialog(QDialog):
    def __init__(self, plan: ErasurePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erasure plan for customer {number}")
                            .format(number=plan.customer_no))
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(_("Nothing has been erased. This is what happens when a "
                                      "manager confirms the erasure; it cannot be undone.")))
        self.view = PlanView(plan)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class EraseDialog(FormDialog):
    def __init__(self, session: Session, request: RightsRequest, plan: ErasurePlan,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Erase customer {number}").format(number=plan.customer_no), parent,
                         ok_text=_("Erase irreversibly"))
        self.session, self.request, self.plan = session, request, plan
        self.setMinimumWidth(820)
        self.set_intro(_("The identity is replaced, the text of cases erased and paper files "
                         "flagged for destruction. Billing is kept under the customer number "
                         "until its retention ends. This cannot be undone."))
        # Red: the one step in Custos with no way back.
        self.intro.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.form.addRow(PlanView(plan))
        self.typed = QLineEdit()
        self.form.addRow(_("Type the customer number {number} to confirm:")
                         .format(number=plan.customer_no), self.typed)
        self.late_reason = text_box(2)
        if request.overdue:
            self.form.addRow(_("Reason for the delay:"), self.late_reason)

    def working_label(self) -> str:
        return _("Erasing…")

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.request.request_no
        confirmed = self.typed.text().strip().upper() == self.plan.customer_no
        late = self.late_reason.toPlainText()
        return lambda: erase_customer(session, number, confirmed, late)
