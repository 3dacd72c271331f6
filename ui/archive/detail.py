"""One paper file in detail: where it is, how long it is kept, who has it, its loan history,
and the actions its status allows (the services decide; the buttons only follow them)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.names import StaffNames
from app.archive.destruction import batch_of_file
from app.archive.loans import loans_of_file, mark_found
from app.archive.model import (
    Batch,
    BatchStatus,
    Condition,
    FileKind,
    FileStatus,
    Loan,
    LoanStatus,
    PaperFile,
)
from app.archive.printouts import label_sheet_pdf
from app.i18n import _
from app.security import Permission, Session
from ui.archive.common import (
    NO_VALUE,
    RED,
    bare,
    borrower_text,
    data_table,
    day_of,
    fill_table,
    label_of,
    say,
    show_pdf,
    status_label,
    with_note,
)
from ui.archive.dialogs import MoveDialog, NoteDialog, RequestLoanDialog, RetentionDialog
from ui.dialogs import FormDialog
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.staff import names_for
from ui.worker import run_in_background

DUE_COLUMN = 5


def loan_rows(loans: list[Loan], person: StaffNames) -> list[list[str]]:
    return [[str(x.id), label_of(LoanStatus, x.status),
             borrower_text(x, person),
             day_of(x.requested_at), day_of(x.lent_at), x.due_date, day_of(x.returned_at),
             condition_text(x), x.purpose] for x in loans]


def condition_text(x: Loan) -> str:
    if not x.condition:
        return NO_VALUE
    text = label_of(Condition, x.condition)
    return with_note(text, x.condition_note)


def loan_headers() -> list[str]:
    return [_("Loan"), _("Status"), _("Borrower"), _("Requested on"), _("Lent on"), _("Due date"),
            _("Returned"), _("Condition"), _("Purpose")]


class FileDetail(QWidget):
    lend_requested = Signal(str)
    return_requested = Signal(str)
    transfer_requested = Signal(str)
    changed = Signal(str)  # the file number, after an action changed the file

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.paper: PaperFile | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)

        body = QHBoxLayout()
        self.facts = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, caption in (("customer", _("Customer:")), ("description", _("Description:")),
                             ("location", _("Location:")), ("received", _("Date received:")),
                             ("kept", _("Kept until:")), ("out", _("On loan to:")),
                             ("batch", _("Destruction:"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.facts.addRow(caption, value)
        facts = QWidget()
        facts.setLayout(self.facts)
        facts.setMaximumWidth(340)
        body.addWidget(facts)
        history = QVBoxLayout()
        history.addWidget(QLabel(_("Loan history")))
        self.loans = data_table(loan_headers())
        history.addWidget(self.loans, 1)
        body.addLayout(history, 1)
        self.body = bare(body)
        layout.addWidget(self.body, 100)

        self.actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
                ("lend", _("Lend…"), lambda: self._emit(self.lend_requested)),
                ("take_back", _("Take back…"), lambda: self._emit(self.return_requested)),
                ("request", _("Request loan…"), self._request),
                ("label", _("Print label"), self._label),
                ("move", _("Move…"), lambda: self._dialog(MoveDialog)),
                ("retention", _("Change retention…"), lambda: self._dialog(RetentionDialog)),
                ("transfer", _("Request transfer…"),
                 lambda: self._emit(self.transfer_requested)),
                ("found", _("Mark found…"), self._found)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            self.actions.addWidget(button)
        self.actions.addStretch(1)
        layout.addLayout(self.actions)
        self.status = status_label()
        layout.addWidget(self.status)
        layout.addStretch(1)  # keeps the heading at the top while no file is shown
        self.show_file(None)

    # -- showing ------------------------------------------------------------------------

    def show_file(self, paper: PaperFile | None) -> None:
        self.paper = paper
        self.status.hide()
        if paper is None:
            self.heading.setText(_("Choose a file in the list to see it here."))
            for value in self.values.values():
                value.setText("")
            fill_table(self.loans, [])
            self.body.hide()
            self._update_buttons()
            return
        self.body.show()
        self.heading.setText(_("{number} · {kind} · {status}").format(
            number=paper.file_no, kind=label_of(FileKind, paper.kind),
            status=label_of(FileStatus, paper.status))
            + ("  ·  " + _("sensitive") if paper.sensitive else ""))
        customer = " ".join(p for p in (paper.customer_no, paper.customer_name) if p)
        kept = paper.retain_until
        if paper.retain_override_reason:
            kept = _("{date} (changed: {reason})").format(date=kept,
                                                          reason=paper.retain_override_reason)
        out = NO_VALUE
        if paper.on_loan_to:
            out = _("{borrower}, due {date}").format(borrower=names_for(self.session)(
                paper.on_loan_to),
                                                     date=paper.due_date or NO_VALUE)
        for key, text in (("customer", customer or NO_VALUE),
                          ("description", paper.description or NO_VALUE),
                          ("location", paper.location or NO_VALUE),
                          ("received", paper.received_on), ("kept", kept), ("out", out),
                          ("batch", NO_VALUE)):
            self.values[key].setText(text)
        self._update_buttons()
        session, number = self.session, paper.file_no
        run_in_background(self, lambda _p: (loans_of_file(session, number),
                                            batch_of_file(session, number)),
                          lambda found: self._show_history(number, *found), say(self.status))

    def _show_history(self, number: str, loans: list[Loan], batch: Batch | None) -> None:
        if self.paper is None or self.paper.file_no != number:
            return  # another file was chosen meanwhile
        fill_table(self.loans, loan_rows(loans, names_for(self.session)))
        for row, x in enumerate(loans):
            if x.days_overdue:
                self.loans.item(row, DUE_COLUMN).setForeground(RED)
        if batch is not None:
            self.values["batch"].setText(_("batch {batch} ({status})").format(
                batch=batch.batch_no, status=label_of(BatchStatus, batch.status)))

    def _update_buttons(self) -> None:
        status = self.paper.status if self.paper else None
        manage = self.session.can(Permission.FILE_MANAGE)
        request = self.session.can(Permission.FILE_REQUEST_LOAN) and not manage
        shown = {
            "lend": manage and status == FileStatus.IN_ARCHIVE,
            "take_back": manage and status == FileStatus.ON_LOAN,
            "request": request and status == FileStatus.IN_ARCHIVE,
            "label": manage and status in (FileStatus.IN_ARCHIVE, FileStatus.ON_LOAN),
            "move": manage and status in (FileStatus.IN_ARCHIVE, FileStatus.ON_LOAN),
            "retention": manage and status in (FileStatus.IN_ARCHIVE, FileStatus.ON_LOAN),
            "transfer": manage and status == FileStatus.IN_ARCHIVE,
            "found": manage and status == FileStatus.LOST,
        }
        for key, button in self.buttons.items():
            button.setVisible(shown[key])

    # -- actions ------------------------------------------------------------------------

    def _emit(self, signal: SignalInstance) -> None:
        if self.paper is not None:
            signal.emit(self.paper.file_no)

    def _open(self, dialog: FormDialog, sentence: str) -> None:
        number = self.paper.file_no if self.paper else ""
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: (self.changed.emit(number),
                                         set_status(self.status, sentence, ok=True)))
        dialog.open()

    def _dialog(self, kind: type[FormDialog]) -> None:
        if self.paper is not None:
            self._open(kind(self.session, self.paper, self),  # type: ignore[call-arg]
                       _("File {number} was changed.").format(number=self.paper.file_no))

    def _request(self) -> None:
        if self.paper is not None:
            self._open(RequestLoanDialog(self.session, self.paper, self),
                       _("Your request for file {number} went to the archive.")
                       .format(number=self.paper.file_no))

    def _found(self) -> None:
        if self.paper is None:
            return
        session, number = self.session, self.paper.file_no
        self._open(NoteDialog(_("Mark file {number} found").format(number=number),
                              _("The file goes back into the archive; its lost loan stays on "
                                "record."), _("Mark found"), _("Where was it found?"),
                              lambda note: mark_found(session, number, note), self),
                   _("File {number} is back in the archive.").format(number=number))

    def _label(self) -> None:
        if self.paper is None:
            return
        session, number = self.session, self.paper.file_no
        show_pdf(self, lambda: label_sheet_pdf(session, [number], None), _("Barcode labels"),
                 f"labels-{number}.pdf", self.status)
