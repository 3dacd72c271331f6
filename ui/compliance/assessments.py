"""The compliance file's Impact assessments tab: each processing activity of the register
and whether its assessment is current (red when none, past its review date, or only
awaiting approval), then every version kept; record, approve, save as PDF."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.compliance.assessment_model import Assessment
from app.compliance.assessments import (
    ActivityStanding,
    activity_standings,
    approve_assessment,
    known_activities,
    list_assessments,
)
from app.compliance.assessments_pdf import assessment_pdf
from app.i18n import _
from app.security import Permission, Session
from ui.compliance.assessment_dialog import AssessmentDialog
from ui.compliance.section import Tab
from ui.customers.common import fill_table, read_only_table, selected_row
from ui.dialogs import ask, hint_label
from ui.lifetime import delete_on_close
from ui.oversight.common import GREEN, RED
from ui.rights.common import ask_save_path
from ui.sections.common import set_status
from ui.worker import run_in_background

LACKING, FINE, OLD = QColor(RED), QColor(GREEN), QColor("#7a8491")


def standing_cells(s: ActivityStanding) -> list[str]:
    current = s.current
    return [s.label, _("Yes") if s.in_register else _("New activity"), s.standing.label,
            str(current.id) if current else "", _name(current, current.approved_by)
            if current else "", current.review_by if current else "",
            str(s.pending.id) if s.pending else ""]


def _name(a: Assessment, username: str | None) -> str:
    return a.names.get(username, username) if username else ""


def version_cells(a: Assessment) -> list[str]:
    return [str(a.id), a.activity_label(), str(a.version), a.assessed_on,
            _name(a, a.assessed_by),
            a.review_by, a.risk_level.label, a.state()]


class AssessmentsTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.standings: list[ActivityStanding] = []
        self.versions: list[Assessment] = []
        self.child: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(hint_label(_(
            "Each processing activity of the privacy register needs a current impact "
            "assessment: approved by a manager other than its assessor, and not past its "
            "review date. Assessments are kept for at least three years; a new version "
            "replaces the current one once it is approved.")))
        self.summary = QLabel()
        self.summary.setObjectName("piaSummary")
        layout.addWidget(self.summary)
        self.activities = read_only_table([
            _("Activity"), _("In the register"), _("Standing"), _("Current no."),
            _("Approved by"), _("Review by"), _("Awaiting approval")], stretch=0)
        self.activities.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.activities, 3)
        layout.addLayout(self._buttons())
        self.table = read_only_table([
            _("No."), _("Activity"), _("Version"), _("Assessed"), _("Assessed by"),
            _("Review by"), _("Risk level"), _("State")], stretch=1)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self._update_buttons()

    def _buttons(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.new_button = QPushButton(_("New assessment…"))
        self.new_button.clicked.connect(self.new_assessment)
        self.approve_button = QPushButton(_("Approve…"))
        self.approve_button.clicked.connect(self.approve)
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        bar.addWidget(QLabel(_("Versions kept:")))
        bar.addStretch(1)
        for button in (self.new_button, self.approve_button, self.pdf_button):
            bar.addWidget(button)
        return bar

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()

    # -- the lists ----------------------------------------------------------------------

    def refresh(self, sentence: str = "") -> None:
        session = self.session
        run_in_background(self, lambda _p: (activity_standings(session),
                                            list_assessments(session)),
                          lambda found: self._listed(*found, sentence),
                          lambda error: set_status(self.status, error, ok=False),
                          show_after_ms=None)

    def _listed(self, standings: list[ActivityStanding], versions: list[Assessment],
                sentence: str) -> None:
        self.standings, self.versions = standings, versions
        fill_table(self.activities, [standing_cells(s) for s in standings],
                   colours=[LACKING if s.lacking else FINE for s in standings])
        fill_table(self.table, [version_cells(a) for a in versions],
                   colours=[OLD if a.superseded_by else None for a in versions])
        lacking = sum(s.lacking for s in standings)
        self.summary.setText(_("{count} of {total} activities lack a current impact "
                               "assessment.").format(count=lacking, total=len(standings))
                             if lacking else _("Every activity has a current impact "
                                               "assessment."))
        self.summary.setStyleSheet(f"color: {RED if lacking else GREEN}; font-weight: bold;")
        self._update_buttons()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def chosen_activity(self) -> ActivityStanding | None:
        row = selected_row(self.activities)
        return self.standings[row] if row is not None and row < len(self.standings) else None

    def selected(self) -> Assessment | None:
        row = selected_row(self.table)
        return self.versions[row] if row is not None and row < len(self.versions) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.pdf_button.setEnabled(chosen is not None)
        self.approve_button.setEnabled(chosen is not None and not chosen.approved_at
                                       and not chosen.superseded_by)

    # -- actions ------------------------------------------------------------------------

    def new_assessment(self) -> AssessmentDialog:
        chosen = self.chosen_activity()
        dialog = AssessmentDialog(self.session, known_activities(self.session),
                                  chosen.activity if chosen else "", self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.refresh(_(
            "Impact assessment {number} recorded; it awaits a manager's approval.").format(
                number=dialog.result_value.id)))
        self.child = dialog
        dialog.open()
        return dialog

    def approve(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        session = self.session
        self.child = ask(self, _("Approve impact assessment {number} of {activity}? It becomes "
                                 "the activity's current assessment.").format(
                             number=chosen.id, activity=chosen.activity_label()),
                         _("Approve"), lambda: run_in_background(
                             self, lambda _p: approve_assessment(session, chosen.id),
                             lambda done: self.refresh(_("Impact assessment {number} approved; "
                                                         "review by {day}.").format(
                                 number=done.id, day=done.review_by)),
                             lambda error: set_status(self.status, error, ok=False)))

    def save_pdf(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        target = ask_save_path(self, _("Save as PDF"),
                               f"impact-assessment-{chosen.id}-{date.today()}.pdf",
                               _("PDF files (*.pdf)"))
        if target is not None:
            self.write_pdf(chosen, target)

    def write_pdf(self, chosen: Assessment, target) -> None:
        session = self.session
        run_in_background(self, lambda _p: assessment_pdf(session, chosen.id, target),
                          lambda _data: set_status(self.status, _("Saved as {file}.").format(
                              file=str(target)), ok=True),
                          lambda error: set_status(self.status, error, ok=False))


TAB = Tab("assessments", lambda: _("Impact assessments"), Permission.COMPLIANCE,
          AssessmentsTab, order=20)
