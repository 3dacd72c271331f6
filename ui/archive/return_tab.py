"""Return: scan a file (Enter), see its loan, note its condition and take it back. Also
renew the loan, record the borrower's claim that it came back, or mark an overdue file lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.archive.loans import claim_returned, loans_of_file, mark_lost, renew, return_file
from app.archive.model import (
    HARD_MAX_LOAN_DAYS,
    OUT_STATES,
    RENEWAL_LIMIT,
    Condition,
    FileKind,
    Loan,
    LoanStatus,
    PaperFile,
    default_due_date,
)
from app.archive.registry import get_file
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui.archive.common import (
    ScanField,
    bare,
    borrower_text,
    button_row,
    day_of,
    file_summary,
    label_of,
    say,
    status_label,
    today,
    with_note,
)
from ui.archive.dialogs import NoteDialog, note_box
from ui.dialogs import hint_label
from ui.fields import FieldMarks
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.staff import names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background


def renewal_preview(x: Loan, day: date) -> date:
    """The due date a renewal without a chosen date gives (the service computes the same)."""
    current = date.fromisoformat(x.due_date)
    limit = date.fromisoformat(day_of(x.lent_at)) + timedelta(days=HARD_MAX_LOAN_DAYS)
    return min(default_due_date(FileKind(x.file_kind), max(current, day)), limit)


class ReturnTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.paper: PaperFile | None = None
        self.loan: Loan | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(hint_label(_("Scan the returned file's barcode (or type its number) "
                                      "and press Enter.")))
        self.scan = ScanField(_("File number"))
        self.scan.scanned.connect(self.load)
        layout.addWidget(self.scan)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.summary)

        loan_box = QGroupBox(_("The loan"))
        facts = QFormLayout(loan_box)
        self.values: dict[str, QLabel] = {}
        for key, caption in (("borrower", _("Borrower:")), ("purpose", _("Purpose of the loan:")),
                             ("lent", _("Lent on:")), ("due", _("Due date:")),
                             ("renewals", _("Renewals:")), ("status", _("Loan status:"))):
            self.values[key] = QLabel()
            self.values[key].setWordWrap(True)
            facts.addRow(caption, self.values[key])
        layout.addWidget(loan_box)

        back = QGroupBox(_("Take the file back"))
        form = QFormLayout(back)
        self.status = status_label()
        self.errors = FieldMarks(self.status)
        conditions = QHBoxLayout()
        self.conditions: dict[Condition, QRadioButton] = {}
        group = QButtonGroup(self)
        for condition in Condition:
            radio = QRadioButton(condition.label)
            group.addButton(radio)
            radio.toggled.connect(self._condition_changed)
            self.conditions[condition] = radio
            conditions.addWidget(radio)
        conditions.addStretch(1)
        self.note = note_box(2)
        self.note.setPlaceholderText(_("what is damaged or missing"))
        self.conditions[Condition.INTACT].setChecked(True)
        form.addRow(_("Condition:"), self.errors.wrap(bare(conditions), "condition"))
        form.addRow(_("Note:"), self.errors.wrap(self.note, "note"))
        self.return_button = QPushButton(_("Return file"))
        self.return_button.clicked.connect(self.take_back)
        form.addRow(button_row(self.return_button))
        layout.addWidget(back)

        others = QHBoxLayout()
        self.renew_button = QPushButton(_("Renew"))
        self.renew_button.clicked.connect(self.renew)
        self.renew_hint = hint_label("")
        self.claim_button = QPushButton(_("Claimed returned…"))
        self.claim_button.clicked.connect(self._claim)
        self.lost_button = QPushButton(_("Mark lost…"))
        self.lost_button.clicked.connect(self._lost)
        others.addWidget(self.renew_button)
        others.addWidget(self.renew_hint, 1)
        others.addWidget(self.claim_button)
        others.addWidget(self.lost_button)
        layout.addLayout(others)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setFocusProxy(self.scan)
        self.show_loan(None, None)

    # -- the scanned file ---------------------------------------------------------------

    def load(self, number: str, keep_status: bool = False) -> None:
        self.scan.setText(number)
        session = self.session
        run_in_background(self, lambda _p: (get_file(session, number),
                                            loans_of_file(session, number)),
                          lambda found: self._loaded(*found, keep_status), self._not_found)

    def _not_found(self, refusal: CustosError) -> None:
        self.show_loan(None, None)
        set_status(self.status, refusal, ok=False)

    def _loaded(self, paper: PaperFile, loans: list[Loan], keep_status: bool) -> None:
        out = next((x for x in loans if x.status in OUT_STATES), None)
        shown = self.status.text() if keep_status else ""
        self.show_loan(paper, out)
        if shown:
            set_status(self.status, shown, ok=True)
        elif out is None:
            set_status(self.status, _("File {number} is not on loan.").format(
                number=paper.file_no), ok=False)

    def show_loan(self, paper: PaperFile | None, loan: Loan | None) -> None:
        self.paper, self.loan = paper, loan
        self.errors.clear()
        self.summary.setText(file_summary(paper) if paper else _("No file scanned yet."))
        for value in self.values.values():
            value.setText("")
            value.setStyleSheet("")
        for button in (self.return_button, self.renew_button, self.claim_button,
                       self.lost_button):
            button.setEnabled(loan is not None)
        self.renew_hint.setText("")
        if loan is None:
            return
        self.values["borrower"].setText(borrower_text(loan, names_for(self.session)))
        self.values["purpose"].setText(loan.purpose)
        self.values["lent"].setText(day_of(loan.lent_at))
        due = loan.due_date
        if loan.days_overdue:
            due = _("{date} — {days} days overdue").format(date=due, days=loan.days_overdue)
            self.values["due"].setStyleSheet("color: #b3261e;")
        self.values["due"].setText(due)
        self.values["renewals"].setText(_("{count} of {limit}").format(count=loan.renewals,
                                                                        limit=RENEWAL_LIMIT))
        self.values["status"].setText(with_note(label_of(LoanStatus, loan.status),
                                                loan.closed_note))
        disputed = loan.status == LoanStatus.CLAIMED_RETURNED
        self.claim_button.setEnabled(not disputed)
        self.renew_button.setEnabled(not disputed)
        # Only an overdue file can be marked lost (the service says so too).
        self.lost_button.setEnabled(loan.days_overdue > 0)
        if not disputed:
            self.renew_hint.setText(_("Renewing moves the due date to {date}.").format(
                date=renewal_preview(loan, today()).isoformat()))

    def _condition_changed(self) -> None:
        intact = self.conditions[Condition.INTACT].isChecked()
        self.note.setEnabled(not intact)

    def condition(self) -> Condition:
        return next(c for c, radio in self.conditions.items() if radio.isChecked())

    # -- actions ------------------------------------------------------------------------

    def _after(self, sentence: str) -> Callable[[object], None]:
        def done(_result: object) -> None:
            set_status(self.status, sentence, ok=True)
            if self.paper is not None:
                self.load(self.paper.file_no, keep_status=True)
        return done

    def take_back(self) -> None:
        if self.paper is None:
            return
        self.errors.clear()
        session, number = self.session, self.paper.file_no
        condition = self.condition()
        note = self.note.toPlainText() if condition is not Condition.INTACT else ""
        sentence = (_("File {number} is back in the archive.") if condition is Condition.INTACT
                    else _("File {number} is back in the archive; the managers are told it "
                           "came back {condition}.")).format(number=number,
                                                             condition=condition.label.lower())
        run_in_background(self, lambda _p: return_file(session, number, condition.value, note),
                          self._returned(sentence), self.errors.show)

    def _returned(self, sentence: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            self.note.clear()
            self.conditions[Condition.INTACT].setChecked(True)
            self._after(sentence)(result)
            self.scan.setFocus()
            self.scan.selectAll()
        return done

    def renew(self) -> None:
        if self.paper is None:
            return
        session, number = self.session, self.paper.file_no
        run_in_background(self, lambda _p: renew(session, number),
                          lambda due: self._after(_("The loan of file {number} now runs "
                                                    "until {date}.").format(
                              number=number, date=due))(due),
                          say(self.status))

    def _note_dialog(self, title: str, intro: str, ok_text: str, prompt: str,
                     call: Callable[[str], object], sentence: str) -> None:
        dialog = NoteDialog(title, intro, ok_text, prompt, call, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._after(sentence)(None))
        dialog.open()

    def _claim(self) -> None:
        if self.paper is None:
            return
        session, number = self.session, self.paper.file_no
        self._note_dialog(
            _("File {number}: claimed returned").format(number=number),
            _("The borrower says the file came back, but it is not here. The loan stays open "
              "until the file is found or marked lost."), _("Record the claim"),
            _("What does the borrower say?"), lambda note: claim_returned(session, number, note),
            _("The claim about file {number} is on record.").format(number=number))

    def _lost(self) -> None:
        if self.paper is None:
            return
        session, number = self.session, self.paper.file_no
        self._note_dialog(
            _("Mark file {number} lost").format(number=number),
            _("The file and its loan are recorded as lost, and the managers are told."),
            _("Mark lost"), _("What is known about the loss?"),
            lambda note: mark_lost(session, number, note),
            _("File {number} is recorded as lost.").format(number=number))
