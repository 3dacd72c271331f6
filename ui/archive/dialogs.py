"""The archive's small forms: a note for a decision, a loan request, moving a file, a new
retention date, completing a transfer, recording a destruction. Each OK runs one app call;
a refusal stays in the dialog as one sentence, with everything typed kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.archive.destruction import record_destruction
from app.archive.loans import request_loan
from app.archive.model import DestructionMethod, FileKind, PaperFile, default_due_date
from app.archive.registry import move_file, override_retention
from app.archive.transfers import complete_transfer
from app.i18n import _
from app.security import Session
from ui.archive.common import date_edit, day_in, label_of, today
from ui.dialogs import FormDialog, hint_label


def note_box(lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class NoteDialog(FormDialog):
    """One note, then `call(note)`: approve, refuse, claim returned, mark lost, found."""

    def __init__(self, title: str, intro: str, ok_text: str, note_label: str,
                 call: Callable[[str], Any], parent: QWidget | None = None) -> None:
        super().__init__(title, parent, ok_text=ok_text)
        self.call = call
        self.set_intro(intro)
        self.note = note_box()
        self.form.addRow(note_label, self.note)
        self.note.setFocus()

    def prepare(self) -> Callable[[], Any]:
        call, text = self.call, self.note.toPlainText()
        return lambda: call(text)


class RequestLoanDialog(FormDialog):
    """A member of staff asks the archive for a file, for themself."""

    def __init__(self, session: Session, paper: PaperFile, parent: QWidget | None = None) -> None:
        super().__init__(_("Request a loan of file {number}").format(number=paper.file_no),
                         parent, ok_text=_("Request loan"))
        self.session, self.file_no = session, paper.file_no
        due = default_due_date(FileKind(paper.kind), today())
        self.set_intro(_("{kind}. The archive hands the file over; a manager approves first "
                         "when the file is sensitive.").format(kind=label_of(FileKind,
                                                                             paper.kind)))
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(_("e.g. check the signature on the agreement"))
        self.due = date_edit(due)
        self.form.addRow(_("Purpose of the loan:"), self.purpose)
        self.form.addRow(_("Due date:"), self.due)
        self.form.addRow(hint_label(_("Default for this kind: {date}.").format(
            date=due.isoformat())))

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.file_no
        purpose, due = self.purpose.text(), day_in(self.due)
        return lambda: request_loan(session, number, purpose, due)


class MoveDialog(FormDialog):
    def __init__(self, session: Session, paper: PaperFile, parent: QWidget | None = None) -> None:
        super().__init__(_("Move file {number}").format(number=paper.file_no), parent,
                         ok_text=_("Move file"))
        self.session, self.file_no = session, paper.file_no
        self.room, self.cabinet = QLineEdit(paper.room), QLineEdit(paper.cabinet)
        self.shelf, self.box = QLineEdit(paper.shelf), QLineEdit(paper.box)
        self.form.addRow(_("Room:"), self.room)
        self.form.addRow(_("Cabinet:"), self.cabinet)
        self.form.addRow(_("Shelf:"), self.shelf)
        self.form.addRow(_("Box:"), self.box)

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.file_no
        values = (self.room.text(), self.cabinet.text(), self.shelf.text(), self.box.text())
        return lambda: move_file(session, number, *values)


class RetentionDialog(FormDialog):
    def __init__(self, session: Session, paper: PaperFile, parent: QWidget | None = None) -> None:
        super().__init__(_("Change how long file {number} is kept").format(number=paper.file_no),
                         parent, ok_text=_("Change"))
        self.session, self.file_no = session, paper.file_no
        self.until = date_edit(date.fromisoformat(paper.retain_until))
        self.reason = note_box(2)
        self.form.addRow(_("Keep until:"), self.until)
        self.form.addRow(_("Reason:"), self.reason)

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.file_no
        until, reason = day_in(self.until), self.reason.toPlainText()
        return lambda: override_retention(session, number, until, reason)


class CompleteTransferDialog(FormDialog):
    def __init__(self, session: Session, transfer_id: int, file_no: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Complete transfer {number}").format(number=transfer_id), parent,
                         ok_text=_("Complete"))
        self.session, self.transfer_id = session, transfer_id
        self.set_intro(_("File {number} leaves the archive room; its record stays.")
                       .format(number=file_no))
        self.day = date_edit()
        self.form.addRow(_("Transferred on:"), self.day)

    def prepare(self) -> Callable[[], Any]:
        session, tid, day = self.session, self.transfer_id, day_in(self.day)
        return lambda: complete_transfer(session, tid, day)


class RecordDestructionDialog(FormDialog):
    """Method, date, two witnesses, and the certificate number when it was outsourced."""

    def __init__(self, session: Session, batch_no: str, count: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record destruction of batch {batch}").format(batch=batch_no),
                         parent, ok_text=_("Record destruction"))
        self.session, self.batch_no = session, batch_no
        self.set_intro(_("{count} files become destroyed; the record can no longer be changed "
                         "afterwards.").format(count=count))
        self.method = QComboBox()
        for method in DestructionMethod:
            self.method.addItem(method.label, method.value)
        self.day = date_edit()
        self.witness_1, self.witness_2 = QLineEdit(), QLineEdit()
        self.certificate = QLineEdit()
        self.form.addRow(_("Method:"), self.method)
        self.form.addRow(_("Date of destruction:"), self.day)
        self.form.addRow(_("First witness:"), self.witness_1)
        self.form.addRow(_("Second witness:"), self.witness_2)
        self.form.addRow(_("Certificate number:"), self.certificate)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        outsourced = self.method.currentData() == DestructionMethod.OUTSOURCED.value
        self.certificate.setEnabled(outsourced)
        self.certificate.setPlaceholderText(_("the contractor's certificate") if outsourced
                                            else "")

    def prepare(self) -> Callable[[], Any]:
        session, batch = self.session, self.batch_no
        method, day = self.method.currentData(), day_in(self.day)
        first, second = self.witness_1.text(), self.witness_2.text()
        certificate = self.certificate.text() if self.certificate.isEnabled() else ""
        return lambda: record_destruction(session, batch, method, day, first, second,
                                          certificate or None)
