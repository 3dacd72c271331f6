"""Pieces the customer screens share: read-only tables, date fields, and forms whose Tab
order follows the fields app/ names (`FieldFormDialog`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app import clock
from app.customers.model import Purpose, money
from app.i18n import _
from ui.dialogs import FormDialog

OVERDUE = QColor("#b3261e")
MUTED = QColor("#7a8491")


def read_only_table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setHorizontalHeaderLabels(list(headers))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]],
               colours: Sequence[QColor | None] = (), align_right: Sequence[int] = ()) -> None:
    """Replace the rows; `colours` per row, `align_right` column numbers (amounts)."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        colour = colours[r] if r < len(colours) else None
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if colour is not None:
                item.setForeground(colour)
            if c in align_right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def selected_row(table: QTableWidget) -> int | None:
    model = table.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return rows[0].row() if rows else None


def date_field(day: date | None = None) -> QDateEdit:
    field = QDateEdit()
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    day = day or date.today()
    field.setDate(QDate(day.year, day.month, day.day))
    return field


def iso(field: QDateEdit) -> str:
    return field.date().toString("yyyy-MM-dd")


def local(stamp: str | None) -> str:
    """A stored UTC stamp in local time; text that is not a stamp is shown as it is."""
    try:
        return clock.local_text(stamp)
    except ValueError:
        return stamp or ""


def purpose_label(stored: str | None) -> str:
    """A registered purpose as a person reads it ("other: …" keeps its text)."""
    if not stored:
        return ""
    if stored.startswith("other:"):
        return _("Other: {text}").format(text=stored.partition(":")[2].strip())
    try:
        return Purpose(stored).label
    except ValueError:
        return stored


def gigabytes(mb: int) -> str:
    return _("{amount} GB").format(amount=f"{mb / 1024:.1f}")


def yuan(fen: int) -> str:
    return _("¥{amount}").format(amount=money(fen))


class FieldFormDialog(FormDialog):
    """A FormDialog whose Tab order follows `self.fields` (the widgets its errors point
    at), then OK, then Cancel."""

    def __init__(self, title: str, parent: QWidget | None = None,
                 ok_text: str | None = None) -> None:
        super().__init__(title, parent, ok_text)
        self._chained = False

    def tab_chain(self) -> list[QWidget]:
        """The fields in the order Tab visits them (then OK, then Cancel)."""
        return list(self.fields.values())

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if self._chained:
            return
        self._chained = True
        chain = [*self.tab_chain(), self.ok_button,
                 self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        focused = self.focusWidget()
        if chain and (focused is None or focused in (chain[-1], chain[-2])):
            chain[0].setFocus(Qt.FocusReason.TabFocusReason)
