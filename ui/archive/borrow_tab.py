"""Borrow: scan a file (Enter), name the borrower, the purpose and the due date, and lend.
A loan that needs a manager waits; loans waiting to be handed over are listed below."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.archive import loan_history
from app.archive.loans import cancel_loan, hand_over, lend, loans_of_file
from app.archive.model import (
    LOAN_WORKING_DAYS,
    FileKind,
    Loan,
    LoanStatus,
    PaperFile,
    default_due_date,
)
from app.archive.printouts import borrow_slip_pdf
from app.archive.registry import get_file
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui.archive.common import (
    ScanField,
    bare,
    borrower_name,
    borrower_text,
    data_table,
    date_edit,
    day_in,
    file_summary,
    fill_table,
    label_of,
    say,
    selected_row,
    set_day,
    show_pdf,
    status_label,
    today,
)
from ui.archive.dialogs import NoteDialog
from ui.dialogs import hint_label
from ui.fields import FieldMarks
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.staff import StaffPicker, names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

WAITING = (LoanStatus.REQUESTED, LoanStatus.APPROVED)


def waiting_loans(session: Session, watched: set[str]) -> list[Loan]:
    """Loans requested or approved, not yet handed over, across the whole archive."""
    del watched  # every waiting loan is listed, not only those scanned in this window
    return list(loan_history.awaiting_hand_over(session))


def after_loan(session: Session, number: str, loan_id: int) -> tuple[Loan, PaperFile]:
    """The loan as it now stands, and its file (whose status the loan changed)."""
    loan = next(x for x in loans_of_file(session, number) if x.id == loan_id)
    return loan, get_file(session, number)


def open_request(loans: list[Loan]) -> Loan | None:
    return next((x for x in loans if x.status in WAITING), None)


class BorrowTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.paper: PaperFile | None = None
        self.watched: set[str] = set()
        self.waiting: list[Loan] = []
        self.last_loan: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(hint_label(_("Scan the file's barcode (or type its number) and press "
                                      "Enter.")))
        self.scan = ScanField(_("File number"))
        self.scan.scanned.connect(self.load)
        layout.addWidget(self.scan)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.summary)
        layout.addWidget(self._lend_form())
        layout.addWidget(self._waiting_box(), 1)
        self.setFocusProxy(self.scan)
        self.show_file(None)

    def _lend_form(self) -> QGroupBox:
        group = QGroupBox(_("Lend"))
        form = QFormLayout(group)
        self.status = status_label()
        self.errors = FieldMarks(self.status)
        self.staff = QRadioButton(_("Staff member:"))
        self.external = QRadioButton(_("External:"))
        self.staff.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.staff)
        kinds.addButton(self.external)
        self.staff_name = StaffPicker(loan_history.staff_borrowers(self.session),
                                      placeholder=_("name or username"))
        self.external_name = QLineEdit()
        self.external_name.setPlaceholderText(_("department or person"))
        who = QHBoxLayout()
        who.addWidget(self.staff)
        who.addWidget(self.staff_name, 1)
        who.addSpacing(12)
        who.addWidget(self.external)
        who.addWidget(self.external_name, 1)
        self.purpose = QLineEdit()
        self.due = date_edit()
        self.due_hint = hint_label("")
        due = QHBoxLayout()
        due.addWidget(self.due)
        due.addWidget(self.due_hint, 1)
        form.addRow(_("Borrower:"), self.errors.wrap(bare(who), "borrower"))
        form.addRow(_("Purpose of the loan:"), self.errors.wrap(self.purpose, "purpose"))
        form.addRow(_("Due date:"), self.errors.wrap(bare(due), "due_date"))
        buttons = QHBoxLayout()
        self.lend_button = QPushButton(_("Lend"))
        self.lend_button.clicked.connect(self.lend)
        self.slip_button = QPushButton(_("Print borrow slip"))
        self.slip_button.clicked.connect(lambda: self.print_slip(self.last_loan))
        buttons.addWidget(self.lend_button)
        buttons.addWidget(self.slip_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.status)
        self.staff.toggled.connect(self._borrower_kind)
        self.purpose.returnPressed.connect(self.lend)
        self._borrower_kind()
        return group

    def _waiting_box(self) -> QGroupBox:
        group = QGroupBox(_("Waiting to be handed over"))
        column = QVBoxLayout(group)
        self.table = data_table([_("Loan"), _("File number"), _("Kind"), _("Borrower"),
                                 _("Status"), _("Due date"), _("Purpose")])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.hand_button = QPushButton(_("Hand over"))
        self.hand_button.clicked.connect(self.hand_over)
        self.waiting_slip = QPushButton(_("Print borrow slip"))
        self.waiting_slip.clicked.connect(lambda: self.print_slip(self._chosen_id()))
        self.cancel_button = QPushButton(_("Cancel request…"))
        self.cancel_button.clicked.connect(self._cancel)
        for button in (self.hand_button, self.waiting_slip, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.waiting_status = status_label()
        column.addWidget(self.waiting_status)
        return group

    # -- the scanned file ---------------------------------------------------------------

    def load(self, number: str) -> None:
        self.scan.setText(number)
        session = self.session
        run_in_background(self, lambda _p: (get_file(session, number),
                                            loans_of_file(session, number)),
                          lambda found: self._loaded(*found), self._not_found)

    def _not_found(self, refusal: CustosError) -> None:
        self.show_file(None)
        set_status(self.status, refusal, ok=False)

    def _loaded(self, paper: PaperFile, loans: list[Loan]) -> None:
        self.show_file(paper)
        pending = open_request(loans)
        if pending is not None:
            self.watched.add(paper.file_no)
            set_status(self.status, _("File {number} has a loan waiting to be handed over "
                                      "({status}); see the list below.").format(
                number=paper.file_no, status=label_of(LoanStatus, pending.status)), ok=False)
            self.refresh(select=pending.id)
        self.staff_name.setFocus()

    def show_file(self, paper: PaperFile | None) -> None:
        self.paper = paper
        self.errors.clear()
        self.last_loan = None
        self.slip_button.setEnabled(False)
        self.lend_button.setEnabled(paper is not None)
        if paper is None:
            self.summary.setText(_("No file scanned yet."))
            self.due_hint.setText("")
            return
        self.summary.setText(file_summary(paper))
        kind = FileKind(paper.kind)
        due: date = default_due_date(kind, today())
        set_day(self.due, due)
        self.due_hint.setText(_("Default for {kind}: {date} (working days: {days}).").format(
            kind=kind.label, date=due.isoformat(), days=LOAN_WORKING_DAYS[kind]))

    def _borrower_kind(self) -> None:
        self.staff_name.setEnabled(self.staff.isChecked())
        self.external_name.setEnabled(self.external.isChecked())

    # -- lending ------------------------------------------------------------------------

    def lend(self) -> None:
        if self.paper is None:
            self.scan.setFocus()
            return
        self.errors.clear()
        external = self.external.isChecked()
        borrower = self.external_name.text() if external else self.staff_name.login()
        session, number = self.session, self.paper.file_no
        purpose, due = self.purpose.text(), day_in(self.due)

        def call() -> tuple[Loan, PaperFile]:
            loan_id = lend(session, number, borrower, purpose, due, external=external)
            return after_loan(session, number, loan_id)

        self.lend_button.setEnabled(False)
        run_in_background(self, lambda _p: call(), lambda done: self._lent(*done),
                          self._refused)

    def _refused(self, refusal: CustosError) -> None:
        self.lend_button.setEnabled(self.paper is not None)
        self.errors.show(refusal)

    def _file_changed(self, paper: PaperFile) -> None:
        """The scanned file's line says what the file is now (on loan, not 在库)."""
        if self.paper is not None and self.paper.file_no == paper.file_no:
            self.paper = paper
            self.summary.setText(file_summary(paper))

    def _lent(self, loan: Loan, paper: PaperFile) -> None:
        self._file_changed(paper)
        self.last_loan = loan.id
        self.slip_button.setEnabled(True)
        self.purpose.clear()
        if loan.status == LoanStatus.ON_LOAN:
            sentence = _("File {number} is lent to {borrower} until {date}.").format(
                number=loan.file_no, borrower=borrower_name(loan, names_for(self.session)),
                date=loan.due_date)
        else:
            self.watched.add(loan.file_no)
            sentence = _("Loan {loan} waits for a manager's approval; hand the file over once "
                         "it is approved.").format(loan=loan.id)
            self.refresh()
        self.lend_button.setEnabled(False)
        set_status(self.status, sentence, ok=True)
        self.scan.setFocus()
        self.scan.selectAll()

    def print_slip(self, loan_id: int | None) -> None:
        if loan_id is None:
            return
        session = self.session
        show_pdf(self, lambda: borrow_slip_pdf(session, loan_id, None), _("Borrow slip"),
                 f"borrow-slip-{loan_id}.pdf", self.status)

    # -- waiting loans ------------------------------------------------------------------

    def refresh(self, select: int | None = None) -> None:
        session, watched = self.session, set(self.watched)
        run_in_background(self, lambda _p: waiting_loans(session, watched),
                          lambda loans: self._show_waiting(loans, select), say(self.waiting_status))

    def _show_waiting(self, loans: list[Loan], select: int | None) -> None:
        self.waiting = loans
        fill_table(self.table, [[str(x.id), x.file_no, label_of(FileKind, x.file_kind),
                                 borrower_text(x, names_for(self.session)),
                                 self._waiting_status(x), x.due_date, x.purpose]
                                for x in loans])
        ids = [x.id for x in loans]
        if select in ids:
            self.table.selectRow(ids.index(select))
        self._update_buttons()

    @staticmethod
    def _waiting_status(x: Loan) -> str:
        if x.status == LoanStatus.REQUESTED and x.needs_approval:
            return _("Waiting for a manager's approval")
        return label_of(LoanStatus, x.status)

    def _chosen(self) -> Loan | None:
        row = selected_row(self.table)
        return self.waiting[row] if row is not None and row < len(self.waiting) else None

    def _chosen_id(self) -> int | None:
        chosen = self._chosen()
        return chosen.id if chosen else None

    def _update_buttons(self) -> None:
        chosen = self._chosen()
        ready = chosen is not None and not (chosen.status == LoanStatus.REQUESTED
                                            and chosen.needs_approval)
        self.hand_button.setEnabled(ready)
        self.waiting_slip.setEnabled(chosen is not None)
        self.cancel_button.setEnabled(chosen is not None)

    def hand_over(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        session, number, loan_id = self.session, chosen.file_no, chosen.id

        def call() -> tuple[Loan, PaperFile]:
            hand_over(session, loan_id)
            return after_loan(session, number, loan_id)

        run_in_background(self, lambda _p: call(), lambda done: self._handed_over(*done),
                          say(self.waiting_status))

    def _handed_over(self, loan: Loan, paper: PaperFile) -> None:
        self._file_changed(paper)
        set_status(self.waiting_status, _("File {number} was handed over to {borrower}, due "
                                          "{date}.").format(number=loan.file_no,
                                                            borrower=borrower_name(
                                                                loan, names_for(self.session)),
                                                            date=loan.due_date), ok=True)
        self.last_loan = loan.id
        self.refresh()

    def _cancel(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        session, loan_id = self.session, chosen.id
        dialog = NoteDialog(_("Cancel loan {loan}").format(loan=loan_id),
                            _("The request is withdrawn; the file stays in the archive."),
                            _("Cancel request"), _("Note (optional):"),
                            lambda note: cancel_loan(session, loan_id, note), self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: (set_status(
            self.waiting_status, _("Loan {loan} was cancelled.").format(loan=loan_id), ok=True),
            self.refresh()))
        dialog.open()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh(select=self._chosen_id())
