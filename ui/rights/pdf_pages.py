"""PDF pages as images, with PDFium (pypdfium2): for the preview and for printing.

No Pillow and no numpy: PDFium renders into an RGBx buffer that QImage reads directly.
PDFium is not thread-safe, so every use goes through one lock; QImage (not QPixmap) may be
made on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

from app.errors import CustosError
from app.i18n import _
from app.pdfium import LOCK

POINTS_PER_INCH = 72
_lock = LOCK  # shared with app/: one PDFium user at a time in the whole process


class UnreadablePdf(CustosError):
    """The bytes are not a PDF PDFium can open (or the password is wrong)."""


def _open(data: bytes, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError:
        raise UnreadablePdf(_("The PDF could not be opened; if it is protected, its password "
                              "is needed.")) from None


def _image(page: pdfium.PdfPage, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True)
    try:
        # RGBx bytes in memory order: Format_RGBX8888 on any byte order. copy() because
        # the buffer belongs to PDFium and is freed with the bitmap.
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBX8888).copy()
    finally:
        bitmap.close()
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def page_count(data: bytes, password: str | None = None) -> int:
    with _lock:
        document = _open(data, password)
        try:
            return len(document)
        finally:
            document.close()


def render_page(data: bytes, index: int, dpi: float, password: str | None = None) -> QImage:
    """One page (from 0), `dpi` dots per inch of paper."""
    with _lock:
        document = _open(data, password)
        try:
            page = document[index]
            try:
                return _image(page, dpi)
            finally:
                page.close()
        finally:
            document.close()


def render_pages(data: bytes, dpi: float, password: str | None = None,
                 progress: Callable[[int, int], bool] | None = None) -> list[QImage]:
    """Every page, in order; stops early (returning what it has) if `progress` says so."""
    images: list[QImage] = []
    with _lock:
        document = _open(data, password)
        try:
            total = len(document)
            for index in range(total):
                page = document[index]
                try:
                    images.append(_image(page, dpi))
                finally:
                    page.close()
                if progress is not None and not progress(index + 1, total):
                    break
        finally:
            document.close()
    return images
