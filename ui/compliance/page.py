"""What the compliance file's list tabs (partners, staff) share: their listing read on the
worker each time the tab is shown, forms opened over it that refresh it once done, a PDF
saved in the background, a row of buttons and one status line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.security import Session
from ui.lifetime import delete_on_close
from ui.rights.common import save_bytes
from ui.sections.common import set_status
from ui.worker import run_in_background


def button_bar(layout: QVBoxLayout, spec) -> dict[str, QPushButton]:
    """Buttons (object name, text, slot) on the right of a row under `layout`'s content."""
    bar = QHBoxLayout()
    bar.addStretch(1)
    out = {}
    for key, text, slot in spec:
        button = QPushButton(text)
        button.setObjectName(key)
        button.clicked.connect(slot)
        bar.addWidget(button)
        out[key] = button
    layout.addLayout(bar)
    return out


class ListingPage(QWidget):
    """Subclasses read their listing in `load` (on the worker) and draw it in `show_listing`
    (on the window's thread); they place `self.status` in their layout."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.child: QWidget | None = None  # the form last opened (tests look at it)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()

    def load(self) -> Any:
        raise NotImplementedError

    def show_listing(self, listing: Any, sentence: str) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self, sentence: str = "") -> None:
        run_in_background(self, lambda _p: self.load(), lambda found: self.show_listing(
            found, sentence), lambda error: set_status(self.status, error, ok=False),
            show_after_ms=None)

    def open_form(self, dialog, sentence: str):
        """Open `dialog` over the page; once it is done the listing is read again."""
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.refresh(sentence))
        self.child = dialog
        dialog.open()
        return dialog

    def write_pdf(self, target, make: Callable[[], bytes]) -> None:
        """`make()` (the PDF, audited by its service) written to `target` on the worker."""
        run_in_background(
            self, lambda _p: save_bytes(target, make()),
            lambda _none: set_status(self.status, _("The register was saved to {file}.")
                                     .format(file=str(target)), ok=True),
            lambda error: set_status(self.status, error, ok=False), label=_("Saving…"))
