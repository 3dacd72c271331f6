"""The look: Fusion with a light palette, a little QSS, and the embedded CJK font as fallback."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

from app.resources import cjk_font_path

log = logging.getLogger(__name__)

WINDOW_SIZE = (1200, 760)
# The space between a tab's frame and what the tab page holds (left, top, right, bottom):
# every tab page lays out with it, so no hint or table sits flush against the frame.
TAB_MARGINS = (14, 12, 14, 12)
ACCENT = "#1f5fa8"

STYLE_SHEET = f"""
QMainWindow, QDialog, QWizard {{ background: #f6f7f9; }}
QLabel#title {{ font-size: 20px; font-weight: bold; color: #1d2733; }}
QLabel#sectionTitle {{ font-size: 18px; font-weight: bold; color: #1d2733; }}
QLabel#hint {{ color: #55606e; }}
QLabel#error {{ color: #b3261e; }}
QLabel#success {{ color: #1e6b34; }}
*[invalid="true"] {{ border: 1px solid #b3261e; border-radius: 3px; }}
QLabel#recoveryCode {{
    font-family: "DejaVu Sans Mono", "Consolas", "Courier New", monospace;
    font-size: 26px; font-weight: bold; letter-spacing: 2px; color: #1d2733;
    background: #ffffff; border: 1px solid #c9ced6; border-radius: 6px; padding: 14px;
}}
QListWidget#navigation {{
    background: #ffffff; border: none; border-right: 1px solid #dde1e7;
    font-size: 14px; outline: 0; padding-top: 8px;
}}
QListWidget#navigation::item {{ padding: 9px 14px; color: #2b3644; }}
QListWidget#navigation::item:selected {{
    background: #e6eef8; color: {ACCENT}; border-left: 3px solid {ACCENT};
}}
QListWidget#navigation::item:hover:!selected {{ background: #f1f3f6; }}
QFrame#demoBox {{
    background: #fff8e1; border: 1px solid #e0b84d; border-radius: 6px;
}}
QLabel#demoTitle {{ font-weight: bold; color: #7a5400; }}
QLabel#accessBanner {{
    background: #fff4ce; color: #5c4400; border-bottom: 1px solid #e0c97a;
    padding: 10px 16px; font-size: 14px;
}}
QWidget#lockPage {{ background: #eef1f5; }}
QFrame#card {{
    background: #ffffff; border: 1px solid #dde1e7; border-radius: 8px;
}}
QPushButton {{ padding: 5px 14px; }}
QPushButton#link {{
    border: none; background: transparent; color: {ACCENT}; text-decoration: underline;
    padding: 2px 0;
}}
QPushButton#link:disabled {{ color: #9aa3ae; }}
QPushButton:default {{ border: 1px solid {ACCENT}; }}
QStatusBar {{ background: #eceff3; border-top: 1px solid #dde1e7; }}
QStatusBar QLabel {{ color: #3b4654; padding: 0 6px; }}
QTableView {{ background: #ffffff; gridline-color: #e4e7ec; }}
QTableView::item {{ padding: 4px 10px; }}
QHeaderView::section {{
    background: #eef1f5; border: none; border-bottom: 1px solid #dde1e7; padding: 5px 10px;
}}
"""


def unbroken(text: str) -> str:
    """`text` kept on one line when its label wraps: a word joiner between characters (a
    Chinese line may otherwise break between any two) and no-break spaces."""
    return "\u2060".join(text.replace(" ", "\u00a0"))


def load_fonts(app: QApplication) -> None:
    """Make the shipped CJK font the fallback family, so Chinese renders on any PC."""
    # The real family behind the desktop's default (an alias like "Sans Serif" would let
    # the CJK font take over Latin text and punctuation too), resolved before adding ours.
    base = QFontInfo(app.font()).family()
    path = cjk_font_path()
    font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
    if font_id < 0:
        log.warning("CJK font could not be loaded")
        return
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return
    font = QFont(app.font())
    font.setFamilies([base, *(f for f in families if f != base)])
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f6f7f9"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f7fa"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#f0f2f5"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1d2733"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1d2733"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#1d2733"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor("#9aa3ae"))
    palette.setColor(disabled, QPalette.ColorRole.Button, QColor("#eef0f3"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
