"""Transfers: ask to send a file to another department or branch (a manager approves), see the
open transfers, and complete an approved one on the day the file leaves."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.names import StaffNames
from app.archive.model import Transfer, TransferStatus
from app.archive.transfers import open_transfers, request_transfer
from app.errors import ValidationError
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    ScanField,
    button_row,
    by_on,
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    status_label,
)
from ui.archive.dialogs import CompleteTransferDialog
from ui.fields import FieldMarks
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.staff import names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background


def transfer_rows(found: list[Transfer], person: StaffNames) -> list[list[str]]:
    return [[str(t.id), t.file_no, t.to_unit, t.receiver, label_of(TransferStatus, t.status),
             by_on(t.requested_by, t.requested_at, person), t.reason] for t in found]


def transfer_headers() -> list[str]:
    return [_("Transfer"), _("File number"), _("To"), _("Receiver"), _("Status"), _("Requested by"),
            _("Reason")]


class TransfersTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.transfers: list[Transfer] = []
        self.manage = session.can(Permission.FILE_MANAGE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)

        ask_box = QGroupBox(_("Request a transfer"))
        form = QFormLayout(ask_box)
        self.status = status_label()
        self.errors = FieldMarks(self.status)
        self.file_no = ScanField(_("File number"))
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(_("department or branch"))
        self.receiver = QLineEdit()
        self.reason = QLineEdit()
        form.addRow(_("File number:"), self.errors.wrap(self.file_no, "file_no"))
        form.addRow(_("To:"), self.errors.wrap(self.unit, "to_unit"))
        form.addRow(_("Receiver:"), self.errors.wrap(self.receiver, "receiver"))
        form.addRow(_("Reason:"), self.errors.wrap(self.reason, "reason"))
        self.request_button = QPushButton(_("Request transfer"))
        self.request_button.clicked.connect(self.request)
        form.addRow(button_row(self.request_button))
        form.addRow(self.status)
        self.file_no.scanned.connect(lambda _text: self.unit.setFocus())
        self.reason.returnPressed.connect(self.request)
        ask_box.setVisible(self.manage)
        layout.addWidget(ask_box)

        list_box = QGroupBox(_("Open transfers"))
        column = QVBoxLayout(list_box)
        self.table = data_table(transfer_headers())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.complete_button = QPushButton(_("Complete…"))
        self.complete_button.clicked.connect(self._complete)
        self.complete_button.setVisible(self.manage)
        buttons.addWidget(self.complete_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.list_status = status_label()
        column.addWidget(self.list_status)
        layout.addWidget(list_box, 1)
        self._update_buttons()

    def start(self, file_no: str) -> None:
        """Begin a request for this file (from Find)."""
        self.file_no.setText(file_no)
        self.unit.setFocus()

    def request(self) -> None:
        self.errors.clear()
        session, number = self.session, self.file_no.text().strip()
        unit, person, why = self.unit.text(), self.receiver.text(), self.reason.text()
        if not number:
            self.errors.show(ValidationError(_("Scan or type the file number."), field="file_no"))
            return
        run_in_background(self, lambda _p: request_transfer(session, number, unit, person, why),
                          lambda tid: self._requested(tid, number), self.errors.show)

    def _requested(self, tid: int, number: str) -> None:
        for field in (self.file_no, self.unit, self.receiver, self.reason):
            field.clear()
        set_status(self.status, _("Transfer {number} of file {file} waits for a manager's "
                                  "approval.").format(number=tid, file=number), ok=True)
        self.refresh(select=tid)

    def refresh(self, select: int | None = None) -> None:
        session = self.session
        run_in_background(self, lambda _p: open_transfers(session),
                          lambda found: self._show(found, select), say(self.list_status))

    def _show(self, found: list[Transfer], select: int | None) -> None:
        self.transfers = found
        fill_table(self.table, transfer_rows(found, names_for(self.session)))
        ids = [t.id for t in found]
        if select in ids:
            self.table.selectRow(ids.index(select))
        self._update_buttons()

    def chosen(self) -> Transfer | None:
        row = selected_row(self.table)
        return self.transfers[row] if row is not None and row < len(self.transfers) else None

    def _update_buttons(self) -> None:
        chosen = self.chosen()
        self.complete_button.setEnabled(chosen is not None
                                        and chosen.status == TransferStatus.APPROVED)

    def _complete(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        dialog = CompleteTransferDialog(self.session, chosen.id, chosen.file_no, self)
        delete_on_close(dialog)
        number = chosen.file_no
        dialog.accepted.connect(lambda: (set_status(
            self.list_status, _("File {number} was transferred; its record stays.").format(
                number=number), ok=True), self.refresh()))
        dialog.open()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()
