"""The Staff tab of the compliance file (regulation art. 15): every account with its signed
confidentiality agreement and its last training (red: training overdue, or an account
reading customer data without an agreement), the training sessions held, and the register
as a PDF."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.compliance import staff
from app.compliance.staff import StaffLine, Training
from app.compliance.staff_register import register_pdf
from app.i18n import _, current_language
from app.security import Permission, Role, Session
from ui.compliance.page import ListingPage, button_bar
from ui.compliance.section import Tab
from ui.compliance.staff_dialogs import AgreementDialog, PeriodDialog, TrainingDialog
from ui.customers.common import fill_table, read_only_table, selected_row
from ui.dialogs import hint_label
from ui.oversight.common import RED
from ui.rights.common import ask_save_path
from ui.sections.common import set_status


@dataclass(frozen=True)
class Listing:
    lines: list[StaffLine]
    trainings: list[Training]
    months: int


def _load(session: Session) -> Listing:
    return Listing(staff.list_staff(session), staff.list_trainings(session),
                   staff.period_months(session))


def roles_text(roles) -> str:
    return _(", ").join(Role(r).label for r in roles) or _("no role")


class StaffPage(ListingPage):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.listing = Listing([], [], 12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = hint_label("")
        layout.addWidget(self.hint)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        layout.addWidget(self.pages, 1)
        self.table = read_only_table([
            _("Person"), _("Username"), _("Roles"), _("Agreement signed"),
            _("Checksum (SHA-256)"), _("Last training"), _("Training due")], stretch=0)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.pages.addTab(self.table, _("Staff accounts"))
        self.training_table = read_only_table([_("Date"), _("Topic"), _("Attendees"),
                                               _("Recorded by")], stretch=2)
        self.pages.addTab(self.training_table, _("Training sessions"))
        self.buttons = button_bar(layout, [
            ("recordAgreement", _("Record agreement…"), self.record_agreement),
            ("recordTraining", _("Record training…"), self.record_training),
            ("trainingPeriod", _("Training period…"), self.set_period),
            ("printStaff", _("Print register…"), self.save_register)])
        layout.addWidget(self.status)

    def load(self) -> Listing:
        return _load(self.session)

    def show_listing(self, listing: Listing, sentence: str) -> None:
        self.listing = listing
        self.hint.setText(_(
            "Each account's signed confidentiality agreement and training (regulation art. "
            "15). An account that reads customer data gets its access only with an agreement "
            "on record. Training falls due {months} months after a person's last one. Red: "
            "training overdue, or no agreement.").format(months=listing.months))
        names = {x.username: x.display_name for x in listing.lines}
        fill_table(self.table, [
            [x.display_name, x.username, roles_text(x.roles),
             x.agreement_on or (_("MISSING") if x.lacks_agreement else _("none")),
             x.sha256[:16], x.last_training or _("never trained"),
             "" if x.disabled else x.training_due + (" · " + _("OVERDUE") if x.overdue
                                                      else "")]
            for x in listing.lines],
            colours=[QColor(RED) if x.overdue or x.lacks_agreement else
                     QColor(Qt.GlobalColor.gray) if x.disabled else None
                     for x in listing.lines])
        fill_table(self.training_table, [
            [t.held_on, t.topic, _(", ").join(names.get(p, p) for p in t.attendees),
             names.get(t.recorded_by, t.recorded_by)] for t in listing.trainings])
        self._update_buttons()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def selected_line(self) -> StaffLine | None:
        row = selected_row(self.table)
        return self.listing.lines[row] if row is not None and row < len(self.listing.lines) \
            else None

    def _update_buttons(self) -> None:
        self.buttons["recordAgreement"].setEnabled(bool(self.listing.lines))
        self.buttons["recordTraining"].setEnabled(bool(self.listing.lines))

    def record_agreement(self):
        chosen = self.selected_line()
        return self.open_form(AgreementDialog(self.session, self.listing.lines,
                                          chosen.username if chosen else "", self),
                          _("The agreement was recorded."))

    def record_training(self):
        return self.open_form(TrainingDialog(self.session, self.listing.lines, self),
                          _("The training was recorded."))

    def set_period(self):
        return self.open_form(PeriodDialog(self.session, self.listing.months, self),
                          _("The training period was saved."))

    def save_register(self) -> None:
        target = ask_save_path(self, _("Save as PDF"), "staff.pdf", _("PDF files (*.pdf)"))
        if target is not None:
            self.write_register(target)

    def write_register(self, target) -> None:
        session, lang = self.session, current_language()
        self.write_pdf(target, lambda: register_pdf(session, lang))


TAB = Tab("staff", lambda: _("Staff and training"), Permission.STAFF_RECORDS, StaffPage,
          order=35)
