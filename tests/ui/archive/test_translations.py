"""Every string of the archive screens has its Simplified Chinese, placeholders named and
equal; and the screens build in Chinese.

Until zh_CN.tsv beside this file is merged into resources/i18n/zh_CN.po, the pair of them
is the catalogue for these screens.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app import i18n
from app.security import Role
from ui.archive.approvals import ApprovalsSection
from ui.archive.section import ArchiveSection
from ui.language import apply_language

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_"}
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,.:;?!()]|[,:;?!(][\u4e00-\u9fff]")


def msgids() -> set[str]:
    found = set()
    for path in (ROOT / "ui" / "archive").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def extra() -> dict[str, str]:
    table = {}
    for line in (Path(__file__).parent / "zh_CN.tsv").read_text("utf-8").splitlines():
        msgid, msgstr = line.split("\t", 1)
        table[msgid] = msgstr
    return table


def catalogue() -> dict[str, str]:
    with (ROOT / "resources" / "i18n" / "zh_CN.po").open("rb") as fh:
        table = {m.id: m.string for m in read_po(fh, locale="zh_CN")
                 if m.id and m.string and not m.fuzzy}
    for msgid, msgstr in extra().items():
        table.setdefault(msgid, msgstr)
    return table


def test_every_msgid_translated_with_the_same_named_placeholders():
    table = catalogue()
    used = msgids()
    assert len(used) > 200
    problems = []
    for msgid in sorted(used):
        names = set(PLACEHOLDER.findall(msgid))
        if "" in names:
            problems.append(f"positional placeholder: {msgid!r}")
        if not table.get(msgid):
            problems.append(f"untranslated: {msgid!r}")
        elif set(PLACEHOLDER.findall(table[msgid])) != names:
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == []


def test_the_chinese_uses_full_width_punctuation():
    assert [s for s in extra().values() if HALF_WIDTH.search(s)] == []


@pytest.fixture
def chinese():
    table = i18n._load("zh_CN")
    added = {k: v for k, v in extra().items() if k not in table}
    table.update(added)
    apply_language("zh_CN")
    yield
    apply_language("en")
    for key in added:
        table.pop(key, None)


def test_the_screens_speak_chinese(qtbot, chinese, login, moving_clock):
    section = ArchiveSection(login(Role.ARCHIVE))
    qtbot.addWidget(section)
    titles = [section.tabs.tabText(i) for i in range(section.tabs.count())]
    assert titles == ["查找", "登记", "借出", "归还", "超期", "销毁", "移交"]
    assert section.borrow.lend_button.text() == "借出"
    approvals = ApprovalsSection(login(Role.MANAGER))
    qtbot.addWidget(approvals)
    assert approvals.loans.approve_button.text() == "批准…"
