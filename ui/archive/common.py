"""Pieces the archive screens share: the scan field, tables, dates, labels, errors shown next to
their field, background calls that keep the error's field, and PDFs opened in the preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.accounts.names import StaffNames
from app.errors import CustosError
from app.i18n import _
from ui.dialogs import error_label
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
    """The borrower with their kind: "王芳 (Staff member)"."""
    from app.archive.model import BorrowerKind

    return _("{borrower} ({kind})").format(borrower=borrower_name(loan, person),
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
    the last one (free text, by convention) takes the rest of the width."""
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
    header.setStretchLastSection(True)
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


@dataclass(frozen=True)
class Refusal:
    """A person's error caught on the worker thread, with the field it concerns."""

    sentence: str
    field: str | None = None


class FieldErrors:
    """Each field of a form gets its own red sentence under it; errors with no field (or one
    the form does not show) go to the form's status line."""

    def __init__(self, status: QLabel) -> None:
        self.status = status
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def wrap(self, widget: QWidget, *fields: str) -> QWidget:
        """The widget with a hidden error sentence under it, for the service's field names."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = error_label()
        layout.addWidget(label)
        for name in fields:
            self.labels[name] = label
            self.widgets[name] = widget
        return box

    def share(self, other: FieldErrors) -> None:
        """Also point at the fields of another form part (shared location fields)."""
        self.labels.update(other.labels)
        self.widgets.update(other.widgets)

    def clear(self) -> None:
        for label in self.labels.values():
            label.hide()
        self.status.hide()

    def show(self, refusal: Refusal) -> None:
        self.clear()
        label = self.labels.get(refusal.field or "")
        if label is None:
            set_status(self.status, refusal.sentence, ok=False)
            return
        label.setText(refusal.sentence)
        label.show()
        self.widgets[refusal.field or ""].setFocus()


def attempt(parent: QWidget, call: Callable[[], Any], on_done: Callable[[Any], None],
            on_refused: Callable[[Refusal], None], label: str = "") -> None:
    """Run one app call on the worker; a refusal comes back with its field, never raised."""

    def work(_progress: object) -> Any:
        try:
            return call()
        except CustosError as exc:
            return Refusal(str(exc), getattr(exc, "field", None))

    def done(result: Any) -> None:
        if isinstance(result, Refusal):
            on_refused(result)
        else:
            on_done(result)

    run_in_background(parent, work, done, lambda sentence: on_refused(Refusal(sentence)),
                      label=label)


def say(label: QLabel) -> Callable[[Refusal], None]:
    """A refusal handler that puts the sentence into a status line."""
    return lambda refusal: set_status(label, refusal.sentence, ok=False)


def show_pdf(parent: QWidget, make: Callable[[], bytes], title: str, suggested_name: str,
             status: QLabel) -> None:
    """Make the PDF on the worker, then show it in the preview (print, save as)."""
    from ui.rights.preview import PreviewDialog

    def opened(data: bytes) -> None:
        dialog = PreviewDialog(data, title, suggested_name, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    attempt(parent, make, opened, say(status), label=_("Preparing the PDF…"))


def file_summary(paper: Any) -> str:
    """One line about a PaperFile: number, kind, status, customer, location."""
    from app.archive.model import FileKind, FileStatus

    customer = " ".join(p for p in (paper.customer_no, paper.customer_name) if p)
    parts = [paper.file_no, label_of(FileKind, paper.kind), label_of(FileStatus, paper.status),
             customer or NO_VALUE, paper.location or NO_VALUE]
    if paper.sensitive:
        parts.insert(2, _("sensitive"))
    return "  ·  ".join(parts)
