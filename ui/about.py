"""The About box: which Custos this is, and where its error log lies (to send to support)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__, crashlog
from app.i18n import _
from ui.lifetime import delete_on_close


def about_text() -> str:
    return _("Custos {version}: client records for telecom branches.\n\nUnexpected errors are "
             "written, without personal data, to {log}. Send that file to support when "
             "asked.").format(version=__version__, log=crashlog.log_path())


def show_about(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, _("About Custos"), about_text(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    delete_on_close(box)
    box.open()
    return box
