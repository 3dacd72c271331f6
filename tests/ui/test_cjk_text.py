"""Chinese text that reads as it should: bold that shows, and phrases that a wrapped line
does not split. The shipped CJK font (WenQuanYi Micro Hei) has one weight, which Qt
emboldens only from 700, so a heading at 600 was bold in English and plain in Chinese; and
a Chinese line may break between any two characters ("咨" | "询 18")."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QLabel

from ui.style import unbroken

UI = Path(__file__).resolve().parents[2] / "ui"
HALF_BOLD = re.compile(r"font-weight:\s*[56]00|QFont\.Weight\.(Medium|DemiBold)")


def test_no_screen_asks_for_a_weight_the_chinese_font_cannot_show():
    found = [f"{path.relative_to(UI)}:{number}"
             for path in UI.rglob("*.py")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if HALF_BOLD.search(line)]
    assert found == []


def test_an_unbroken_phrase_stays_on_one_line_where_plain_text_would_wrap(qtbot):
    def lines_at(text: str, width: int) -> int:
        label = QLabel(text)
        qtbot.addWidget(label)
        label.setWordWrap(True)
        return round(label.heightForWidth(width) / label.fontMetrics().lineSpacing())

    narrow = QLabel("咨询 18").fontMetrics().horizontalAdvance("咨询") // 2
    assert lines_at("咨询 18", narrow) > 1
    assert lines_at(unbroken("咨询 18"), narrow) == 1
