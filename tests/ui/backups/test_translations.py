"""The operations screens in Chinese: ages read naturally in both languages.
(Completeness of the catalogue is tests/test_i18n.py's.)
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from app import i18n
from ui.backups.common import age_text, when_text

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [*sorted((ROOT / "ui" / "backups").glob("*.py")),
           ROOT / "app" / "backup" / "schedule.py"]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_", "translate"}
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,:;?!()]|[,:;?!(][\u4e00-\u9fff]")


def test_ages_read_naturally_in_both_languages(monkeypatch):
    now = datetime(2025, 3, 10, 12, 0).astimezone()
    assert age_text(now, now) == "just now"
    assert age_text(now, now.replace(hour=11)) == "1 hour ago"
    assert age_text(now, now.replace(day=7)) == "3 days ago"
    assert when_text(now, None) == "never"
    table = dict(i18n._load("zh_CN"))
    monkeypatch.setattr(i18n, "_catalogues", {**i18n._catalogues, "zh_CN": table})
    i18n.set_language("zh_CN")
    assert age_text(now, now.replace(day=7)) == "3 天前"
    assert when_text(now, now.replace(hour=9)).endswith("（3 小时前）")
