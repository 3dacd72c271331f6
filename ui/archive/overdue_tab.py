"""Overdue: loans out past their due date, the longest overdue first, with how far each has
been escalated. Listing them brings the reminders and manager alerts up to the rule that
app/ states (archive.model.escalation_due), so the column and the hint always agree."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.archive.loan_history import overdue
from app.archive.model import FileKind, Loan, escalation_label, escalation_rule
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    RED,
    borrower_text,
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    status_label,
)
from ui.dialogs import hint_label
from ui.sections.common import set_status
from ui.staff import names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

DAYS_COLUMN = 4


class OverdueTab(QWidget):
    return_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.loans: list[Loan] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(hint_label(escalation_rule()))
        # Who has the file comes right after it; the kind of file last, the stretched
        # column, which shortens its text ("SIM registration…") when the window is narrow
        # instead of pushing a column out of sight. The lending date and renewals are on
        # the Return tab: with them the columns were wider than the window (1200 px).
        self.table = data_table([_("File number"), _("Borrower"), _("Customer number"),
                                 _("Due date"), _("Days overdue"), _("Escalation"),
                                 _("Kind")])
        self.table.doubleClicked.connect(lambda _index: self._take_back())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(_("Take back…"))
        self.back_button.clicked.connect(self._take_back)
        self.back_button.setVisible(session.can(Permission.FILE_MANAGE))
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.status = status_label()
        layout.addWidget(self.status)

    def refresh(self) -> None:
        session = self.session
        run_in_background(self, lambda _p: overdue(session), self._show, say(self.status))

    def _show(self, loans: list[Loan]) -> None:
        self.loans = loans
        person = names_for(self.session)
        fill_table(self.table, [[x.file_no, borrower_text(x, person), x.customer_no,
                                 x.due_date, str(x.days_overdue),
                                 escalation_label(x.escalation),
                                 label_of(FileKind, x.file_kind)]
                                for x in loans])
        for row in range(len(loans)):  # red, not bold: marked without shouting
            self.table.item(row, DAYS_COLUMN).setForeground(RED)
        if loans:
            self.status.hide()
        else:
            set_status(self.status, _("No loan is overdue."), ok=True)

    def _take_back(self) -> None:
        row = selected_row(self.table)
        if row is not None and row < len(self.loans) and self.session.can(
                Permission.FILE_MANAGE):
            self.return_requested.emit(self.loans[row].file_no)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()
