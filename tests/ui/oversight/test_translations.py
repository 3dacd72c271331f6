"""Every string of the oversight screens has its Simplified Chinese, placeholders named and
equal — and the screens build in Chinese.

Until zh_CN.tsv beside this file is merged into resources/i18n/zh_CN.po, the pair of them
is the catalogue for these screens.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from app import i18n
from ui.language import apply_language
from ui.oversight.alerts import AlertsSection
from ui.oversight.dashboard import DashboardSection
from ui.oversight.import_section import ImportSection

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_", "translate", "tr"}
HERE = Path(__file__).parent


def msgids() -> set[str]:
    found = set()
    for path in (ROOT / "ui" / "oversight").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def ours() -> dict[str, str]:
    table = {}
    for line in (HERE / "zh_CN.tsv").read_text("utf-8").splitlines():
        msgid, msgstr = line.split("\t", 1)
        table[msgid] = msgstr
    return table


def catalogue() -> dict[str, str]:
    with (ROOT / "resources" / "i18n" / "zh_CN.po").open("rb") as fh:
        table = {m.id: m.string for m in read_po(fh, locale="zh_CN")
                 if m.id and m.string and not m.fuzzy}
    for msgid, msgstr in ours().items():
        table.setdefault(msgid, msgstr)
    return table


def test_every_msgid_translated_with_the_same_named_placeholders():
    table = catalogue()
    used = msgids()
    assert len(used) > 150
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


def test_the_tsv_holds_only_msgids_in_use_and_chinese_punctuation():
    table, used = ours(), msgids()
    assert set(table) == used
    for msgstr in table.values():
        if any("\u4e00" <= ch <= "\u9fff" for ch in msgstr):
            assert not re.search(r"[\u4e00-\u9fff][,:;.?!]", msgstr), msgstr


def test_the_sections_build_in_chinese(manager, shown, monkeypatch):
    table = dict(i18n._load("zh_CN"))
    table.update({k: v for k, v in ours().items() if k not in table or not table[k]})
    monkeypatch.setitem(i18n._catalogues, "zh_CN", table)
    apply_language("zh_CN")
    dash = shown(DashboardSection(manager))
    assert dash.tiles["cases_open"].title.text() == "未结工单"
    alerts = shown(AlertsSection(manager))
    assert alerts.show_done.text() == "同时显示已确认的告警"
    flow = shown(ImportSection(manager))
    assert "2. 列" in flow.steps.text()
