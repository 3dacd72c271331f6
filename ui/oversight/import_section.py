"""The Import section, a wizard-like flow: the kind and the file → the first rows and a column
for each field → validate and import (progress, rows/s, Cancel) → what was imported and
what was rejected. A bad file is one sentence on the page it was chosen on."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.errors import CustosError
from app.i18n import _
from app.imports.kinds import KINDS
from app.imports.run import ImportResult, preview, run_import
from app.security import Session
from ui.oversight.common import AMBER, GREEN, RED
from ui.oversight.import_pages import (
    ALL_OR_NOTHING,
    FilePage,
    MappingPage,
    ProgressPage,
    ResultPage,
)
from ui.sections.common import section_title
from ui.worker import Task, run_in_background


def step_titles() -> list[str]:
    return [_("1. File"), _("2. Columns"), _("3. Import"), _("4. Result")]


def missing_required(kind: str, mapping: dict[str, int]) -> list[str]:
    """The labels of required fields that have no column yet."""
    return [_(f.label) for f in KINDS[kind] if f.required and f.key not in mapping]


def result_sentence(result: ImportResult, all_or_nothing: bool) -> tuple[str, str]:
    """The outcome in one sentence, and its colour."""
    rejected = len(result.rejected)
    if rejected and all_or_nothing:
        return _("Nothing was imported because some rows were rejected (rejected: {count}). "
                 "Correct them and import the file again.").format(count=rejected), RED
    if rejected:
        return _("Imported: {imported}. Rejected and written to the error workbook: {count}."
                 ).format(imported=result.imported, count=rejected), AMBER
    return _("Every row was accepted. Imported: {imported}; already present: {present}."
             ).format(imported=result.imported, present=result.already_present), GREEN


class ImportSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = ""
        self.path: Path | None = None
        self.task: Task | None = None
        self.result: ImportResult | None = None
        self._started = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Import")))
        self.steps = QLabel()
        layout.addWidget(self.steps)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.file_page = FilePage()
        self.mapping_page = MappingPage()
        self.progress_page = ProgressPage()
        self.result_page = ResultPage()
        for page in (self.file_page, self.mapping_page, self.progress_page, self.result_page):
            self.stack.addWidget(page)
        self.file_page.next.clicked.connect(self.read_preview)
        self.file_page.path.returnPressed.connect(self.read_preview)
        self.mapping_page.back.clicked.connect(lambda: self._go(self.file_page))
        self.mapping_page.start.clicked.connect(self.start_import)
        self.progress_page.cancel.clicked.connect(self.cancel)
        self.result_page.again.clicked.connect(lambda: self._go(self.file_page))
        self.result_page.open_folder.clicked.connect(self.open_error_folder)
        self._go(self.file_page)

    def _go(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        current = self.stack.currentIndex()
        self.steps.setText("  ›  ".join(
            f"<b style='color:#1f5fa8'>{t}</b>" if i == current else
            f"<span style='color:#7a8491'>{t}</span>" for i, t in enumerate(step_titles())))

    # -- step 1 → 2 ---------------------------------------------------------------------

    def read_preview(self) -> None:
        page = self.file_page
        page.error.hide()
        path = page.chosen_path()
        if path is None:
            page.error.setText(_("Choose the file to import."))
            page.error.show()
            return
        session, kind = self.session, page.chosen_kind()
        page.next.setEnabled(False)
        run_in_background(self, lambda _p: preview(session, kind, path),
                          lambda found: self._previewed(kind, path, found),
                          self._preview_failed, label=_("Reading the file…"))

    def _preview_failed(self, error: CustosError) -> None:
        self.file_page.next.setEnabled(True)
        self.file_page.error.setText(str(error))
        self.file_page.error.show()

    def _previewed(self, kind: str, path: Path, found) -> None:
        self.file_page.next.setEnabled(True)
        headers, mapping, rows = found
        self.kind, self.path = kind, path
        self.mapping_page.show_preview(kind, path.name, headers, mapping, rows)
        self._go(self.mapping_page)

    # -- step 2 → 3 → 4 -----------------------------------------------------------------

    def start_import(self) -> None:
        page = self.mapping_page
        mapping = page.mapping()
        missing = missing_required(self.kind, mapping)
        if missing:
            page.error.setText(_("Choose the column that holds {field}.").format(
                field=missing[0]))
            page.error.show()
            return
        if self.path is None:
            return
        session, kind, path = self.session, self.kind, self.path
        strict = page.choice.checkedId() == ALL_OR_NOTHING
        self.progress_page.begin(path.name)
        self._go(self.progress_page)
        self._started = time.monotonic()
        self.task = run_in_background(
            self, lambda progress: run_import(session, kind, path, mapping, strict, progress),
            lambda result: self._imported(result, strict), self._import_failed,
            show_after_ms=None, on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress_page.show_progress(done, total, time.monotonic() - self._started)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.progress_page.cancel.setEnabled(False)
            self.progress_page.rate.setText(_("Cancelling…"))

    def _import_failed(self, error: CustosError) -> None:
        self.task = None
        self.mapping_page.error.setText(str(error))
        self.mapping_page.error.show()
        self._go(self.mapping_page)

    def _imported(self, result: ImportResult, strict: bool) -> None:
        self.task = None
        self.result = result
        sentence, colour = result_sentence(result, strict)
        page = self.result_page
        page.sentence.setText(sentence)
        page.sentence.setStyleSheet(f"font-size: 14px; color: {colour};")
        page.show_result(result)
        self._go(page)

    def open_error_folder(self) -> None:
        if self.result is not None and self.result.error_book is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.error_book.parent)))
