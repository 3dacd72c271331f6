"""The customer list as a Qt model over an array of ids, its rows fetched a page at a time
(ui/paged.py) with `summaries` — already masked by app/."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.customers import search
from app.customers.model import CustomerStatus, CustomerSummary
from app.i18n import _
from app.security import Permission, Session
from ui.paged import Index, PagedTableModel

PAGE_SIZE = 200
PAGES_KEPT = 6
RESTRICTED = QColor("#b3261e")
CLOSED = QColor("#7a8491")


class Column(Enum):
    NUMBER = "number"
    NAME = "name"
    ID = "id"
    PHONE = "phone"
    STATUS = "status"


def column_title(column: Column) -> str:
    return {
        Column.NUMBER: _("Customer no."),
        Column.NAME: _("Name"),
        Column.ID: _("ID number"),
        Column.PHONE: _("Phone"),
        Column.STATUS: _("Status"),
    }[column]


def status_text(row: CustomerSummary) -> str:
    if row.restricted:
        return _("Restricted")
    try:
        return CustomerStatus(row.status).label
    except ValueError:
        return row.status


class CustomerListModel(PagedTableModel[CustomerSummary]):
    """Rows are customer ids; cells come from a small cache of pages of summaries."""

    def __init__(self, session: Session, ids: array | None = None,
                 page_size: int = PAGE_SIZE, pages_kept: int = PAGES_KEPT,
                 fetch: Callable[[Session, array], list[CustomerSummary]] | None = None,
                 parent=None) -> None:
        super().__init__(self._load, page_size, pages_kept, ids, parent)
        self.session = session
        self._fetch = fetch
        # Archive clerks get names and numbers only; the service leaves the rest empty and
        # there is no point drawing empty columns.
        self.columns: list[Column] = [Column.NUMBER, Column.NAME]
        if session.can(Permission.CUSTOMER_OPEN):
            self.columns += [Column.ID, Column.PHONE, Column.STATUS]

    # -- the ids ------------------------------------------------------------------------

    def extend_ids(self, ids: array) -> bool:
        """Grow a shown prefix into the whole list without a reset (selection and scroll
        stay). False, and nothing changed, when `ids` does not start with the shown ones."""
        shown = len(self.ids)
        if len(ids) < shown or ids[:shown] != self.ids:
            return False
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._rows.keys = ids  # the cached pages are of the same first rows
            self.endInsertRows()
        return True

    def forget_rows(self) -> None:
        """Drop the cached rows (a customer changed); they are fetched again when drawn."""
        self._rows.forget()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ids) - 1, len(self.columns) - 1))

    def summary(self, row: int) -> CustomerSummary | None:
        return self._rows.row(row)

    def _load(self, chunk: array) -> list[CustomerSummary | None]:
        fetch = self._fetch or search.summaries
        rows: list[CustomerSummary | None] = list(fetch(self.session, chunk))
        # A customer erased meanwhile leaves a gap we cannot place (summaries carry no id):
        # pad, and the list shows blank rows until the next search.
        return rows + [None] * (len(chunk) - len(rows))

    @property
    def cached_pages(self) -> list[int]:
        return self._rows.cached_pages

    # -- Qt -----------------------------------------------------------------------------

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return column_title(self.columns[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.summary(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                Column.NUMBER: row.customer_no,
                Column.NAME: row.name,
                Column.ID: row.id_masked,
                Column.PHONE: row.phone_masked,
                Column.STATUS: status_text(row) if column is Column.STATUS else "",
            }[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.restricted and column in (Column.STATUS, Column.NAME):
                return RESTRICTED
            if row.status == CustomerStatus.CLOSED:
                return CLOSED
            return None
        if role == Qt.ItemDataRole.FontRole and row.restricted and column is Column.STATUS:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.restricted:
            return _("Processing of this customer is restricted: the record is read-only.")
        return None
