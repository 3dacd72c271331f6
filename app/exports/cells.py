"""One rule for every cell Custos writes to a spreadsheet (XLSX or CSV).

Text that a spreadsheet would run as a formula — it begins with `=`, `+`, `-`, `@`, a tab or
a carriage return (OWASP's CSV-injection list) — gets a leading apostrophe, so it is shown as
the text it is and never evaluated: a customer called `=HYPERLINK(...)` stays a name. Plain
signed numbers written as text (`-12.50`) cannot do harm and are left alone. Characters an
XLSX file cannot hold (C0 controls other than tab, newline and carriage return) are replaced
with U+FFFD, so old data entered before the validators refused them never makes an export
fail. Numbers, dates and empty cells pass through unchanged: numbers stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def safe_cell(value: object) -> object:
    """The value as it may be written to a cell: never a formula, never an illegal char."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]


__all__ = ["FORMULA_STARTS", "safe_cell", "safe_row"]
