"""A PDF on screen before it goes to the customer: pages, zoom, print, save.

A courtesy for the clerk: what the customer receives is the PDF bytes, unchanged. Pages
are rendered on a worker thread (PDFium, see pdf_pages), again at each zoom step so they
stay sharp; printing renders each page once more at the printer's resolution.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import _
from ui.dialogs import hint_label
from ui.lifetime import delete_later
from ui.printing import PrintFailed, choose_and_print, print_on
from ui.rights.common import ask_save_path, save_bytes
from ui.rights.pdf_pages import page_count, render_page, render_pages
from ui.sections.common import set_status
from ui.worker import run_in_background

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5)  # 150 % of 15 A4 pages is already ~120 MB of pixels
SCREEN_DPI = 96
PRINT_DPI_MAX = 300  # sharper than this only costs memory


class PreviewDialog(QDialog):
    def __init__(self, data: bytes, title: str, suggested_name: str,
                 password: str | None = None, note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data, self.password, self.suggested_name = data, password, suggested_name
        self.setWindowTitle(title)
        self.resize(900, 820)
        self.zoom_index = ZOOMS.index(1.0)
        self.page_labels: list[QLabel] = []
        self._generation = 0

        layout = QVBoxLayout(self)
        if note:
            layout.addWidget(hint_label(note))
        bar = QHBoxLayout()
        self.zoom_out = QPushButton("−")
        self.zoom_out.setToolTip(_("Zoom out"))
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(50)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in = QPushButton("+")
        self.zoom_in.setToolTip(_("Zoom in"))
        self.pages_label = QLabel()
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        self.close_button = QPushButton(_("Close"))
        for widget in (self.zoom_out, self.zoom_label, self.zoom_in):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(widget)
        layout.addLayout(bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #8a929c; }")
        self.sheet = QWidget()
        self.sheet.setStyleSheet("background: #8a929c;")
        self.sheet_layout = QVBoxLayout(self.sheet)
        self.sheet_layout.setSpacing(14)
        self.sheet_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setWidget(self.sheet)
        layout.addWidget(self.scroll, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom_index - 1))
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom_index + 1))
        self.print_button.clicked.connect(self.choose_printer)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.accept)
        # Enter closes (or, in a review, cancels): it never zooms, prints or saves.
        for button in (self.zoom_out, self.zoom_in, self.print_button, self.save_button):
            button.setAutoDefault(False)
        self.close_button.setDefault(True)
        self.set_zoom(self.zoom_index)

    # -- pages --------------------------------------------------------------------------

    def zoom(self) -> float:
        return ZOOMS[self.zoom_index]

    def set_zoom(self, index: int) -> None:
        self.zoom_index = max(0, min(index, len(ZOOMS) - 1))
        self.zoom_label.setText(f"{round(self.zoom() * 100)} %")
        self.zoom_out.setEnabled(self.zoom_index > 0)
        self.zoom_in.setEnabled(self.zoom_index < len(ZOOMS) - 1)
        self._render()

    def _render(self) -> None:
        self._generation += 1
        generation = self._generation
        ratio = self.devicePixelRatioF()
        dpi = SCREEN_DPI * self.zoom() * ratio
        data, password = self.data, self.password
        run_in_background(
            self, lambda progress: render_pages(data, dpi, password, progress),
            lambda images: self._show_pages(images, ratio, generation),
            lambda sentence: set_status(self.status, sentence, ok=False),
            label=_("Showing the pages…"))

    def _show_pages(self, images: list[QImage], ratio: float, generation: int) -> None:
        if generation != self._generation:
            return  # a later zoom step is on its way
        while self.page_labels:
            label = self.page_labels.pop()
            self.sheet_layout.removeWidget(label)
            delete_later(label)
        for image in images:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel()
            label.setPixmap(pixmap)
            label.setStyleSheet("background: white; border: 1px solid #5d646d;")
            self.sheet_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        self.pages_label.setText(_("Pages: {count}").format(count=len(images)))

    # -- print and save -----------------------------------------------------------------

    def choose_printer(self) -> QPrintDialog:
        # Through print_to, so that a dialog which logs each print (HandOverDialog) does.
        return choose_and_print(self, _("Print"), self.print_to)

    def print_to(self, printer: QPrinter) -> bool:
        """Each page drawn to fit the paper; True if every page went to the printer."""
        return print_on(printer, self._draw_pages, self._report)

    def _report(self, sentence: str, ok: bool) -> None:
        set_status(self.status, sentence, ok=ok)

    def _draw_pages(self, printer: QPrinter) -> None:
        printer.setFullPage(True)  # the PDF pages carry their own margins
        dpi = min(printer.resolution(), PRINT_DPI_MAX)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(_("The printer could not be started."))
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for index in range(page_count(self.data, self.password)):
                if index and not printer.newPage():
                    raise PrintFailed(_("The printer stopped before the last page."))
                image = render_page(self.data, index, dpi, self.password)
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(area.x() + (area.width() - size.width()) // 2,
                                        area.y(), size.width(), size.height()), image)
        finally:
            painter.end()
            QGuiApplication.restoreOverrideCursor()

    def save_as(self) -> None:
        target = ask_save_path(self, _("Save as"), self.suggested_name, _("PDF files (*.pdf)"))
        if target is None:
            return
        try:
            save_bytes(target, self.data)
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        set_status(self.status, _("Saved as {file}.").format(file=str(target)), ok=True)
