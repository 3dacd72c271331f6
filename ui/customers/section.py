"""The Customers section: one search box, the list of matches (or of everyone), and the
customer page that opens from it.

Ctrl+F goes to the search box, Down moves into the list, Enter opens the customer, Esc
closes it again, Ctrl+N starts a new customer.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.customers.guesses import is_full_number, is_narrowing
from app.customers.search import (
    all_customer_ids,
    classify,
    find_customers,
    first_customer_ids,
)
from app.errors import CustosError
from app.i18n import _
from app.security import Permission, Session
from ui.customers.list_model import Column, CustomerListModel
from ui.customers.loading import CustomerView
from ui.customers.new_customer import NewCustomerDialog
from ui.customers.page import CustomerPage
from ui.customers.purpose import CustomerOpener
from ui.dialogs import hint_label
from ui.lifetime import delete_later, delete_on_close
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

FIRST_SCREEN_ROWS = 200  # the first page of the list model: more than any screen shows
DEBOUNCE_MS = 250
WIDTHS = {Column.NUMBER: 130, Column.NAME: 170, Column.ID: 210, Column.PHONE: 140}


class SearchBox(QLineEdit):
    """The search field; Down moves on into the list."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


def customer_table(model: CustomerListModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    # Fixed row height and no content-based sizing: measuring a million rows is what would
    # make the list slow, not fetching the few on screen.
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for number, column in enumerate(model.columns):
        if column in WIDTHS:
            table.setColumnWidth(number, WIDTHS[column])
    return table


class CustomersSection(QWidget):
    # How long revealed values stay and copied values may stay on the clipboard (ms);
    # None means the 30 s of ui.customers.reveal. Tests shorten them.
    show_ms: int | None = None
    clipboard_ms: int | None = None

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.can_open = session.can(Permission.CUSTOMER_OPEN)
        self.all_ids: array | None = None
        self.page: CustomerPage | None = None
        self._generation = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.list_page = QWidget()
        layout = QVBoxLayout(self.list_page)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(section_title(_("Customers")))
        row = QHBoxLayout()
        self.search = SearchBox()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            _("Customer number, phone (full or last 4), ID number (full or last 4–6), "
              "service number, name, pinyin or initials") if self.can_open else _("Customer number or name"))
        self.search.setMinimumHeight(32)
        row.addWidget(self.search, 1)
        self.new_button = QPushButton(_("New customer…"))
        self.new_button.setToolTip(_("Create a customer record (Ctrl+N)"))
        self.new_button.setVisible(session.can(Permission.CUSTOMER_EDIT))
        self.new_button.clicked.connect(self.new_customer)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)
        self.names_only_hint = hint_label(_("Your role sees customer names and numbers only; "
                                            "records cannot be opened."))
        self.names_only_hint.setVisible(not self.can_open)
        layout.addWidget(self.names_only_hint)

        self.model = CustomerListModel(session, parent=self)
        self.table = customer_table(self.model)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.stack.addWidget(self.list_page)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self.debounce.start())
        self.search.returnPressed.connect(self.open_current)
        self.search.down.connect(self.enter_list)

        self.opener = CustomerOpener(session, self)
        self.opener.opened.connect(self.show_page)
        self.opener.failed.connect(lambda sentence: set_status(self.status, sentence, ok=False))

        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.activated.connect(self.focus_search)
        self.new_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        self.new_shortcut.activated.connect(self.new_customer)
        self.run_search()

    # -- searching ----------------------------------------------------------------------

    def run_search(self) -> None:
        self.debounce.stop()
        self._generation += 1
        query = self.search.text().strip()
        if not query:
            self._show_everyone()
            return
        readings = classify(query)
        if is_full_number(readings) or is_narrowing(readings):
            # A whole ID or phone number, or an ID tail longer than the mask shows, may be
            # slowed by the guessing rule: off the window.
            generation, session = self._generation, self.session
            run_in_background(
                self, lambda _p: find_customers(session, query),
                lambda result: self._searched(result) if generation == self._generation
                else None,
                lambda sentence: set_status(self.status, sentence, ok=False),
                label=_("Searching…"))
            return
        try:
            result = find_customers(self.session, query)
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        self._searched(result)

    def _searched(self, result) -> None:
        self.status.hide()
        self._show(result.ids)
        count = len(result.ids)
        if not count:
            self.count.setText(_("No customer matches this search."))
        elif result.more:
            self.count.setText(_("{count} shown — more match; type more to narrow the search.")
                               .format(count=count))
        else:
            self.count.setText(_("{count} shown").format(count=count))

    def _show_everyone(self) -> None:
        if self.all_ids is not None:
            self._show(self.all_ids)
            self._count_everyone()
            return
        generation, session = self._generation, self.session
        # The first screen at once, from an index range scan; the whole list (most of a
        # second at a million customers) follows in the background and is appended.
        try:
            self._show(first_customer_ids(session, FIRST_SCREEN_ROWS))
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        self.count.setText(_("Loading the customer list…"))
        run_in_background(self, lambda _p: all_customer_ids(session),
                          lambda ids: self._everyone_loaded(generation, ids),
                          lambda sentence: set_status(self.status, sentence, ok=False),
                          show_after_ms=None)

    def _everyone_loaded(self, generation: int, ids: array) -> None:
        self.all_ids = ids
        if generation == self._generation:  # nobody typed meanwhile
            if not self.model.extend_ids(ids):
                self._show(ids)
            self._count_everyone()

    def _count_everyone(self) -> None:
        total = len(self.all_ids or ())
        self.count.setText(_("All {count} customers — type to search.")
                           .format(count=f"{total:,}"))

    def _show(self, ids: array) -> None:
        self.model.set_ids(ids)
        if len(ids):
            self.table.selectRow(0)
            self.table.scrollToTop()

    def focus_search(self) -> None:
        if self.page is not None:
            self.close_page()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def enter_list(self) -> None:
        if self.model.rowCount():
            row = self.table.currentIndex().row()
            self.table.selectRow(max(row, 0))
            self.table.setFocus(Qt.FocusReason.TabFocusReason)

    # -- opening ------------------------------------------------------------------------

    def open_current(self) -> None:
        if self.debounce.isActive():
            self.run_search()
        row = self.table.currentIndex().row()
        self.open_row(max(row, 0))

    def open_row(self, row: int) -> None:
        if not self.can_open:
            return
        summary = self.model.summary(row)
        if summary is not None:
            self.status.hide()
            self.opener.open(summary.customer_no, summary.name)

    def open_customer(self, customer_no: str) -> None:
        self.opener.open(customer_no)

    def show_page(self, view: CustomerView) -> None:
        self._drop_page()
        page = CustomerPage(self.session, view, show_ms=self.show_ms,
                            clipboard_ms=self.clipboard_ms)
        page.closed.connect(self.close_page)
        self.page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_page(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self._drop_page()
        if self.all_ids is None and not self.search.text().strip():
            self.run_search()  # a customer was created: the list of everyone grew
        else:
            self.model.forget_rows()  # the customer may have changed while open
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.selectAll()

    def _drop_page(self) -> None:
        page, self.page = self.page, None
        if page is not None and isValid(page):
            page.revealed.clear()
            self.stack.removeWidget(page)
            delete_later(page)

    def new_customer(self) -> None:
        if not self.session.can(Permission.CUSTOMER_EDIT):
            return
        dialog = NewCustomerDialog(self.session, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._created(dialog.result_value))
        dialog.open()

    def _created(self, customer_no: str) -> None:
        self.all_ids = None  # the list of everyone has grown
        self.opener.open(customer_no)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if self.page is None:
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
