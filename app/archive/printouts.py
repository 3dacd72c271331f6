"""The archive's printouts as PDF: barcode label sheets, box content lists, borrow slips and
destruction records — in the session's language, each print an audit event."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle
from sqlalchemy import select

from app import audit, clock
from app.archive.model import (
    BatchStatus,
    BorrowerKind,
    DestructionMethod,
    FileKind,
    FileStatus,
    LoanStatus,
)
from app.archive.queries import (
    branch_name,
    file_from_row,
    file_row,
    file_select,
    loan_row,
    normalise_file_no,
)
from app.archive.tables import destruction_batch, destruction_item, paper_file
from app.errors import NotFound, ValidationError
from app.i18n import _, current_language
from app.pdf import FONT, PageFrame, Paragraph, Spacer, build, esc, key_values, styles, table
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.atomic import write_atomic

LABEL_COLUMNS, LABEL_ROWS = 3, 8
LABEL_W, LABEL_H = 56 * mm, 31 * mm   # 3 x 8 fit inside the page frame's margins
BAR_WIDTH = 0.33 * mm
NO_VALUE = "—"


def _barcode(value: str, height: float, max_width: float) -> Code128:
    """Code 128 at 0.33 mm a bar, narrowed only if a long number would not fit."""
    width = BAR_WIDTH
    for _attempt in range(2):
        code = Code128(value, barWidth=width, barHeight=height, humanReadable=False, fontName=FONT,
                       lquiet=10 * width, rquiet=10 * width)
        if code.width <= max_width:
            return code
        width = width * max_width / code.width
    return code


def _fit(text: str, size: float, width: float) -> float:
    """The font size at which `text` fits `width` (never above `size`, never below 5)."""
    needed = stringWidth(text, FONT, size)
    return size if needed <= width else max(5.0, size * width / needed)


class _Label(Flowable):
    """One sticker: barcode, the number in text, kind and box; a light cut mark around it."""

    def __init__(self, file_no: str, kind: str, box: str) -> None:
        super().__init__()
        self.file_no, self.kind, self.box = file_no, kind, box
        self.width, self.height = LABEL_W, LABEL_H

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        c, w, h = self.canv, self.width, self.height
        c.saveState()
        c.setStrokeColor(colors.HexColor("#c8c8c8"))
        c.setLineWidth(0.3)
        c.setDash(2, 2)
        c.rect(0, 0, w, h)
        c.setDash()
        code = _barcode(self.file_no, 12 * mm, w - 4 * mm)
        code.drawOn(c, (w - code.width) / 2, h - 3 * mm - 12 * mm)
        c.setFillColor(colors.black)
        size = _fit(self.file_no, 11, w - 6 * mm)
        c.setFont(FONT, size)
        c.drawCentredString(w / 2, h - 20.5 * mm, self.file_no)
        line = _("{kind} · Box {box}").format(kind=self.kind, box=self.box or NO_VALUE)
        size = _fit(line, 8, w - 6 * mm)
        c.setFont(FONT, size)
        c.drawCentredString(w / 2, 4 * mm, line)
        c.restoreState()


def _frame(session: Session, conn, title: str, reference: str = "") -> PageFrame:
    return PageFrame(branch=branch_name(conn), title=title,
                     generated_by=session.display_name or session.username,
                     generated_at=clock.local_text(clock.stamp()),
                     language=current_language(), reference=reference)


def _deliver(session: Session, data: bytes, out: Path | str | BytesIO | None, action: str,
             customer_ref: str | None, detail: dict) -> bytes:
    """The print is logged and the file written in one transaction: both happen, or neither."""
    with session.db.write() as conn:
        audit.append(conn, session.db, actor=session.username, action=action,
                     customer_ref=customer_ref, detail=detail)
        if isinstance(out, BytesIO):
            out.write(data)
        elif out is not None:
            try:
                write_atomic(Path(out), data, mode=0o600)
            except OSError:
                raise ValidationError(_("The PDF cannot be saved as {name}; choose another "
                                        "folder or name.").format(name=Path(out).name),
                                      field="out") from None
    return data


def _day(stamp: str | None) -> str:
    return clock.local_text(stamp)[:10] if stamp else NO_VALUE


def _compact(t: Table) -> Table:
    """Narrow cell padding, so that dates and file numbers fit their columns unbroken."""
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return t


def _signatures(captions: list[str]) -> Table:
    """Signature lines side by side, each with its caption under the line."""
    st = styles()
    gap = 8 * mm
    width = min(80 * mm, (168 * mm - gap * (len(captions) - 1)) / len(captions))
    top, bottom, widths, style = [], [], [], [("FONTNAME", (0, 0), (-1, -1), FONT)]
    for i, caption in enumerate(captions):
        if i:
            top.append("")
            bottom.append("")
            widths.append(gap)
        column = len(widths)
        top.append("")
        bottom.append(Paragraph(esc(caption), st["small"]))
        widths.append(width)
        style.append(("LINEABOVE", (column, 1), (column, 1), 0.7, colors.black))
    t = Table([top, bottom], colWidths=widths, rowHeights=[18 * mm, None], hAlign="LEFT")
    t.setStyle(TableStyle(style))
    return t


@requires(Permission.FILE_MANAGE)
def label_sheet_pdf(session: Session, file_nos: list[str],
                    out: Path | str | BytesIO | None) -> bytes:
    """An A4 sheet of 3 x 8 barcode labels (more pages if needed), in the order given."""
    if isinstance(file_nos, str):
        file_nos = [file_nos]
    numbers = list(dict.fromkeys(normalise_file_no(n) for n in file_nos or [] if n))
    if not numbers:
        raise ValidationError(_("Choose the files to print labels for."), field="file_nos")
    with session.db.read() as conn:
        files = [file_from_row(file_row(conn, n), None) for n in numbers]
        frame = _frame(session, conn, _("Barcode labels"))
    cells = [_Label(f.file_no, FileKind(f.kind).label, f.box) for f in files]
    cells += [""] * (-len(cells) % LABEL_COLUMNS)
    grid = Table([cells[i:i + LABEL_COLUMNS] for i in range(0, len(cells), LABEL_COLUMNS)],
                 colWidths=[LABEL_W] * LABEL_COLUMNS, rowHeights=[LABEL_H] * (
                     len(cells) // LABEL_COLUMNS))
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    data = build([grid], frame)
    return _deliver(session, data, out, "file.label_printed", None,
                    {"file_nos": numbers, "count": len(numbers)})


@requires(Permission.FILE_MANAGE)
def box_list_pdf(session: Session, box: str, out: Path | str | BytesIO | None) -> bytes:
    """What one box holds (files on loan included, marked so)."""
    key = " ".join(str(box or "").split()).upper()
    with session.db.read() as conn:
        rows = conn.execute(file_select().where(
            paper_file.c.box == key, paper_file.c.status.notin_(
                [FileStatus.TRANSFERRED.value, FileStatus.DESTROYED.value]))
            .order_by(paper_file.c.file_no)).all()
        if not key or not rows:
            raise NotFound(_("There are no files in box {box}.").format(box=key or NO_VALUE))
        frame = _frame(session, conn, _("Box content list"), key)
    files = [file_from_row(r, session.db.fields) for r in rows]
    st = styles()
    first = files[0]
    header = [_("No."), _("File number"), _("Kind"), _("Customer number"), _("Customer"),
              _("Date received"), _("Kept until"), _("Status")]
    rows = [[i, f.file_no, FileKind(f.kind).label, f.customer_no or NO_VALUE,
             f.customer_name or NO_VALUE, f.received_on, f.retain_until,
             FileStatus(f.status).label] for i, f in enumerate(files, start=1)]
    story = [
        Paragraph(esc(_("Box content list")), st["title"]),
        key_values([(_("Box"), key),
                    (_("Location"), " / ".join(p for p in (first.room, first.cabinet,
                                                           first.shelf) if p) or NO_VALUE),
                    (_("Number of files"), len(files))]),
        Spacer(1, 5 * mm),
        _compact(table(header, rows, widths=[9 * mm, 23 * mm, 33 * mm, 20 * mm, 22 * mm,
                                             22 * mm, 19 * mm, 21 * mm])),
        Spacer(1, 10 * mm),
        _signatures([_("Checked by (signature and date)")]),
    ]
    data = build(story, frame)
    customers = sorted({f.customer_no for f in files if f.customer_no})
    return _deliver(session, data, out, "file.box_list_printed",
                    customers[0] if len(customers) == 1 else None,
                    {"box": key, "count": len(files), "customers": customers})


def _approval_text(loan) -> str:
    if not loan.needs_approval:
        return _("Not required")
    if loan.status == LoanStatus.REQUESTED:
        return _("Waiting for a manager's approval")
    if loan.status == LoanStatus.REFUSED:
        return _("Refused by {user} on {date}").format(user=loan.decided_by,
                                                      date=_day(loan.decided_at))
    if loan.decided_by:
        return _("Approved by {user} on {date}").format(user=loan.decided_by,
                                                       date=_day(loan.decided_at))
    return NO_VALUE


@requires(Permission.FILE_MANAGE)
def borrow_slip_pdf(session: Session, loan_id: int, out: Path | str | BytesIO | None) -> bytes:
    """The slip that goes with the file: what, to whom, why, until when; two signatures."""
    with session.db.read() as conn:
        loan = loan_row(conn, loan_id)
        paper = file_from_row(file_row(conn, loan.file_no), session.db.fields)
        frame = _frame(session, conn, _("Borrow slip"),
                       _("Loan {number}").format(number=loan.id))
    st = styles()
    code = _barcode(paper.file_no, 14 * mm, 90 * mm)
    head = Table([[code, Paragraph(esc(paper.file_no), st["mono"])]],
                 colWidths=[code.width + 6 * mm, None])
    head.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    customer = " ".join(p for p in (paper.customer_no, paper.customer_name) if p) or NO_VALUE
    story = [
        Paragraph(esc(_("Borrow slip")), st["title"]),
        head,
        Spacer(1, 4 * mm),
        key_values([
            (_("File number"), paper.file_no),
            (_("Kind"), FileKind(paper.kind).label
             + (" — " + _("sensitive") if paper.sensitive else "")),
            (_("Customer"), customer),
            (_("Borrower"), f"{loan.borrower} ({BorrowerKind(loan.borrower_kind).label})"),
            (_("Purpose"), loan.purpose),
            (_("Lent on"), _day(loan.lent_at)),
            (_("Due date"), loan.due_date),
            (_("Renewals"), loan.renewals),
            (_("Approval"), _approval_text(loan)),
            (_("Loan status"), LoanStatus(loan.status).label),
        ]),
        Spacer(1, 6 * mm),
        Paragraph(esc(_("The borrower keeps the file safe, shows it to no one without a need, "
                        "and returns it complete by the due date.")), st["small"]),
        Spacer(1, 12 * mm),
        _signatures([_("Borrower (signature and date)"),
                     _("Archive clerk (signature and date)")]),
    ]
    data = build(story, frame)
    return _deliver(session, data, out, "loan.slip_printed", paper.customer_no,
                    {"loan_id": loan.id, "file_no": paper.file_no})


@requires(Permission.DESTRUCTION_PROPOSE)
def destruction_record_pdf(session: Session, batch_no: str,
                           out: Path | str | BytesIO | None) -> bytes:
    """The record of a batch: who decided, how, when, before whom, and every file in it.

    Customers appear by number only: this record outlives the files it lists.
    """
    key = str(batch_no or "").strip().upper()
    with session.db.read() as conn:
        batch = conn.execute(select(destruction_batch)
                             .where(destruction_batch.c.batch_no == key)).first()
        if batch is None:
            raise NotFound(_("There is no destruction batch {batch}.").format(
                batch=key or NO_VALUE))
        rows = conn.execute(file_select().join(
            destruction_item, destruction_item.c.file_id == paper_file.c.id)
            .where(destruction_item.c.batch_id == batch.id)
            .order_by(paper_file.c.file_no)).all()
        frame = _frame(session, conn, _("Destruction record"), batch.batch_no)
    files = [file_from_row(r, None) for r in rows]  # customers by number only
    st = styles()
    approval = NO_VALUE
    if batch.decided_by:
        sentence = (_("Rejected by {user} on {date}") if batch.status == BatchStatus.REJECTED
                    else _("Approved by {user} on {date}"))
        approval = sentence.format(user=batch.decided_by, date=_day(batch.decided_at))
        if batch.decision_note:
            approval += f" — {batch.decision_note}"
    header = [_("No."), _("File number"), _("Kind"), _("Customer number"), _("Date received"),
              _("Kept until"), _("Box")]
    rows = [[i, f.file_no, FileKind(f.kind).label, f.customer_no or NO_VALUE, f.received_on,
             f.retain_until, f.box or NO_VALUE] for i, f in enumerate(files, start=1)]
    story = [
        Paragraph(esc(_("Destruction record")), st["title"]),
        key_values([
            (_("Batch number"), batch.batch_no),
            (_("Status"), BatchStatus(batch.status).label),
            (_("Proposed by"), f"{batch.proposed_by}, {_day(batch.proposed_at)}"),
            (_("Approval"), approval),
            (_("Destruction method"),
             DestructionMethod(batch.method).label if batch.method else NO_VALUE),
            (_("Date of destruction"), batch.destroyed_on or NO_VALUE),
            (_("Certificate number"), batch.certificate_no or NO_VALUE),
            (_("Witnesses"), ", ".join(w for w in (batch.witness_1, batch.witness_2) if w)
             or NO_VALUE),
            (_("Recorded by"), f"{batch.recorded_by}, {_day(batch.recorded_at)}"
             if batch.recorded_by else NO_VALUE),
            (_("Number of files"), len(files)),
        ]),
        Spacer(1, 5 * mm),
        _compact(table(header, rows, widths=[9 * mm, 26 * mm, 33 * mm, 24 * mm, 22 * mm,
                                             22 * mm, 27 * mm])),
        Spacer(1, 12 * mm),
        _signatures([_("Witness 1 (signature)"), _("Witness 2 (signature)"),
                     _("Archive clerk (signature)")]),
    ]
    data = build(story, frame)
    return _deliver(session, data, out, "destruction.record_printed", None,
                    {"batch_no": batch.batch_no, "count": len(files)})


__all__ = ["borrow_slip_pdf", "box_list_pdf", "destruction_record_pdf", "label_sheet_pdf"]
