"""Translation catalogue upkeep: find every msgid in app/ and ui/, merge into the .po files.

    python scripts/i18n.py update     # add new msgids (empty), mark vanished ones obsolete
    python scripts/i18n.py check      # exit 1 on untranslated msgids or placeholder mismatch

msgids are the literal first argument of _(), N_() and translate() calls.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("app", "ui")
CATALOGUE = ROOT / "resources" / "i18n" / "zh_CN.po"
FUNCTIONS = {"_", "N_", "translate", "tr"}
# A comma, semicolon or colon right after a Chinese character should be full-width.
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u3400-\u9fff][,;:](?!//)")
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def extract() -> dict[str, list[str]]:
    """msgid -> places it is used."""
    found: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in FUNCTIONS and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(node.args[0].value, []).append(where)
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def load() -> Catalog:
    with CATALOGUE.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def problems() -> list[str]:
    messages = extract()
    catalogue = load() if CATALOGUE.exists() else Catalog(locale="zh_CN")
    out = []
    for msgid, places in sorted(messages.items()):
        if any(p == "" for p in placeholders(msgid)):
            out.append(f"{places[0]}: positional placeholder in {msgid!r}; name it")
        entry = catalogue.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            out.append(f"{places[0]}: untranslated: {msgid!r}")
        elif placeholders(entry.string) != placeholders(msgid):
            out.append(f"{places[0]}: placeholders differ: {msgid!r} -> {entry.string!r}")
        elif HALF_WIDTH_IN_CHINESE.search(entry.string):
            out.append(f"{places[0]}: ASCII punctuation in Chinese text: {entry.string!r}")
    return out


def update() -> None:
    messages = extract()
    old = load() if CATALOGUE.exists() else Catalog(locale="zh_CN")
    new = Catalog(locale="zh_CN", project="Custos", version="0.1",
                  charset="utf-8", fuzzy=False)
    for msgid, places in sorted(messages.items()):
        previous = old.get(msgid)
        new.add(msgid, previous.string if previous else "",
                locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places[:3]])
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with CATALOGUE.open("wb") as fh:
        write_po(fh, new, width=100, sort_output=True)


def fill(pairs_file: Path) -> None:
    """Add translations from a file of `msgid<TAB>msgstr` lines (from translators)."""
    catalogue = load()
    for line in pairs_file.read_text("utf-8").splitlines():
        if "\t" in line:
            msgid, msgstr = line.split("\t", 1)
            msgid = msgid.encode().decode("unicode_escape") if "\\n" in msgid else msgid
            if msgid in catalogue:
                catalogue[msgid].string = msgstr
    with CATALOGUE.open("wb") as fh:
        write_po(fh, catalogue, width=100, sort_output=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "fill":
        fill(Path(sys.argv[2]))
    else:
        issues = problems()
        print("\n".join(issues) or "catalogue complete")
        sys.exit(1 if issues else 0)
