"""What a person sees as broken layout, measured on live widgets: text cut off in a label,
a table column narrower than its header or content (or lying past the view's right edge),
a page that scrolls. Used by the layout tests and by the screenshot tour. Not a test."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QTreeView,
    QWidget,
)

SLACK = 2  # pixels of rounding a style may lose without cutting a glyph


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels and buttons whose text needs more room than they got: one-line labels
    too narrow, wrapped labels too short for their lines."""
    found = []
    for label in root.findChildren(QLabel):
        if not _shown(label) or not label.text().strip() or (
                label.pixmap() is not None and not label.pixmap().isNull()):
            continue
        if label.wordWrap():
            if label.height() + SLACK < label.heightForWidth(label.width()):
                found.append(f"label {label.text()[:40]!r}: {label.height()}px high < "
                             f"{label.heightForWidth(label.width())}px of lines")
        elif label.width() + SLACK < label.minimumSizeHint().width():
            found.append(f"label {label.text()[:40]!r}: {label.width()} < "
                         f"{label.minimumSizeHint().width()}")
    for button in root.findChildren(QAbstractButton):
        if _shown(button) and button.text() and \
                button.width() + SLACK < button.minimumSizeHint().width():
            found.append(f"button {button.text()[:40]!r}: {button.width()} < "
                         f"{button.minimumSizeHint().width()}")
    return found


def clipped_columns(view: QTableView | QTreeView, rows: int = 30) -> list[str]:
    """Columns narrower than their header text or their first `rows` cells (stretched and
    interactive last columns included), and columns that start past the view's right edge."""
    header: QHeaderView = view.horizontalHeader() if isinstance(view, QTableView) \
        else view.header()
    model = view.model()
    if model is None or not _shown(view):
        return []
    found = []
    right = view.viewport().width()
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = header.sectionSize(column)
        start = header.sectionViewportPosition(column)
        if start >= right:
            found.append(f"column {title!r} off-screen (starts at {start} of {right})")
            continue
        wanted = header.sectionSizeFromContents(column).width()
        for row in range(min(rows, model.rowCount())):
            wanted = max(wanted, view.sizeHintForIndex(model.index(row, column)).width()
                         if isinstance(view, QTableView)
                         else view.sizeHintForColumn(column))
        visible = min(width, right - start)
        if visible + SLACK < wanted:
            found.append(f"column {title!r}: {visible}px shown < {wanted}px needed")
    return found


def scrolling_pages(root: QWidget) -> list[str]:
    """Scroll areas (pages, not tables) whose scroll bars are showing."""
    found = []
    for area in root.findChildren(QScrollArea):
        if not _shown(area):
            continue
        for name, bar in (("horizontal", area.horizontalScrollBar()),
                          ("vertical", area.verticalScrollBar())):
            if bar.isVisible() and bar.maximum() > 0:
                found.append(f"{area.objectName() or type(area.widget()).__name__} scrolls "
                             f"{name} ({bar.maximum()}px)")
    return found


def layout_problems(root: QWidget) -> list[str]:
    problems = clipped_labels(root) + scrolling_pages(root)
    for view in root.findChildren(QTableView) + root.findChildren(QTreeView):
        problems += clipped_columns(view)
    return problems
