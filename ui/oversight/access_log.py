"""The Access log section: who did what to which customer, filtered (user, customer, action,
purpose, dates) over a lazy table, each event read in words in a details pane, exported to
XLSX or PDF, and its hash chain verified."""

from __future__ import annotations

from array import array
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit_actions, clock
from app.audit import ChainReport
from app.customers.model import Purpose
from app.errors import CustosError
from app.exports.log_pdf import PDF_ROW_CAP, access_log_pdf
from app.exports.xlsx import export_list
from app.i18n import _, current_language
from app.integrity import verify_audit_log
from app.oversight.review import LogFilter, search_log, staff_names
from app.pdf import PageFrame
from app.security import Session
from app.settings import branch_name
from ui.oversight.common import Stopped, log_headers
from ui.oversight.log_details import EventDetails, action_choice, chosen_login, user_choice
from ui.oversight.log_model import COLUMN_WIDTHS, AuditLogModel, pages_of, row_cells
from ui.rights.common import ask_save_path, save_bytes
from ui.sections.common import section_title, set_status
from ui.sections.integrity import report_sentence
from ui.worker import Progress, run_in_background

NO_DATE = QDate(2000, 1, 1)  # the minimum of a date field, shown as "—": no bound
EXPORT_PAGE = 1000


def date_bound() -> QDateEdit:
    field = QDateEdit()
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    field.setMinimumDate(NO_DATE)
    field.setSpecialValueText("—")
    field.setDate(NO_DATE)
    return field


def bound(field: QDateEdit) -> str:
    return "" if field.date() == NO_DATE else field.date().toString("yyyy-MM-dd")


def filter_text(f: LogFilter, names: dict[str, str] | None = None) -> str:
    """The filter in one line, for the PDF and the count line."""
    action = audit_actions.selection_label(f.actions) if f.actions else f.action
    parts = [_("{field}: {value}").format(field=field, value=value) for field, value in (
        (_("User"), (names or {}).get(f.actor, f.actor)), (_("Customer"), f.customer_no),
        (_("Action"), action),
        (_("Purpose"), Purpose(f.purpose).label if f.purpose else ""),
        (_("Since"), f.since), (_("Until"), f.until)) if value]
    return _("Filter: {filter}").format(filter=_(", ").join(parts)) if parts else \
        _("Filter: all events")


def access_pdf(session: Session, seqs: array, chosen: LogFilter,
               progress: Progress | None = None) -> bytes:
    """The PDF of a list of events (at most PDF_ROW_CAP of them); runs on the worker."""
    shown = seqs[:PDF_ROW_CAP]
    rows: list[list[object]] = []
    for page in pages_of(session, shown, EXPORT_PAGE):
        rows += [row_cells(r) for r in page]
        # Laying out the pages takes as long again as reading the rows (~2 s a thousand).
        if progress is not None and not progress(len(rows), 2 * len(shown)):
            raise Stopped(_("The export was cancelled; no file was written."))
    frame = PageFrame(branch_name(session.db), _("Access log"), session.display_name,
                      clock.local_text(clock.stamp()), current_language())
    return access_log_pdf(session, log_headers(), rows, len(seqs),
                          filter_text(chosen, staff_names(session)), frame)


class AccessLogSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current = LogFilter()
        self._searched = False
        self._generation = 0
        self.report: ChainReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(section_title(_("Access log")))

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.names = staff_names(session)
        self.user = user_choice(self.names)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(_("any customer"))
        self.action = action_choice()
        self.purpose = QComboBox()
        self.purpose.addItem(_("any purpose"), "")
        for purpose in Purpose:
            self.purpose.addItem(purpose.label, purpose.value)
        self.since = date_bound()
        self.until = date_bound()
        self.since.setDate(QDate.currentDate().addDays(-30))
        for row, col, text, field in ((0, 0, _("User:"), self.user),
                                      (0, 2, _("Customer:"), self.customer),
                                      (0, 4, _("Action:"), self.action),
                                      (1, 0, _("Purpose:"), self.purpose),
                                      (1, 2, _("Since:"), self.since),
                                      (1, 4, _("Until:"), self.until)):
            grid.addWidget(QLabel(text), row, col)
            grid.addWidget(field, row, col + 1)
        self.search_button = QPushButton(_("Search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.clicked.connect(self.clear)
        grid.addWidget(self.search_button, 0, 6)
        grid.addWidget(self.clear_button, 1, 6)
        grid.setColumnStretch(7, 1)
        layout.addLayout(grid)
        for field in (self.user.lineEdit(), self.customer):
            field.returnPressed.connect(self.search)

        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)
        self.model = AuditLogModel(session)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.details = EventDetails()
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.details.show_event(
                self.model.event_at(current.row()) if current.isValid() else None))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

        bar = QHBoxLayout()
        self.xlsx_button = QPushButton(_("Export XLSX…"))
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button = QPushButton(_("Export PDF…"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.verify_button = QPushButton(_("Verify integrity"))
        self.verify_button.clicked.connect(self.verify)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(220)
        self.progress.hide()
        for widget in (self.xlsx_button, self.pdf_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.progress)
        bar.addWidget(self.verify_button)
        layout.addLayout(bar)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        layout.addWidget(self.result)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if not self._searched:
            self.search()

    # -- the list -----------------------------------------------------------------------

    def log_filter(self) -> LogFilter:
        return LogFilter(actor=chosen_login(self.user, self.names),
                         customer_no=self.customer.text().strip(),
                         actions=tuple(self.action.currentData() or ()),
                         purpose=self.purpose.currentData() or "",
                         since=bound(self.since), until=bound(self.until))

    def clear(self) -> None:
        self.user.setCurrentIndex(0)
        self.user.setEditText("")
        self.customer.clear()
        self.action.setCurrentIndex(0)
        self.purpose.setCurrentIndex(0)
        self.since.setDate(NO_DATE)
        self.until.setDate(NO_DATE)
        self.search()

    def search(self) -> None:
        self._searched = True
        chosen, session = self.log_filter(), self.session
        self._generation += 1
        generation = self._generation
        self.status.hide()
        self.search_button.setEnabled(False)
        run_in_background(self, lambda _p: search_log(session, chosen),
                          lambda seqs: self._found(chosen, seqs, generation),
                          self._search_failed, show_after_ms=None)

    def _found(self, chosen: LogFilter, seqs: array, generation: int) -> None:
        if generation != self._generation:
            return  # a newer search is on its way
        self.search_button.setEnabled(True)
        self.current = chosen
        self.model.set_seqs(seqs)
        self.details.show_event(None)
        self.count.setText(_("{count} events. {filter}").format(
            count=f"{len(seqs):,}", filter=filter_text(chosen, self.names)))
        self._update_buttons()

    def _search_failed(self, sentence: CustosError) -> None:
        self.search_button.setEnabled(True)
        set_status(self.status, sentence, ok=False)

    def _update_buttons(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.xlsx_button.setEnabled(has_rows)
        self.pdf_button.setEnabled(has_rows)

    # -- exports ------------------------------------------------------------------------

    def export_xlsx(self) -> None:
        target = ask_save_path(self, _("Export XLSX"), f"access-log-{date.today()}.xlsx",
                               _("Excel workbooks (*.xlsx)"))
        if target is not None:
            self.write_xlsx(target)

    def write_xlsx(self, target: Path) -> None:
        session, seqs = self.session, self.model.seqs
        headers, title = log_headers(), _("Access log")

        def rows(progress: Progress):
            done = 0
            for page in pages_of(session, seqs, EXPORT_PAGE):
                yield from (row_cells(r) for r in page)
                done += EXPORT_PAGE
                if not progress(min(done, len(seqs)), len(seqs)):
                    raise Stopped(_("The export was cancelled; no file was written."))

        run_in_background(
            self, lambda progress: export_list(session, "audit", title, headers,
                                               rows(progress), target),
            lambda count: set_status(self.status, _("{count} events exported to {file}.")
                                     .format(count=f"{count:,}", file=str(target)), ok=True),
            lambda sentence: set_status(self.status, sentence, ok=False),
            label=_("Exporting the access log…"), cancellable=True)

    def export_pdf(self) -> None:
        target = ask_save_path(self, _("Export PDF"), f"access-log-{date.today()}.pdf",
                               _("PDF files (*.pdf)"))
        if target is not None:
            self.write_pdf(target)

    def write_pdf(self, target: Path) -> None:
        session, seqs, chosen = self.session, self.model.seqs, self.current

        def work(progress: Progress) -> int:
            save_bytes(target, access_pdf(session, seqs, chosen, progress))
            return min(len(seqs), PDF_ROW_CAP)

        run_in_background(
            self, work,
            lambda count: set_status(self.status, _("{count} events exported to {file}.")
                                     .format(count=f"{count:,}", file=str(target)), ok=True),
            lambda sentence: set_status(self.status, sentence, ok=False),
            label=_("Exporting the access log…"), cancellable=True)

    # -- integrity ----------------------------------------------------------------------

    def verify(self) -> None:
        session = self.session
        self.verify_button.setEnabled(False)
        self.result.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        run_in_background(self, lambda progress: verify_audit_log(session, progress),
                          self._verified, self._verify_failed, show_after_ms=None,
                          on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _verified(self, report: ChainReport) -> None:
        self.report = report
        self.verify_button.setEnabled(True)
        self.progress.hide()
        set_status(self.result, report_sentence(report), ok=report.intact)

    def _verify_failed(self, sentence: CustosError) -> None:
        self.verify_button.setEnabled(True)
        self.progress.hide()
        set_status(self.result, sentence, ok=False)

