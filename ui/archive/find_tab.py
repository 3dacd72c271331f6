"""Find: one input a barcode scanner types into. Enter finds at once — the exact file number
first, else a customer number, a box or a customer name — and the file shows below."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.accounts.names import StaffNames
from app.archive.model import FileKind, FileStatus, PaperFile
from app.archive.registry import FILE_NO_PATTERN, find_files
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    RED,
    ScanField,
    data_table,
    fill_table,
    label_of,
    say,
    selected_row,
    status_label,
    today,
)
from ui.archive.detail import FileDetail
from ui.dialogs import hint_label
from ui.sections.common import set_status
from ui.staff import names_for
from ui.worker import run_in_background


def file_rows(files: list[PaperFile], person: StaffNames) -> list[list[str]]:
    return [[f.file_no, label_of(FileKind, f.kind),
             " ".join(p for p in (f.customer_no, f.customer_name) if p), f.location,
             label_of(FileStatus, f.status), person(f.on_loan_to), f.due_date or ""]
            for f in files]


def file_headers() -> list[str]:
    return [_("File number"), _("Kind"), _("Customer"), _("Location"), _("Status"),
            _("Borrower"), _("Due date")]


def mark_overdue(table, files: list[PaperFile], column: int = 6) -> None:
    day = today().isoformat()
    for row, f in enumerate(files):
        if f.due_date and f.due_date < day:
            table.item(row, column).setForeground(RED)


class FindTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.files: list[PaperFile] = []
        self.query = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        archive_side = (session.can(Permission.FILE_MANAGE)
                        or session.can(Permission.FILE_APPROVE))
        hint = (_("Scan a barcode, or type a file number, customer number, box or customer "
                  "name, then press Enter.") if archive_side
                else _("Type a customer number, then press Enter."))
        layout.addWidget(hint_label(hint))
        row = QHBoxLayout()
        self.scan = ScanField(_("File number, customer number, box or name"))
        self.scan.scanned.connect(self.find)
        self.find_button = QPushButton(_("Find"))
        self.find_button.clicked.connect(lambda: self.scan.returnPressed.emit())
        row.addWidget(self.scan, 1)
        row.addWidget(self.find_button)
        layout.addLayout(row)
        self.status = status_label()
        layout.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = data_table(file_headers())
        self.table.itemSelectionChanged.connect(self._chosen)
        split.addWidget(self.table)
        self.detail = FileDetail(session)
        self.detail.changed.connect(lambda number: self.find(self.query, keep=number))
        split.addWidget(self.detail)
        split.setSizes([260, 340])
        layout.addWidget(split, 1)
        self.setFocusProxy(self.scan)

    def find(self, query: str, keep: str | None = None) -> None:
        self.query = query
        self.scan.setText(query)
        self.scan.selectAll()
        session = self.session
        run_in_background(self, lambda _p: find_files(session, query),
                          lambda files: self._show(query, files, keep), say(self.status))

    def _show(self, query: str, files: list[PaperFile], keep: str | None) -> None:
        self.files = files
        fill_table(self.table, file_rows(files, names_for(self.session)))
        mark_overdue(self.table, files)
        if not files:
            key = query.strip().upper()
            sentence = (_("No paper file has the number {number}.").format(number=key)
                        if FILE_NO_PATTERN.match(key)
                        else _("Nothing matches {query}.").format(query=query))
            set_status(self.status, sentence, ok=False)
            self.detail.show_file(None)
            return
        self.status.hide()
        numbers = [f.file_no for f in files]
        wanted = keep if keep in numbers else (numbers[0] if len(files) == 1 else None)
        if wanted is not None:
            self.table.selectRow(numbers.index(wanted))
        else:
            self.detail.show_file(None)
            set_status(self.status, _("Files found: {count}.").format(count=len(files)), ok=True)

    def _chosen(self) -> None:
        row = selected_row(self.table)
        if row is not None and row < len(self.files):
            self.detail.show_file(self.files[row])
