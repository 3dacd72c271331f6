"""Widgets that delete themselves, without taking their window down with them.

A slot connected to a dialog's signal is often a lambda holding the screen that opened it
(`dialog.accepted.connect(lambda: self.refresh())`). Qt frees that lambda while it destroys
the dialog. If the lambda held the last Python reference to the dialog's top window (a
screen built on its own, as tests do, or dropped while a dialog was still closing), that
window is deleted right there, in the middle of the dialog's destruction, and deletes the
dialog a second time: the heap is corrupted and the process aborts later somewhere else
("malloc_consolidate(): unaligned fastbin chunk detected"; found with valgrind).

So no widget here deletes itself directly: `delete_on_close` and `delete_later` first make
sure that the widget's top window outlives its destruction, and let that window go only
from the event loop, once the widget is gone.
"""

from __future__ import annotations

import weakref
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

# Top windows held while one of their widgets is being destroyed.
_held: list[QObject] = []


def delete_on_close(widget: QWidget) -> None:
    """Qt's WA_DeleteOnClose, with the widget's top window kept through the deletion."""
    _keep_root_through_destruction(widget)
    widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


def delete_later(obj: QObject) -> None:
    """QObject.deleteLater, with the object's top window kept through the deletion."""
    _keep_root_through_destruction(obj)
    obj.deleteLater()


def _keep_root_through_destruction(obj: QObject) -> None:
    root = obj.parent()
    if root is None:
        return  # a window of its own: nothing above it can be deleted with it
    while root.parent() is not None:
        root = root.parent()
    # Only a weak reference until then: the widget must not keep its window alive.
    obj.destroyed.connect(partial(_hold, weakref.ref(root)))


def _hold(root_ref: weakref.ref, *_args: object) -> None:
    # `destroyed` comes first in the destruction, before the widget's slots are freed.
    root = root_ref()
    if root is None or not isValid(root):
        return
    _held.append(root)
    QTimer.singleShot(0, partial(_release, id(root)))


def _release(root_id: int) -> None:
    for i, root in enumerate(_held):
        if id(root) == root_id:
            del _held[i]  # may delete the window, now outside any destruction
            return


def held() -> int:
    """How many windows are held right now (tests)."""
    return len(_held)
