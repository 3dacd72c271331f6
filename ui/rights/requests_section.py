"""Requests: the rights requests by due date, overdue in red, a page at a time off the
window's thread (ui/rights/request_list.py), and intake of new ones."""

from __future__ import annotations

from array import array

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import _
from app.rights.queue import RequestLine, request_counts, request_id_of, request_ids
from app.security import Session
from ui.lifetime import delete_on_close
from ui.rights.intake import IntakeDialog
from ui.rights.request_list import RequestListModel
from ui.rights.request_page import RequestPage
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

OPEN, OVERDUE_ONLY, ALL = 0, 1, 2


class RequestsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.page: RequestPage | None = None
        self.intake: IntakeDialog | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Requests")))
        self.counts = QLabel()
        self.counts.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.counts)
        layout.addLayout(self._bar())
        self.model = RequestListModel(session, parent=self)
        self.model.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # fit the rows on screen: read no other page
        self.table.doubleClicked.connect(lambda _index: self._open_selected())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_args: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.refresh()

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.filters = QButtonGroup(self)
        for key, text in ((OPEN, _("Open")), (OVERDUE_ONLY, _("Overdue")), (ALL, _("All"))):
            button = QRadioButton(text)
            self.filters.addButton(button, key)
            bar.addWidget(button)
        self.filters.button(OPEN).setChecked(True)
        self.filters.idClicked.connect(lambda _id: self.refresh())
        bar.addStretch(1)
        self.new_button = QPushButton(_("New request…"))
        self.new_button.clicked.connect(self.new_request)
        self.open_button = QPushButton(_("Open request"))
        self.open_button.clicked.connect(self._open_selected)
        bar.addWidget(self.open_button)
        bar.addWidget(self.new_button)
        return bar

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()  # deadlines move while the section sits in the background

    # -- the list -----------------------------------------------------------------------

    def refresh(self, keep: str | None = None) -> None:
        """The ids and the counts on the worker; the rows are read as they are drawn."""
        selected = self.selected()
        keep = keep or (selected.request_no if selected else None)
        which, session = self.filters.checkedId(), self.session
        self._generation += 1
        generation = self._generation

        def work(_progress: object) -> tuple[array, dict[str, int], int | None]:
            ids = request_ids(session, open_only=which != ALL,
                              overdue_only=which == OVERDUE_ONLY)
            kept = request_id_of(session, keep) if keep else None
            return ids, request_counts(session), kept

        run_in_background(self, work, lambda found: self._listed(generation, *found),
                          self._failed, show_after_ms=None)

    def _failed(self, error: CustosError) -> None:
        set_status(self.status, error, ok=False)

    def _listed(self, generation: int, ids: array, counts: dict[str, int],
                kept: int | None) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile; a newer answer is on its way
        self.counts.setText(_("{open} open, {week} due this week, {overdue} overdue")
                            .format(open=counts["open"], week=counts["due_this_week"],
                                    overdue=counts["overdue"]))
        self.model.set_ids(ids)
        if kept is not None and kept in ids:
            self.table.selectRow(ids.index(kept))
        self._update_buttons()

    def selected(self) -> RequestLine | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        return self.model.line(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    # -- opening and intake -------------------------------------------------------------

    def _open_selected(self) -> None:
        request = self.selected()
        if request is not None:
            self.open_request(request.request_no)

    def open_request(self, request_no: str) -> RequestPage:
        page = RequestPage(self.session, request_no, self)
        delete_on_close(page)
        page.changed.connect(lambda: self.refresh(request_no))
        page.finished.connect(lambda _result: self._page_closed(page))
        self.page = page
        page.open()
        return page

    def _page_closed(self, page: RequestPage) -> None:
        if self.page is page:
            self.page = None
        self.refresh()

    def new_request(self) -> IntakeDialog:
        dialog = IntakeDialog(self.session, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._taken(dialog.result_value))
        self.intake = dialog
        dialog.open()
        return dialog

    def _taken(self, request_no: str) -> None:
        """The request is on record (verified, if the form said so): its page opens."""
        self.intake = None
        self.refresh(request_no)
        set_status(self.status, _("Request {number} was taken.").format(number=request_no),
                   ok=True)
        self.open_request(request_no)
