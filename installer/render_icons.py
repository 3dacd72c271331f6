"""Render custos.svg into custos.png (256 px, for Linux) and custos.ico (for Windows).

Run after changing the SVG: `QT_QPA_PLATFORM=offscreen .venv/bin/python installer/render_icons.py`.
The ICO holds PNG-compressed images at the sizes Windows asks for (Vista and later read them).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 stands for 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(HERE / "custos.svg"))
    if not renderer.isValid():
        print("custos.svg did not load", file=sys.stderr)
        return 1
    (HERE / "custos.png").write_bytes(png_bytes(render(renderer, 256)))
    pngs = [png_bytes(render(renderer, size)) for size in ICO_SIZES]
    (HERE / "custos.ico").write_bytes(ico_bytes(pngs, ICO_SIZES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
