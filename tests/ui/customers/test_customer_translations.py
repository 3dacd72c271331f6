"""Every msgid of the customer screens has a Simplified Chinese translation in zh_CN.tsv
(to be merged into resources/i18n/zh_CN.po), with the same named placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _msgids() -> set[str]:
    found = set()
    for path in (ROOT / "ui" / "customers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def _table() -> dict[str, str]:
    lines = (Path(__file__).parent / "zh_CN.tsv").read_text("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


def test_every_msgid_is_translated_with_the_same_placeholders():
    table, msgids = _table(), _msgids()
    assert msgids - set(table) == set()
    assert set(table) - msgids == set()  # nothing stale
    for msgid in msgids:
        placeholders = set(PLACEHOLDER.findall(msgid))
        assert "" not in placeholders, msgid  # named placeholders only
        assert set(PLACEHOLDER.findall(table[msgid])) == placeholders, msgid
        assert table[msgid].strip(), msgid
