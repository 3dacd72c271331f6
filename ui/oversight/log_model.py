"""The audit log as a Qt model over an array of sequence numbers, its rows fetched a page at
a time with `log_rows` (as ui/customers/list_model does for customers): a search over
millions of events costs 8 bytes an event, and only the pages a person scrolls past are
read (ui/paged.py). Actions, results and details are shown in words (app.audit_actions);
app/ masked the details when the event was written."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app import audit_actions
from app.oversight.review import LogRow, log_rows
from app.security import Session
from ui.customers.common import purpose_label
from ui.oversight.common import RED, log_headers, seconds_text
from ui.paged import PagedRows

PAGE_SIZE = 200
PAGES_KEPT = 8
COLUMNS = 8
DETAIL = 7
COLUMN_WIDTHS = (88, 172, 96, 164, 80, 120, 150)  # seq to 7 digits; detail takes the rest

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[Session, Sequence[int]], list[LogRow]]


def row_cells(row: LogRow) -> list[str | int]:
    """One event as the cells a person reads (the table, the XLSX and the PDF alike)."""
    return [row.seq, seconds_text(row.at), row.actor_name or row.actor,
            audit_actions.label(row.action), audit_actions.result(row.outcome),
            row.customer_ref, purpose_label(row.purpose), row.sentence]


def pages_of(session: Session, seqs: array, page_size: int = 1000,
             fetch: Fetch | None = None) -> Iterator[list[LogRow]]:
    """Every row of `seqs`, a page at a time (for exports on the worker)."""
    fetch = fetch or log_rows
    for start in range(0, len(seqs), page_size):
        yield fetch(session, seqs[start:start + page_size])


class AuditLogModel(QAbstractTableModel):
    """Rows are event numbers, newest first; cells come from a small cache of pages."""

    def __init__(self, session: Session, seqs: array | None = None,
                 page_size: int = PAGE_SIZE, pages_kept: int = PAGES_KEPT,
                 fetch: Fetch | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._fetch = fetch or log_rows
        self._rows: PagedRows[LogRow] = PagedRows(self._load, page_size, pages_kept, seqs)

    @property
    def seqs(self) -> array:
        return self._rows.keys

    @property
    def fetched(self) -> list[int]:
        return self._rows.fetched

    @property
    def cached_pages(self) -> list[int]:
        return self._rows.cached_pages

    def set_seqs(self, seqs: array) -> None:
        self.beginResetModel()
        self._rows.reset(seqs)
        self.endResetModel()

    def event_at(self, row: int) -> LogRow | None:
        return self._rows.row(row)

    def _load(self, chunk: array) -> list[LogRow | None]:
        found = {r.seq: r for r in self._fetch(self.session, chunk)}
        # An event expired by retention meanwhile leaves a blank row until the next search.
        return [found.get(seq) for seq in chunk]

    # -- Qt -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.seqs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < COLUMNS:
            return log_headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
                Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (Qt.AlignmentFlag.AlignRight if index.column() == 0
                    else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
        row = self.event_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(RED) if row.outcome != "ok" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.sentence if index.column() == DETAIL else None
        value = row_cells(row)[index.column()]
        return str(value)
