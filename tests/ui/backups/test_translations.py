"""Every string of the operations screens (and of app/backup/schedule.py) has its Simplified
Chinese, with the same named placeholders and full-width punctuation.

Until zh_CN.tsv beside this file is merged into resources/i18n/zh_CN.po, the pair of them
is the catalogue for these screens.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path

from babel.messages.pofile import read_po

from app import i18n
from ui.backups.common import age_text, when_text

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [*sorted((ROOT / "ui" / "backups").glob("*.py")),
           ROOT / "app" / "backup" / "schedule.py"]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_", "translate"}
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,:;?!()]|[,:;?!(][\u4e00-\u9fff]")


def msgids() -> set[str]:
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def tsv() -> dict[str, str]:
    table = {}
    for line in (Path(__file__).parent / "zh_CN.tsv").read_text("utf-8").splitlines():
        msgid, msgstr = line.split("\t", 1)
        assert msgid not in table, f"twice in zh_CN.tsv: {msgid!r}"
        table[msgid] = msgstr
    return table


def catalogue() -> dict[str, str]:
    with (ROOT / "resources" / "i18n" / "zh_CN.po").open("rb") as fh:
        table = {m.id: m.string for m in read_po(fh, locale="zh_CN")
                 if m.id and m.string and not m.fuzzy}
    for msgid, msgstr in tsv().items():
        table.setdefault(msgid, msgstr)
    return table


def test_every_msgid_translated_with_the_same_named_placeholders():
    table = catalogue()
    used = msgids()
    assert len(used) > 150
    problems = []
    for msgid in sorted(used):
        names = set(PLACEHOLDER.findall(msgid))
        if "" in names or any(n.isdigit() for n in names):
            problems.append(f"positional placeholder: {msgid!r}")
        if not table.get(msgid):
            problems.append(f"untranslated: {msgid!r}")
        elif set(PLACEHOLDER.findall(table[msgid])) != names:
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == []


def test_chinese_uses_full_width_punctuation():
    bad = [s for s in tsv().values() if HALF_WIDTH.search(s)]
    assert bad == []


def test_no_stale_lines_in_the_tsv():
    assert set(tsv()) <= msgids()


def test_ages_read_naturally_in_both_languages(monkeypatch):
    now = datetime(2025, 3, 10, 12, 0).astimezone()
    assert age_text(now, now) == "just now"
    assert age_text(now, now.replace(hour=11)) == "1 hour ago"
    assert age_text(now, now.replace(day=7)) == "3 days ago"
    assert when_text(now, None) == "never"
    table = dict(i18n._load("zh_CN"))
    monkeypatch.setattr(i18n, "_catalogues", {**i18n._catalogues, "zh_CN": {**tsv(), **table}})
    i18n.set_language("zh_CN")
    assert age_text(now, now.replace(day=7)) == "3 天前"
    assert when_text(now, now.replace(hour=9)).endswith("（3 小时前）")
