"""A held copy on screen: the manager's review before release, and the hand-over after it.

- ReleaseDialog: the pages of an access copy (PreviewDialog's rendering) without Print or
  Save; its Release button comes alive only once the pages are on screen. Portable data
  shows its files instead (PortableReviewDialog). app/ checks the rest: that this manager
  was shown exactly the bytes held now.
- HandOverDialog: the released access copy, with Print and Save; each print and each save
  first asks app/ for the copy again, which logs the hand-over (or refuses).
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import N_, _
from app.rights.copies import CopyBytes, handover_copy
from app.rights.model import ArtefactKind
from app.rights.pages import portable_members
from app.rights.requests import release_artefact
from app.security import Session
from ui.dialogs import hint_label
from ui.rights.common import ask_save_path, save_bytes
from ui.rights.preview import PreviewDialog
from ui.sections.common import set_status
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

REVIEW_NOTE = N_("Look at every page: this is exactly what the customer will receive. "
                 "Release it only if it is right; nobody can print, save or hand it over "
                 "before you do.")


class _Releasing:
    """The Release row both review dialogs share; `release_button` starts disabled."""

    session: Session
    copy: CopyBytes
    status: QLabel

    def add_release_row(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.release_hint = hint_label(_("Release is possible once the pages are shown."))
        row.addWidget(self.release_hint, 1)
        self.release_button = QPushButton(_("Release to the customer"))
        self.release_button.setObjectName("release-copy")
        self.release_button.setEnabled(False)
        self.release_button.clicked.connect(self.release)
        self.release_button.setAutoDefault(False)  # releasing is a click, never an Enter
        row.addWidget(self.release_button)
        layout.addLayout(row)

    def pages_shown(self) -> None:
        self.release_button.setEnabled(True)
        self.release_hint.setText(_("Checksum of what you see: {checksum}").format(
            checksum=self.copy.sha256[:16] + "…"))

    def release(self) -> None:
        session, copy = self.session, self.copy
        self.release_button.setEnabled(False)

        def failed(sentence: CustosError) -> None:
            set_status(self.status, sentence, ok=False)
            self.release_button.setEnabled(True)

        run_in_background(self, lambda _progress: release_artefact(  # type: ignore[arg-type]
            session, copy.request_no, copy.sha256), lambda _r: self.accept(), failed,
            label=_("Releasing the copy…"))


class ReleaseDialog(PreviewDialog, _Releasing):
    def __init__(self, session: Session, copy: CopyBytes, parent: QWidget | None = None) -> None:
        super().__init__(copy.data, _("Release {kind} of request {number}").format(
            kind=ArtefactKind(copy.kind).label, number=copy.request_no), copy.file_name,
            copy.password, _(REVIEW_NOTE), parent)
        self.session, self.copy = session, copy
        # Nothing leaves before the release, not even to the manager's printer.
        self.print_button.hide()
        self.save_button.hide()
        self.close_button.setText(_("Cancel"))
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.reject)
        self.add_release_row(self.layout())

    def _show_pages(self, images: list[QImage], ratio: float, generation: int) -> None:
        super()._show_pages(images, ratio, generation)
        if generation == self._generation and self.page_labels:
            self.pages_shown()


class PortableReviewDialog(QDialog, _Releasing):
    """The portable data's files, as the customer will find them in the ZIP."""

    def __init__(self, session: Session, copy: CopyBytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.copy = session, copy
        self.setWindowTitle(_("Release {kind} of request {number}").format(
            kind=ArtefactKind(copy.kind).label, number=copy.request_no))
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(_(REVIEW_NOTE)))
        self.files = QTabWidget()
        members = portable_members(copy.data, copy.password)
        for name in ("README.txt", "data.json"):
            text = members[name].decode("utf-8", "replace")
            if name == "data.json":
                text = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
            view = QPlainTextEdit(text)
            view.setReadOnly(True)
            self.files.addTab(view, name)
        sheet_note = hint_label(_("data.xlsx holds the same data as data.json, one "
                                  "sheet per category ({size} bytes).").format(
            size=len(members["data.xlsx"])))
        sheet_note.setContentsMargins(*TAB_MARGINS)
        sheet_note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.files.addTab(sheet_note, "data.xlsx")
        self.files.setCurrentIndex(1)
        layout.addWidget(self.files, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.add_release_row(layout)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.rejected.connect(self.reject)
        layout.addWidget(cancel)
        self.pages_shown()  # the files are on screen as soon as the dialog is


class HandOverDialog(PreviewDialog):
    """The released access copy; printing and saving each log a hand-over first."""

    def __init__(self, session: Session, copy: CopyBytes, parent: QWidget | None = None) -> None:
        super().__init__(copy.data, ArtefactKind(copy.kind).label, copy.file_name,
                         copy.password, _("Released by a manager. Each print and each save is "
                                          "registered with your name."), parent)
        self.session, self.copy = session, copy

    def _hand_over(self, how: str) -> bytes | None:
        try:
            return handover_copy(self.session, self.copy.request_no, self.copy.sha256,
                                 how=how).data
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return None

    def print_to(self, printer: QPrinter) -> bool:
        if self._hand_over("printed") is None:
            return False
        return super().print_to(printer)

    def save_as(self) -> None:
        target = ask_save_path(self, _("Save as"), self.suggested_name, _("PDF files (*.pdf)"))
        if target is None:
            return
        data = self._hand_over("saved")
        if data is None:
            return
        try:
            save_bytes(target, data)
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        set_status(self.status, _("Saved as {file}.").format(file=str(target)), ok=True)
