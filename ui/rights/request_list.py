"""The requests list as a Qt model over request ids, its rows read a page at a time
(ui/paged.py) with one app/ query per page (app/rights/queue.py), as the customer list.
An overdue request is marked in its deadline's cells, as in the cases queue."""

from __future__ import annotations

from array import array

from PySide6.QtCore import QModelIndex, Qt, Signal

from app.errors import CustosError
from app.i18n import _
from app.rights.model import RequestKind, RequestStatus
from app.rights.queue import RequestLine, request_lines
from app.security import Session
from ui.paged import Index, PagedTableModel
from ui.rights.common import MUTED, OVERDUE, days_left

PAGE_SIZE = 100
PAGES_KEPT = 4
KIND_COLUMN, DUE_COLUMN, DAYS_COLUMN = 2, 4, 5


def headers() -> list[str]:
    return [_("Request"), _("Customer"), _("Kind"), _("Status"), _("Due date"),
            _("Days left")]


def cells(line: RequestLine) -> list[str]:
    return [line.request_no, f"{line.customer_no}  {line.customer_name}",
            RequestKind(line.kind).label, RequestStatus(line.status).label, line.due_date,
            str(days_left(line.due_date)) if line.is_open else ""]


class RequestListModel(PagedTableModel[RequestLine]):
    """Rows are request ids; cells come from a small cache of pages of RequestLines.
    `failed(error)` when a page cannot be read (the session ended, the store went away)."""

    failed = Signal(object)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(self._load, PAGE_SIZE, PAGES_KEPT, parent=parent)
        self.session = session
        self._headers = headers()

    def line(self, row: int) -> RequestLine | None:
        return self._rows.row(row)

    @property
    def fetched(self) -> list[int]:
        return self._rows.fetched

    def _load(self, chunk: array) -> list[RequestLine | None]:
        try:
            return request_lines(self.session, chunk)
        except CustosError as error:  # drawn rows must not raise into Qt: said, left blank
            self.failed.emit(error)
            return [None] * len(chunk)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.line(index.row())
        if line is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(line)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            # Overdue is said by the deadline's cells, in red; the row itself stays calm.
            if line.overdue and index.column() in (DUE_COLUMN, DAYS_COLUMN):
                return OVERDUE
            return None if line.is_open else MUTED
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == KIND_COLUMN:
            return cells(line)[KIND_COLUMN]  # the whole kind, when the column elides it
        if role == Qt.ItemDataRole.ToolTipRole and line.overdue:
            return _("Overdue: the due date has passed.")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == DAYS_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None
