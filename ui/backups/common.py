"""Pieces the operations screens share: cards, read-only tables, times with their age, and the
one-sentence outcome of a backup to one folder."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.backup.schedule import DestinationResult, age
from app.i18n import _

RED = QColor("#b3261e")
GREEN = QColor("#1e6b34")
MARGINS = (32, 28, 32, 28)


def now_local() -> datetime:
    return clock.now_utc().astimezone()


def card(title: str = "") -> tuple[QFrame, QVBoxLayout]:
    """A white panel with an optional bold heading; returns the frame and its layout."""
    frame = QFrame()
    frame.setObjectName("card")
    inner = QVBoxLayout(frame)
    inner.setContentsMargins(16, 12, 16, 14)
    inner.setSpacing(8)
    if title:
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: bold; font-size: 15px;")
        inner.addWidget(heading)
    return frame, inner


def status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def read_only_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def fill_row(table: QTableWidget, row: int, cells: list[str],
             colour: QColor | None = None, tips: dict[int, str] | None = None) -> None:
    for col, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if colour is not None and col == len(cells) - 1:
            item.setForeground(colour)
        if tips and col in tips:
            item.setToolTip(tips[col])
        table.setItem(row, col, item)


def age_text(now: datetime, then: datetime) -> str:
    count, unit = age(now, then)
    if unit == "minutes":
        if count < 1:
            return _("just now")
        return _("1 minute ago") if count == 1 else \
            _("{count} minutes ago").format(count=count)
    if unit == "hours":
        return _("1 hour ago") if count == 1 else _("{count} hours ago").format(count=count)
    return _("1 day ago") if count == 1 else _("{count} days ago").format(count=count)


def when_text(now: datetime, then: datetime | None) -> str:
    """'2025-03-10 18:01 (3 hours ago)', in local time."""
    if then is None:
        return _("never")
    return _("{time} ({age})").format(time=clock.local_text(clock.stamp(then)),
                                      age=age_text(now, then))


def destination_sentence(result: DestinationResult) -> str:
    if not result.ok:
        return result.problem
    name = result.backup.name if result.backup else ""
    if result.removed:
        return _("{folder}: backed up as {file}; {count} older backups removed.").format(
            folder=result.folder, file=name, count=len(result.removed))
    return _("{folder}: backed up as {file}.").format(folder=result.folder, file=name)


def show_lines(label: QLabel, lines: list[tuple[str, bool]]) -> None:
    """Several one-sentence outcomes, each green or red, in one label."""
    label.setObjectName("")
    label.style().unpolish(label)
    label.style().polish(label)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText("<br/>".join(
        f"<span style='color: {(GREEN if ok else RED).name()}'>{html.escape(text)}</span>"
        for text, ok in lines))
    label.setVisible(bool(lines))


def fit_rows(table: QTableWidget, minimum_rows: int = 1) -> None:
    """As tall as its rows (at least `minimum_rows`), so a short table needs no scrolling."""
    rows = max(table.rowCount(), minimum_rows)
    row_height = table.verticalHeader().defaultSectionSize()
    height = table.horizontalHeader().sizeHint().height() + rows * row_height \
        + 2 * table.frameWidth()
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height + 2)


def set_columns(table: QTableWidget, stretch: int,
                elide: Qt.TextElideMode = Qt.TextElideMode.ElideLeft) -> None:
    """Every column as wide as its contents except `stretch`, which takes the rest (a folder
    is cut at the left by default: its last part is the one that tells folders apart)."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for col in range(table.columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)  # else a path wraps at its slashes and is cut in two places
    table.setTextElideMode(elide)


def scroll_page(section: QWidget) -> QVBoxLayout:
    """The section's content inside a frameless scroll area; returns the content's layout."""
    outer = QVBoxLayout(section)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    content = QWidget()
    scroll.setWidget(content)
    layout = QVBoxLayout(content)
    layout.setContentsMargins(*MARGINS)
    layout.setSpacing(12)
    return layout
