"""Destruction: the files whose retention has passed (tick them, propose a batch), the
batches and their state, recording an approved batch's destruction, and its record (PDF)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.accounts.names import StaffNames
from app.archive.destruction import batches, due_for_destruction, propose_destruction
from app.archive.model import Batch, BatchStatus, DestructionMethod, FileKind, PaperFile
from app.archive.printouts import destruction_record_pdf
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    NO_VALUE,
    by_on,
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    show_pdf,
    status_label,
)
from ui.archive.dialogs import RecordDestructionDialog
from ui.dialogs import ask, hint_label
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.staff import names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background


def batch_rows(found: list[Batch], person: StaffNames) -> list[list[str]]:
    rows = []
    for b in found:
        decided = by_on(b.decided_by, b.decided_at, person)
        done = NO_VALUE
        if b.destroyed_on:
            done = f"{b.destroyed_on} · {label_of(DestructionMethod, b.method)}"
        rows.append([b.batch_no, label_of(BatchStatus, b.status), str(len(b.file_nos)),
                     by_on(b.proposed_by, b.proposed_at, person), decided, done,
                     ", ".join(b.file_nos)])
    return rows


def batch_headers() -> list[str]:
    return [_("Batch"), _("Status"), _("Files"), _("Proposed by"), _("Decided by"), _("Destroyed"),
            _("File numbers")]


class DestructionTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.due: list[PaperFile] = []
        self.batches: list[Batch] = []
        self.proposer = session.can(Permission.DESTRUCTION_PROPOSE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        split = QSplitter(Qt.Orientation.Vertical)

        due_box = QGroupBox(_("Due for destruction (kept-until date passed; not on loan, on "
                              "legal hold or in a batch)"))
        column = QVBoxLayout(due_box)
        self.table = data_table([_("File number"), _("Kind"), _("Customer"), _("Box"),
                                 _("Date received"), _("Kept until")])
        self.table.itemChanged.connect(lambda _item: self._update_buttons())
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.all_button = QPushButton(_("Select all"))
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button = QPushButton(_("Select none"))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.propose_button = QPushButton()
        self.propose_button.clicked.connect(self.propose)
        for button in (self.all_button, self.none_button):
            button.setVisible(self.proposer)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.propose_button.setVisible(self.proposer)
        buttons.addWidget(self.propose_button)
        column.addLayout(buttons)
        split.addWidget(due_box)

        batch_box = QGroupBox(_("Destruction batches"))
        column = QVBoxLayout(batch_box)
        self.batch_table = data_table(batch_headers())
        self.batch_table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.batch_table, 1)
        buttons = QHBoxLayout()
        self.record_button = QPushButton(_("Record destruction…"))
        self.record_button.clicked.connect(self._record)
        self.print_button = QPushButton(_("Print destruction record"))
        self.print_button.clicked.connect(self._print)
        for button in (self.record_button, self.print_button):
            button.setVisible(self.proposer)
            buttons.addWidget(button)
        buttons.addStretch(1)
        if not self.proposer:
            buttons.addWidget(hint_label(_("Managers approve proposed batches in the "
                                           "Archive approvals section.")))
        column.addLayout(buttons)
        split.addWidget(batch_box)
        split.setSizes([380, 260])
        layout.addWidget(split, 1)
        self.status = status_label()
        layout.addWidget(self.status)
        self._update_buttons()

    # -- lists --------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        session = self.session
        run_in_background(self, lambda _p: (due_for_destruction(session), batches(session)),
                          lambda found: self._show(*found, select), say(self.status))

    def _show(self, due: list[PaperFile], found: list[Batch], select: str | None) -> None:
        self.due, self.batches = due, found
        self.table.blockSignals(True)
        fill_table(self.table, [[f.file_no, label_of(FileKind, f.kind),
                                 " ".join(p for p in (f.customer_no, f.customer_name) if p),
                                 f.box, f.received_on, f.retain_until] for f in due])
        if self.proposer:
            for row in range(len(due)):
                item: QTableWidgetItem = self.table.item(row, 0)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
        self.table.blockSignals(False)
        fill_table(self.batch_table, batch_rows(found, names_for(self.session)))
        numbers = [b.batch_no for b in found]
        if select in numbers:
            self.batch_table.selectRow(numbers.index(select))
        self._update_buttons()

    def ticked(self) -> list[str]:
        return [self.due[row].file_no for row in range(min(len(self.due),
                                                           self.table.rowCount()))
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def _tick_all(self, on: bool) -> None:
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if on
                                                  else Qt.CheckState.Unchecked)
        self.table.blockSignals(False)
        self._update_buttons()

    def chosen_batch(self) -> Batch | None:
        row = selected_row(self.batch_table)
        return self.batches[row] if row is not None and row < len(self.batches) else None

    def _update_buttons(self) -> None:
        count = len(self.ticked()) if self.due else 0
        self.propose_button.setText(_("Propose destruction of {count} files").format(
            count=count))
        self.propose_button.setEnabled(count > 0)
        self.all_button.setEnabled(bool(self.due))
        self.none_button.setEnabled(count > 0)
        batch = self.chosen_batch()
        self.record_button.setEnabled(batch is not None and batch.status == BatchStatus.APPROVED)
        self.print_button.setEnabled(batch is not None)

    # -- actions ------------------------------------------------------------------------

    def propose(self) -> None:
        numbers = self.ticked()
        if numbers:
            ask(self, _("Propose the destruction of {count} files? A manager must approve the "
                        "batch before anything is destroyed.").format(count=len(numbers)),
                _("Propose destruction"), lambda: self._propose(numbers))

    def _propose(self, numbers: list[str]) -> None:
        session = self.session
        run_in_background(self, lambda _p: propose_destruction(session, numbers), self._proposed,
                          say(self.status))

    def _proposed(self, batch_no: str) -> None:
        set_status(self.status, _("Batch {batch} was proposed; a manager must approve it.")
                   .format(batch=batch_no), ok=True)
        self.refresh(select=batch_no)

    def _record(self) -> None:
        batch = self.chosen_batch()
        if batch is None:
            return
        dialog = RecordDestructionDialog(self.session, batch.batch_no, len(batch.file_nos),
                                         self)
        delete_on_close(dialog)
        number = batch.batch_no
        dialog.accepted.connect(lambda: (set_status(
            self.status, _("The destruction of batch {batch} is on record; print its record "
                           "now.").format(batch=number), ok=True), self.refresh(select=number)))
        dialog.open()

    def _print(self) -> None:
        batch = self.chosen_batch()
        if batch is None:
            return
        session, number = self.session, batch.batch_no
        show_pdf(self, lambda: destruction_record_pdf(session, number, None),
                 _("Destruction record"), f"destruction-{number}.pdf", self.status)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh(select=self.chosen_batch().batch_no if self.chosen_batch() else None)
