"""Pieces the archive screens share: the scan field, tables, dates, labels, errors shown next to
their field, background calls that keep the error's field, and PDFs opened in the preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app import clock
from app.accounts.names import StaffNames
from app.errors import CustosError
from app.i18n import _
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.worker import run_in_background

RED = QColor("#b3261e")
MUTED = QColor("#7a8491")
NO_VALUE = "—"


def today() -> date:
    """The local calendar day, from app.clock (tests move it there)."""
    return clock.now_utc().astimezone().date()


def label_of(kind: type[Enum], value: str | None) -> str:
    """The translated label of an archive enum value; the raw value if it is unknown."""
    if not value:
        return NO_VALUE
    try:
        return kind(value).label  # type: ignore[attr-defined]
    except ValueError:
        return value


def day_of(stamp: str | None) -> str:
    """A stored UTC stamp as the local day, or a dash."""
    return clock.local_text(stamp)[:10] if stamp else NO_VALUE


def by_on(user: str | None, stamp: str | None, person: StaffNames) -> str:
    """Who, and on which day: "赵敏, 2025-03-03"."""
    if not user:
        return NO_VALUE
    return _("{user}, {date}").format(user=person(user), date=day_of(stamp))


def borrower_name(loan: Any, person: StaffNames) -> str:
    """A member of staff by name; an outside borrower as written down."""
    from app.archive.model import BorrowerKind

    return person(loan.borrower) if loan.borrower_kind == BorrowerKind.STAFF else loan.borrower


def borrower_text(loan: Any, person: StaffNames) -> str:
    """A member of staff by name alone ("王芳"); an outside borrower marked as such."""
    from app.archive.model import BorrowerKind

    name = borrower_name(loan, person)
    if loan.borrower_kind == BorrowerKind.STAFF:
        return name
    return _("{borrower} ({kind})").format(borrower=name,
                                           kind=label_of(BorrowerKind, loan.borrower_kind))


def with_note(text: str, note: str | None) -> str:
    return _("{text}: {note}").format(text=text, note=note) if note else text


def date_edit(day: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(130)
    set_day(edit, day or today())
    return edit


def set_day(edit: QDateEdit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def day_in(edit: QDateEdit) -> date:
    return edit.date().toPython()


class ScanField(QLineEdit):
    """Takes a USB barcode scanner's typing: the number, then Enter. `scanned` carries the
    text; the text stays selected, so the next scan replaces it."""

    scanned = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.setFont(font)
        self.returnPressed.connect(self._enter)

    def _enter(self) -> None:
        text = " ".join(self.text().split())
        self.selectAll()
        if text:
            self.scanned.emit(text)


def data_table(headers: Sequence[str]) -> QTableWidget:
    """A read-only table, whole rows selected, one at a time; columns fit their contents and
    the last one (free text, by convention) takes the rest of the width, shortening its
    text ("Service agr…") rather than pushing the table wider than the window."""
    table = QTableWidget(0, len(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setHorizontalHeaderLabels(list(headers))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """Buttons side by side at their natural size, from the left."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def bare(layout: QLayout) -> QWidget:
    """A layout in a widget with no margins (for a form row made of several widgets)."""
    layout.setContentsMargins(0, 0, 0, 0)
    box = QWidget()
    box.setLayout(layout)
    return box


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]]) -> None:
    """Replace the table's rows; cells are shown as text, empty ones as a dash."""
    table.clearSelection()
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            text = NO_VALUE if value is None or value == "" else str(value)
            table.setItem(r, c, QTableWidgetItem(text))


def selected_row(table: QTableWidget) -> int | None:
    model = table.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return rows[0].row() if rows else None


def status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def say(label: QLabel) -> Callable[[CustosError], None]:
    """An error handler that puts the sentence into a status line."""
    return lambda error: set_status(label, error, ok=False)


def show_pdf(parent: QWidget, make: Callable[[], bytes], title: str, suggested_name: str,
             status: QLabel) -> None:
    """Make the PDF on the worker, then show it in the preview (print, save as)."""
    from ui.rights.preview import PreviewDialog

    def opened(data: bytes) -> None:
        dialog = PreviewDialog(data, title, suggested_name, parent=parent)
        delete_on_close(dialog)
        dialog.open()

    run_in_background(parent, lambda _p: make(), opened, say(status),
                      label=_("Preparing the PDF…"))


def file_summary(paper: Any) -> str:
    """One line about a PaperFile: number, kind, status, customer, location."""
    from app.archive.model import FileKind, FileStatus

    customer = " ".join(p for p in (paper.customer_no, paper.customer_name) if p)
    parts = [paper.file_no, label_of(FileKind, paper.kind), label_of(FileStatus, paper.status),
             customer or NO_VALUE, paper.location or NO_VALUE]
    if paper.sensitive:
        parts.insert(2, _("sensitive"))
    return "  ·  ".join(parts)
