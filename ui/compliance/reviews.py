"""The permission-review tab of the Compliance file: when the next review is due, the
reviews, and the selected review's accounts with their decisions. A manager starts a
review, decides on each account, signs off and prints it; an administrator carries out
the decisions that change an account. Every rule is app/compliance/reviews.py's."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import clock
from app.accounts.names import StaffNames, staff_names
from app.clock import local_text
from app.compliance.reviews import (
    AccountLine,
    Decision,
    Review,
    Schedule,
    carry_out,
    list_reviews,
    schedule,
    sign,
    start_review,
)
from app.compliance.reviews_pdf import review_pdf
from app.i18n import _
from app.security import Permission, Session
from ui.compliance.review_dialogs import DecisionDialog, ScheduleDialog, roles_text
from ui.compliance.section import Tab
from ui.customers.common import fill_table, read_only_table, selected_row
from ui.dialogs import ask, hint_label
from ui.lifetime import delete_on_close
from ui.rights.preview import PreviewDialog
from ui.sections.common import set_status
from ui.worker import run_in_background

UNUSED_AFTER = timedelta(days=90)  # as the permission report flags an account
FLAGGED = QColor("#b3261e")
DONE = QColor("#7a8491")


def review_cells(review: Review, names: StaffNames) -> list[str]:
    decided = len(review.lines) - len(review.undecided)
    signed = _("{time} by {user}").format(time=local_text(review.signed_at),
                                          user=names(review.signed_by)) \
        if review.signed_at else _("not signed")
    waiting = sum(1 for x in review.changes if not x.done_at) if review.signed_at else 0
    return [str(review.id), local_text(review.started_at), names(review.started_by), signed,
            f"{decided} / {len(review.lines)}", str(len(review.changes)),
            str(waiting) if waiting else ""]


def decision_text(line: AccountLine) -> str:
    if line.decision is None:
        return _("not decided")
    text = Decision(line.decision).label
    if line.roles_after:
        text = _("{decision}: {roles}").format(decision=text, roles=roles_text(line.roles_after))
    if line.own_account:
        text += " " + _("(own account: flagged)")
    return text


def line_cells(line: AccountLine, names: StaffNames, signed: bool) -> list[str]:
    done = "" if not (line.changes and signed) else _("{time} by {user}").format(
        time=local_text(line.done_at), user=names(line.done_by)) if line.done_at else \
        _("waiting for an administrator")
    if done and line.done_at and not line.in_effect:
        done = _("{done}; the account is not as decided now").format(done=done)
    return [line.username, line.display_name, roles_text(line.roles), last_login(line),
            decision_text(line), line.note, done]


def last_login(line: AccountLine) -> str:
    """When the account was last used; flagged when not for 90 days (a reason to ask)."""
    text = local_text(line.last_login_at) or _("never")
    if line.last_login_at and clock.parse_stamp(line.last_login_at) >= \
            clock.now_utc() - UNUSED_AFTER:
        return text
    return f"{text} ({_('unused for 90 days')})"


class ReviewsTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.manager = session.can(Permission.COMPLIANCE)
        self.admin = session.can(Permission.ACCOUNTS_MANAGE)
        self.reviews: list[Review] = []
        self.plan: Schedule | None = None
        self.names = StaffNames()
        self.child: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint_label(
            _("Regulation art. 10: check regularly that each account holds only the roles "
              "its work needs. The manager decides on every account and signs off; the "
              "administrator carries out the changes.") if self.manager else
            _("Signed permission reviews: carry out the decisions that change an account.")))
        top = QHBoxLayout()
        self.due = QLabel()
        self.due.setObjectName("group")
        top.addWidget(self.due, 1)
        self.schedule_button = QPushButton(_("Schedule…"))
        self.schedule_button.clicked.connect(self.change_schedule)
        self.start_button = QPushButton(_("Start a review"))
        self.start_button.clicked.connect(self.start)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.show_pdf)
        for button in (self.schedule_button, self.start_button, self.print_button):
            top.addWidget(button)
        self.schedule_button.setVisible(self.manager)
        self.start_button.setVisible(self.manager)
        layout.addLayout(top)
        self.table = read_only_table([_("No."), _("Started"), _("Started by"), _("Signed off"),
                                      _("Decided"), _("Changes"), _("Waiting")], stretch=3)
        self.table.setMaximumHeight(170)
        self.table.itemSelectionChanged.connect(self._show_lines)
        layout.addWidget(self.table)
        self._lines_part(layout)

    def _lines_part(self, layout: QVBoxLayout) -> None:
        bar = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("group")
        bar.addWidget(self.heading, 1)
        self.decide_button = QPushButton(_("Decide…"))
        self.decide_button.clicked.connect(self.decide)
        self.sign_button = QPushButton(_("Sign off"))
        self.sign_button.clicked.connect(self.sign_off)
        self.carry_button = QPushButton(_("Carry out"))
        self.carry_button.clicked.connect(self.carry_out)
        for button, shown in ((self.decide_button, self.manager),
                              (self.sign_button, self.manager),
                              (self.carry_button, self.admin)):
            button.setVisible(shown)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.lines = read_only_table([_("Username"), _("Name"), _("Roles"), _("Last login"),
                                      _("Decision"), _("Note"), _("Carried out")], stretch=5)
        self.lines.setWordWrap(True)
        self.lines.itemSelectionChanged.connect(self._update_buttons)
        self.lines.doubleClicked.connect(lambda _i: self.decide() if self.manager else None)
        layout.addWidget(self.lines, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name: time moves on
        super().showEvent(event)
        self.refresh()

    # -- the lists ------------------------------------------------------------------------

    def refresh(self, sentence: str = "") -> None:
        session = self.session

        def work(_p):
            return schedule(session), list_reviews(session), staff_names(session)

        run_in_background(self, work, lambda found: self._listed(found, sentence),
                          self._failed, show_after_ms=None)

    def _listed(self, found, sentence: str) -> None:
        keep = self.selected()
        self.plan, self.reviews, self.names = found
        plan = self.plan
        self.due.setText((_("A review is overdue since {date} (every {count} months).")
                          if plan.overdue(date.today()) else
                          _("Next review due on {date} (every {count} months).")).format(
            date=plan.due.isoformat(), count=plan.every_months))
        self.start_button.setEnabled(plan.open_review is None)
        fill_table(self.table, [review_cells(r, self.names) for r in self.reviews])
        row = next((i for i, r in enumerate(self.reviews) if keep and r.id == keep.id), 0)
        if self.reviews:
            self.table.selectRow(row)
        self._show_lines()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def selected(self) -> Review | None:
        row = selected_row(self.table)
        return self.reviews[row] if row is not None and row < len(self.reviews) else None

    def selected_line(self) -> AccountLine | None:
        review, row = self.selected(), selected_row(self.lines)
        return review.lines[row] if review and row is not None and row < len(
            review.lines) else None

    def _show_lines(self) -> None:
        review = self.selected()
        lines = review.lines if review else ()
        self.heading.setText(_("Review {number}: accounts and decisions").format(
            number=review.id) if review else _("No review yet."))
        fill_table(self.lines, [line_cells(x, self.names, bool(review and review.signed_at))
                                for x in lines],
                   colours=[FLAGGED if x.own_account or (x.done_at and not x.in_effect)
                            else DONE if x.done_at else None for x in lines])
        self.lines.resizeRowsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        review, line = self.selected(), self.selected_line()
        is_open = review is not None and review.signed_at is None
        self.print_button.setEnabled(review is not None)
        self.decide_button.setEnabled(is_open and line is not None)
        self.sign_button.setEnabled(is_open)
        self.carry_button.setEnabled(review is not None and not is_open and line is not None
                                     and line.changes and not line.done_at)

    def _failed(self, sentence) -> None:
        set_status(self.status, str(sentence), ok=False)

    # -- actions ---------------------------------------------------------------------------

    def _open(self, dialog: QWidget) -> QWidget:
        delete_on_close(dialog)
        self.child = dialog
        dialog.open()
        return dialog

    def _run(self, call, sentence: str) -> None:
        run_in_background(self, lambda _p: call(), lambda _r: self.refresh(sentence),
                          self._failed)

    def start(self) -> None:
        session = self.session
        self._run(lambda: start_review(session),
                  _("A review was started: decide on each account, then sign off."))

    def decide(self) -> DecisionDialog | None:
        review, line = self.selected(), self.selected_line()
        if review is None or line is None or review.signed_at:
            return None
        dialog = DecisionDialog(self.session, review.id, line, self)
        dialog.accepted.connect(lambda: self.refresh(_("The decision was recorded.")))
        return self._open(dialog)

    def sign_off(self):
        review = self.selected()
        if review is None:
            return None
        session, number = self.session, review.id
        return self._open_box(ask(self, _(
            "Sign off review {number}? Signed, it is not changed any more; its {count} "
            "changes go to the administrator.").format(number=number,
                                                       count=len(review.changes)),
            _("Sign off"), lambda: self._run(lambda: sign(session, number),
                                             _("The review was signed."))))

    def carry_out(self):
        review, line = self.selected(), self.selected_line()
        if review is None or line is None:
            return None
        session, number, user = self.session, review.id, line.username
        return self._open_box(ask(self, _("Carry out on {name}: {decision}?").format(
            name=line.display_name, decision=decision_text(line)), _("Carry out"),
            lambda: self._run(lambda: carry_out(session, number, user),
                              _("The decision was carried out."))))

    def _open_box(self, box):
        self.child = box
        return box

    def change_schedule(self) -> ScheduleDialog:
        months = self.plan.every_months if self.plan else 3
        dialog = ScheduleDialog(self.session, months, self)
        dialog.accepted.connect(lambda: self.refresh(_("The schedule was saved.")))
        return self._open(dialog)

    def show_pdf(self) -> None:
        review = self.selected()
        if review is None:
            return
        session, number = self.session, review.id
        run_in_background(self, lambda _p: review_pdf(session, number),
                          lambda data: self._preview(number, data), self._failed,
                          label=_("Building the review…"))

    def _preview(self, number: int, data: bytes) -> None:
        self._open(PreviewDialog(data, _("Permission review {number}").format(number=number),
                                 f"permission-review-{number}.pdf", parent=self))


TAB = Tab("reviews", lambda: _("Permission reviews"), Permission.REVIEW_DECISIONS,
          ReviewsTab, order=50)
