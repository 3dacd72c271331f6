"""A held copy as files a manager can look at from the command line (`custos request pages`).

An access copy becomes one PNG per page, rendered with PDFium (the same renderer as the
GUI's preview), so a password-protected copy can be looked at without its password, which
only the customer and the clerk saw. Portable data becomes its three member files (opened
with the held password if it is protected). No Qt and
no Pillow: the PNGs are encoded here with zlib.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pypdfium2 as pdfium

from app.errors import CustosError
from app.i18n import _
from app.pdfium import LOCK
from app.rights import aes_zip
from app.store.atomic import write_atomic

PAGE_DPI = 110  # readable on screen; an A4 page is ~900 × 1280 pixels
PORTABLE_MEMBERS = ("README.txt", "data.json", "data.xlsx")


class UnreadableCopy(CustosError):
    pass


def _png(width: int, height: int, stride: int, rgb: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + rgb[y * stride:y * stride + width * 3] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def pdf_pages_png(data: bytes, password: str | None, dpi: int = PAGE_DPI) -> list[bytes]:
    with LOCK:
        try:
            pdf = pdfium.PdfDocument(data, password=password)
        except pdfium.PdfiumError:
            raise UnreadableCopy(_("The PDF could not be opened; if it is protected, its password "
                                   "is needed.")) from None
        out = []
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                # BGR reversed: RGB bytes, 3 per pixel, rows `stride` apart.
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
                out.append(_png(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
                bitmap.close()
                page.close()
        finally:
            pdf.close()
        return out


def write_pages(kind: str, request_no: str, data: bytes, password: str | None,
                out_dir: Path) -> list[Path]:
    """The files written for the manager, in reading order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if kind == "access_copy":
        for number, png in enumerate(pdf_pages_png(data, password), start=1):
            target = out_dir / f"{request_no}-page-{number:03d}.png"
            write_atomic(target, png)
            written.append(target)
        return written
    members = portable_members(data, password)
    for name in PORTABLE_MEMBERS:  # our own names only: never a path from inside the file
        target = out_dir / f"{request_no}-{name}"
        write_atomic(target, members[name])
        written.append(target)
    return written


def portable_members(data: bytes, password: str | None) -> dict[str, bytes]:
    """The portable file's members, opened with its password if it has one."""
    if password:
        return aes_zip.read(data, password)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in PORTABLE_MEMBERS}
