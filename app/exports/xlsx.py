"""Any list a person sees — search results, cases, loans, requests, the audit log — as an
XLSX with a frozen header, sensible column widths and an auto-filter. Rows come from the
services already masked for the person's role; the export itself is an audit event (and a
large one raises the bulk-export alert)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app import audit
from app.compliance.export_approvals import approved_write
from app.errors import StoreError
from app.exports.cells import safe_row
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.atomic import write_atomic


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> tuple[bytes, int]:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Sheet"
    sheet.append(safe_row(headers))
    widths = [max(8, len(str(h)) * 2) for h in headers]
    count = 0
    for row in rows:
        values = safe_row(row)
        sheet.append(values)
        for i, v in enumerate(values[:len(widths)]):
            widths[i] = min(60, max(widths[i], len(str(v or "")) + 2))
        count += 1
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6ECF3")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


@requires(Permission.OWN_ACCOUNT)
def export_list(session: Session, what: str, title: str, headers: Sequence[str],
                rows: Iterable[Sequence[object]], out: Path) -> int:
    """Write the list the person is looking at; returns the number of rows."""
    data, count = workbook_bytes(title, headers, rows)
    try:
        with approved_write(session, what, count, Path(out).name):
            write_atomic(Path(out), data)
    except OSError as error:
        raise StoreError(_("{name} could not be written: {problem}. Nothing was saved.").format(
            name=Path(out).name, problem=error.strerror or type(error).__name__)) from None
    audit.record(session.db, actor=session.username, action=f"export.{what}",
                 detail={"rows": count, "file": Path(out).name})
    return count
