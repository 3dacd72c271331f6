"""Requests: the open rights requests by due date, overdue in red, and intake of new ones."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import _
from app.rights.model import RequestKind, RequestStatus, RightsRequest
from app.rights.requests import list_requests, request_counts, verify_identity
from app.security import Session
from ui.dialogs import ask
from ui.rights.common import OVERDUE, days_left
from ui.rights.intake import IntakeDialog
from ui.rights.request_page import RequestPage
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

OPEN, OVERDUE_ONLY, ALL = 0, 1, 2


class RequestsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.requests: list[RightsRequest] = []
        self.page: RequestPage | None = None
        self.intake: IntakeDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Requests")))
        self.counts = QLabel()
        self.counts.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.counts)

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
        layout.addLayout(bar)

        self.table = QTableWidget(0, 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setHorizontalHeaderLabels([
            _("Request"), _("Customer"), _("Kind"), _("Status"), _("Due date"),
            _("Days left")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.doubleClicked.connect(lambda _index: self._open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()  # deadlines move while the section sits in the background

    # -- the list -----------------------------------------------------------------------

    def refresh(self, keep: str | None = None) -> None:
        selected = self.selected()
        keep = keep or (selected.request_no if selected else None)
        which = self.filters.checkedId()
        try:
            self.requests = list_requests(self.session, open_only=which != ALL,
                                          overdue_only=which == OVERDUE_ONLY)
            counts = request_counts(self.session)
        except CustosError as exc:
            self.requests, counts = [], None
            set_status(self.status, str(exc), ok=False)
        if counts is not None:
            self.counts.setText(_("{open} open, {week} due this week, {overdue} overdue")
                                .format(open=counts["open"], week=counts["due_this_week"],
                                        overdue=counts["overdue"]))
        self.table.setRowCount(len(self.requests))
        for row, request in enumerate(self.requests):
            open_now = request.status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED)
            cells = (request.request_no, f"{request.customer_no}  {request.customer_name}",
                     RequestKind(request.kind).label, RequestStatus(request.status).label,
                     request.due_date, str(days_left(request.due_date)) if open_now else "")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if request.overdue:
                    item.setForeground(OVERDUE)
                elif not open_now:
                    item.setForeground(Qt.GlobalColor.gray)
                if col == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
            if request.request_no == keep:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> RightsRequest | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or rows[0].row() >= len(self.requests):
            return None
        return self.requests[rows[0].row()]

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    # -- opening and intake -------------------------------------------------------------

    def _open_selected(self) -> None:
        request = self.selected()
        if request is not None:
            self.open_request(request.request_no)

    def open_request(self, request_no: str) -> RequestPage:
        page = RequestPage(self.session, request_no, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._taken(dialog.result_value))
        self.intake = dialog
        dialog.open()
        return dialog

    def _taken(self, request_no: str) -> None:
        self.intake = None
        self.refresh(request_no)
        set_status(self.status, _("Request {number} was taken.").format(number=request_no),
                   ok=True)
        box = ask(self, _("Request {number} was taken. Was the customer's identity checked "
                          "(for example at the counter)? Then mark it as verified now.")
                  .format(number=request_no), _("Identity verified"),
                  lambda: self._verify(request_no))
        box.finished.connect(lambda _r: None if box.buttonRole(box.clickedButton())
                             == QMessageBox.ButtonRole.AcceptRole
                             else self.open_request(request_no))
        self.verify_question = box

    def _verify(self, request_no: str) -> None:
        """Then the request page, once the new state is on record."""
        session = self.session

        def failed(sentence: str) -> None:
            set_status(self.status, sentence, ok=False)
            self.open_request(request_no)

        run_in_background(self, lambda _p: verify_identity(session, request_no),
                          lambda _r: (self.refresh(request_no), self.open_request(request_no)),
                          failed)
