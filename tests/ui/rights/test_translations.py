"""Every string of the rights screens has its Simplified Chinese, placeholders named and equal.

Until zh_CN.tsv beside this file is merged into resources/i18n/zh_CN.po, the pair of them
is the catalogue for these screens.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_", "translate", "tr"}


def msgids() -> set[str]:
    found = set()
    for path in (ROOT / "ui" / "rights").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def catalogue() -> dict[str, str]:
    with (ROOT / "resources" / "i18n" / "zh_CN.po").open("rb") as fh:
        table = {m.id: m.string for m in read_po(fh, locale="zh_CN")
                 if m.id and m.string and not m.fuzzy}
    for line in (Path(__file__).parent / "zh_CN.tsv").read_text("utf-8").splitlines():
        msgid, msgstr = line.split("\t", 1)
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
