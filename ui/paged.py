"""Rows by key, a page at a time: what the lazy list models share (PagedRows, and the
PagedTableModel over it).

A model holds only the keys of its rows (8 bytes each, in an array) and keeps the few most
recent pages of fetched rows, as in Anki's browser table model: a million rows scroll
smoothly, only the pages a person looks at are read, and memory stays small.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class PagedRows(Generic[Row]):
    """`load(keys)` returns one row (or None, for a row gone meanwhile) per key, in order."""

    def __init__(self, load: Callable[[array], list[Row | None]], page_size: int,
                 pages_kept: int, keys: array | None = None) -> None:
        self.keys: array = keys if keys is not None else array("q")
        self.page_size = page_size
        self.pages_kept = pages_kept
        self._load_page = load
        self._pages: OrderedDict[int, list[Row | None]] = OrderedDict()
        self.fetched: list[int] = []  # page numbers, in the order they were read

    def reset(self, keys: array) -> None:
        self.keys = keys
        self.forget()

    def forget(self) -> None:
        """Drop the cached pages: they are fetched again when asked for."""
        self._pages.clear()
        self.fetched = []

    def row(self, index: int) -> Row | None:
        if not 0 <= index < len(self.keys):
            return None
        number = index // self.page_size
        page = self._pages.get(number)
        if page is None:
            start = number * self.page_size
            page = self._load_page(self.keys[start:start + self.page_size])
            self._pages[number] = page
            self.fetched.append(number)
            while len(self._pages) > self.pages_kept:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[index - number * self.page_size]

    @property
    def cached_pages(self) -> list[int]:
        return list(self._pages)


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    """A table model whose rows are keys, read a page at a time by `load` (PagedRows)."""

    def __init__(self, load: Callable[[array], list[Row | None]], page_size: int,
                 pages_kept: int, keys: array | None = None, parent=None) -> None:
        super().__init__(parent)
        self._rows: PagedRows[Row] = PagedRows(load, page_size, pages_kept, keys)

    @property
    def ids(self) -> array:
        return self._rows.keys

    def set_ids(self, ids: array) -> None:
        self.beginResetModel()
        self._rows.reset(ids)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)
