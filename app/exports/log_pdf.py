"""The access log as a PDF: the filtered events in a table on landscape pages, with the
filter and, if the list was cut, how many events it left out. The export is audited."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from app import audit
from app.compliance.export_approvals import require_approval
from app.i18n import translate
from app.pdf import PageFrame, Paragraph, Spacer, build, esc, styles, table
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

PDF_ROW_CAP = 5000
WIDTHS = [12 * mm, 35 * mm, 22 * mm, 34 * mm, 19 * mm, 24 * mm, 28 * mm, None]


def log_pdf(headers: Sequence[str], rows: Sequence[Sequence[object]], total: int,
            filter_text: str, frame: PageFrame) -> bytes:
    """`rows` are the first of `total` matching events (newest first), already masked."""
    tr = lambda s: translate(s, frame.language)  # noqa: E731
    st = styles()
    story: list = [Paragraph(esc(frame.title), st["title"]),
                   Paragraph(esc(filter_text), st["body"])]
    if total > len(rows):
        story.append(Paragraph(esc(tr(
            "Only the newest {shown} of {total} events are printed; narrow the filter or "
            "export to XLSX for all of them.").format(shown=len(rows), total=total)),
            st["small"]))
    else:
        story.append(Paragraph(esc(tr("{count} events.").format(count=total)), st["small"]))
    story.append(Spacer(1, 3 * mm))
    if rows:
        story.append(table(headers, rows, widths=WIDTHS))
    else:
        story.append(Paragraph(esc(tr("No events match the filter.")), st["body"]))
    return build(story, frame, pagesize=landscape(A4))


@requires(Permission.OVERSIGHT)
def access_log_pdf(session: Session, headers: Sequence[str], rows: Sequence[Sequence[object]],
                   total: int, filter_text: str, frame: PageFrame) -> bytes:
    data = log_pdf(headers, rows, total, filter_text, frame)
    require_approval(session, "audit", len(rows), "access-log.pdf")
    audit.record(session.db, actor=session.username, action="export.audit",
                 detail={"rows": len(rows), "format": "pdf"})
    return data
