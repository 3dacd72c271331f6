"""A customer's paper files, for embedding in the customer page: each file's kind and status
(with its due date while out), and "Request loan…" for counter staff and managers."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.archive.model import FileKind, FileStatus, PaperFile
from app.archive.registry import files_of_customer
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    status_label,
)
from ui.archive.dialogs import RequestLoanDialog
from ui.dialogs import hint_label
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.style import TAB_MARGINS
from ui.worker import run_in_background


class CustomerFilesPanel(QWidget):
    """Embed as a tab: `CustomerFilesPanel(session, customer_no)`; it loads when first shown
    and again after a request, or when `refresh()` is called."""

    def __init__(self, session: Session, customer_no: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.customer_no = session, customer_no
        self.files: list[PaperFile] = []
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        self.note = hint_label(_("Paper files of this customer kept in the archive room. The "
                                 "archive hands a file over; a manager approves loans of "
                                 "sensitive files first."))
        layout.addWidget(self.note)
        self.table = data_table([_("File number"), _("Kind"), _("Date received"), _("Status"),
                                 _("Due back"), _("Description")])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.request_button = QPushButton(_("Request loan…"))
        self.request_button.clicked.connect(self.request)
        self.request_button.setVisible(session.can(Permission.FILE_REQUEST_LOAN))
        buttons.addWidget(self.request_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = status_label()
        layout.addWidget(self.status)
        self._update_buttons()

    def refresh(self) -> None:
        self.loaded = True
        session, number = self.session, self.customer_no
        run_in_background(self, lambda _p: files_of_customer(session, number), self._show,
                          say(self.status))

    def _show(self, files: list[PaperFile]) -> None:
        self.files = files
        fill_table(self.table, [[f.file_no, label_of(FileKind, f.kind), f.received_on,
                                 label_of(FileStatus, f.status), f.due_date or "",
                                 f.description] for f in files])
        if not files:
            set_status(self.status, _("This customer has no paper files in the archive."),
                       ok=True)
        self._update_buttons()

    def chosen(self) -> PaperFile | None:
        row = selected_row(self.table)
        return self.files[row] if row is not None and row < len(self.files) else None

    def _update_buttons(self) -> None:
        chosen = self.chosen()
        self.request_button.setEnabled(chosen is not None
                                       and chosen.status == FileStatus.IN_ARCHIVE)

    def request(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        dialog = RequestLoanDialog(self.session, chosen, self)
        delete_on_close(dialog)
        number = chosen.file_no
        dialog.accepted.connect(lambda: (set_status(
            self.status, _("Your request for file {number} went to the archive (loan "
                           "{loan}).").format(number=number, loan=dialog.result_value),
            ok=True), self.refresh()))
        dialog.open()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if not self.loaded:
            self.refresh()
