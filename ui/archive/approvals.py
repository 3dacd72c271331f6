"""Approvals (managers): loans of sensitive files or to outside borrowers, transfers, and
proposed destruction batches wait here for Approve or Refuse (a refusal says why)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.accounts.names import StaffNames
from app.archive.destruction import approve_destruction, batches, reject_destruction
from app.archive.loan_history import pending_approvals
from app.archive.loans import approve_loan, refuse_loan
from app.archive.model import Batch, BatchStatus, FileKind, Loan, Transfer
from app.archive.transfers import approve_transfer, pending_transfers, refuse_transfer
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    borrower_name,
    borrower_text,
    by_on,
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    status_label,
)
from ui.archive.destruction_tab import batch_headers, batch_rows
from ui.archive.dialogs import NoteDialog
from ui.archive.transfers_tab import transfer_headers, transfer_rows
from ui.lifetime import delete_on_close
from ui.sections.common import section_title, set_status
from ui.staff import names_for
from ui.worker import run_in_background


def loan_headers() -> list[str]:
    return [_("Loan"), _("File number"), _("Kind"), _("Customer number"), _("Borrower"),
            _("Due date"), _("Requested by"), _("Purpose")]


def loan_rows(loans: list[Loan], person: StaffNames) -> list[list[str]]:
    return [[str(x.id), x.file_no, label_of(FileKind, x.file_kind), x.customer_no,
             borrower_text(x, person), x.due_date,
             by_on(x.requested_by, x.requested_at, person), x.purpose] for x in loans]


class Queue(QGroupBox):
    """One list of things waiting, with Approve and Refuse for the selected one."""

    def __init__(self, title: str, headers: list[str]) -> None:
        super().__init__(title)
        self.base_title = title
        self.items: list[Any] = []
        column = QVBoxLayout(self)
        self.table: QTableWidget = data_table(headers)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton(_("Approve…"))
        self.refuse_button = QPushButton(_("Refuse…"))
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self._update_buttons()

    def show_items(self, items: list[Any], rows: list[list[str]]) -> None:
        self.items = items
        fill_table(self.table, rows)
        self.setTitle(_("{title} ({count})").format(title=self.base_title, count=len(items)))
        self._update_buttons()

    def chosen(self) -> Any | None:
        row = selected_row(self.table)
        return self.items[row] if row is not None and row < len(self.items) else None

    def _update_buttons(self) -> None:
        self.approve_button.setEnabled(self.chosen() is not None)
        self.refuse_button.setEnabled(self.chosen() is not None)


class ApprovalsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        top = QHBoxLayout()
        top.addWidget(section_title(_("Archive approvals")))
        top.addStretch(1)
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.loans = Queue(_("Loans"), loan_headers())
        self.transfers = Queue(_("Transfers"), transfer_headers())
        self.batches = Queue(_("Destruction batches"), batch_headers())
        for queue in (self.loans, self.transfers, self.batches):
            layout.addWidget(queue, 1)
        self.status = status_label()
        layout.addWidget(self.status)
        self._wire()

    def _wire(self) -> None:
        s = self.session
        self.loans.approve_button.clicked.connect(lambda: self._decide(
            self.loans, True, lambda x: _("Approve loan {number}").format(number=x.id),
            lambda x: _("File {file} goes to {borrower} for: {purpose}").format(
                file=x.file_no, borrower=borrower_name(x, names_for(s)), purpose=x.purpose),
            lambda x: (lambda note: approve_loan(s, x.id, note)),
            lambda x: _("Loan {number} was approved; the archive can hand the file over.")
            .format(number=x.id)))
        self.loans.refuse_button.clicked.connect(lambda: self._decide(
            self.loans, False, lambda x: _("Refuse loan {number}").format(number=x.id),
            lambda x: _("File {file} does not go to {borrower}.").format(
                file=x.file_no, borrower=borrower_name(x, names_for(s))),
            lambda x: (lambda note: refuse_loan(s, x.id, note)),
            lambda x: _("Loan {number} was refused.").format(number=x.id)))
        self.transfers.approve_button.clicked.connect(lambda: self._decide(
            self.transfers, True, lambda t: _("Approve transfer {number}").format(number=t.id),
            lambda t: _("File {file} goes to {unit} ({receiver}): {reason}").format(
                file=t.file_no, unit=t.to_unit, receiver=t.receiver, reason=t.reason),
            lambda t: (lambda note: approve_transfer(s, t.id, note)),
            lambda t: _("Transfer {number} was approved.").format(number=t.id)))
        self.transfers.refuse_button.clicked.connect(lambda: self._decide(
            self.transfers, False, lambda t: _("Refuse transfer {number}").format(number=t.id),
            lambda t: _("File {file} stays in the archive.").format(file=t.file_no),
            lambda t: (lambda note: refuse_transfer(s, t.id, note)),
            lambda t: _("Transfer {number} was refused.").format(number=t.id)))
        self.batches.approve_button.clicked.connect(lambda: self._decide(
            self.batches, True, lambda b: _("Approve destruction batch {batch}").format(
                batch=b.batch_no),
            lambda b: _("These files will be destroyed: {files}").format(
                files=", ".join(b.file_nos)),
            lambda b: (lambda note: approve_destruction(s, b.batch_no, note)),
            lambda b: _("Batch {batch} was approved; the archive records the destruction.")
            .format(batch=b.batch_no)))
        self.batches.refuse_button.clicked.connect(lambda: self._decide(
            self.batches, False, lambda b: _("Reject destruction batch {batch}").format(
                batch=b.batch_no),
            lambda b: _("The files stay in the archive and may be proposed again."),
            lambda b: (lambda note: reject_destruction(s, b.batch_no, note)),
            lambda b: _("Batch {batch} was rejected.").format(batch=b.batch_no)))

    def _decide(self, queue: Queue, approve: bool, title: Callable[[Any], str],
                intro: Callable[[Any], str], call: Callable[[Any], Callable[[str], Any]],
                done: Callable[[Any], str]) -> None:
        item = queue.chosen()
        if item is None:
            return
        dialog = NoteDialog(title(item), intro(item),
                            _("Approve") if approve else _("Refuse"),
                            _("Note (optional):") if approve else _("Why:"), call(item), self)
        delete_on_close(dialog)
        sentence = done(item)
        dialog.accepted.connect(lambda: (set_status(self.status, sentence, ok=True),
                                         self.refresh()))
        dialog.open()

    def refresh(self) -> None:
        session = self.session

        def load() -> tuple[list[Loan], list[Transfer], list[Batch]]:
            proposed = (batches(session, BatchStatus.PROPOSED.value)
                        if session.can(Permission.DESTRUCTION_APPROVE) else [])
            return pending_approvals(session), pending_transfers(session), proposed

        run_in_background(self, lambda _p: load(), self._show, say(self.status))

    def _show(self, found: tuple[list[Loan], list[Transfer], list[Batch]]) -> None:
        loans, transfers, proposed = found
        person = names_for(self.session)
        self.loans.show_items(loans, loan_rows(loans, person))
        self.transfers.show_items(transfers, transfer_rows(transfers, person))
        self.batches.show_items(proposed, batch_rows(proposed, person))

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()
