"""Reading what branch spreadsheets really contain: XLSX or CSV, title rows merged above the
header, hidden sheets, empty trailing rows, numbers stored as floats, full-width digits,
leading apostrophes, Excel dates and date strings. Bad files get one sentence.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from app.errors import ValidationError
from app.i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
HEADER_SCAN_ROWS = 15
_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)} | {
    ord("＋"): ord("+"), ord("－"): ord("-"), ord("．"): ord("."), ord("　"): ord(" ")}
_INT_FLOAT = re.compile(r"^[+-]?\d+\.0+$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_DATE_FORMS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    header_row: int                        # 1-based row number of the header
    rows: list[tuple[int, list[str]]]      # (1-based row number, cell texts)


def cell_text(value: object) -> str:
    """One cell as the text a person typed: no float artefacts, no apostrophes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value)
    text = str(value).translate(_FULLWIDTH).strip().lstrip("'").strip()
    if _INT_FLOAT.match(text):
        return text.split(".")[0]
    if _SCIENTIFIC.match(text):
        number = float(text)
        if number.is_integer():
            return str(int(number))
    return text


def as_date(text: str) -> str:
    """A date in any of the usual forms (or an Excel serial number) as YYYY-MM-DD."""
    text = text.strip()
    if text.isdigit() and 20000 < int(text) < 80000:  # an Excel serial day number
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(text)).isoformat()
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(text[:10] if form == "%Y-%m-%d" else text, form
                                     ).date().isoformat()
        except ValueError:
            continue
    return text  # left as typed: the validator names the problem


def _find_header(rows: list[list[str]], expected: set[str]) -> int:
    """Index of the header row: the first row naming known columns, else the fullest row."""
    best, best_score = 0, -1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = {c.strip().lower() for c in row if c.strip()}
        score = len(names & expected) * 100 + len(names)
        if score > best_score:
            best, best_score = i, score
    return best


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(_("{name} is not an Excel workbook (.xlsx) or is damaged.")
                              .format(name=path.name)) from error
    try:
        sheet = next((ws for ws in book.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise ValidationError(_("{name} has no visible sheet.").format(name=path.name))
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("{name} is not a readable CSV file.").format(name=path.name))
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [cell_text(v) for v in row]


def read_sheet(path: Path, expected_headers: set[str]) -> Sheet:
    path = Path(path)
    if path.is_dir():
        raise ValidationError(_("{name} is a folder; choose a spreadsheet file (XLSX or CSV) "
                                "in it.").format(name=path.name))
    if not path.is_file():
        raise ValidationError(_("The file {name} does not exist.").format(name=path.name))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise ValidationError(_("{name} is empty.").format(name=path.name))
    if head == OLE_MAGIC:
        raise ValidationError(_("{name} is password-protected or an old .xls workbook; save "
                                "it as an unprotected .xlsx first.").format(name=path.name))
    rows = list(_csv_rows(path) if path.suffix.lower() in (".csv", ".txt")
                else _xlsx_rows(path))
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationError(_("{name} is empty.").format(name=path.name))
    header_at = _find_header(rows, {h.lower() for h in expected_headers})
    headers = [h.strip() for h in rows[header_at]]
    body = [(header_at + 2 + i, r) for i, r in enumerate(rows[header_at + 1:]) if any(r)]
    if not body:
        raise ValidationError(_("{name} has a header but no rows.").format(name=path.name))
    return Sheet(headers, header_at + 1, body)
