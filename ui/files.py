"""Asking for a file or a folder: Qt's file dialogs, their columns wide enough to read.

The same three questions as QFileDialog's static functions (which give no hold on the
dialog): open, save as, choose a folder. Each returns the path chosen, or "" when the
person cancelled. Where the desktop's own dialog is used (Windows), it is shown as is;
in Qt's own (Linux), the Name, Size, Type and Date columns fit what they show.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QHeaderView, QTreeView, QWidget

from ui.lifetime import delete_later


def open_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    return _ask(QFileDialog(parent, title, start, filters))


def save_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return _ask(dialog)


def choose_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    dialog = QFileDialog(parent, title, start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _ask(dialog)


def fit_columns(dialog: QFileDialog) -> None:
    """The detail view's columns after the name take the width of their contents (a date
    and time in either language), the name the rest."""
    for view in dialog.findChildren(QTreeView):
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


def _ask(dialog: QFileDialog) -> str:
    fit_columns(dialog)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
    finally:
        delete_later(dialog)
