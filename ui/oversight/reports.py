"""The Reports section: one of the five managers' reports for a month, in Chinese or English,
previewed as PDF (then printed or saved) or saved as an Excel workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import N_, _, current_language
from app.reports.service import TITLES, report_pdf, write_report
from app.security import Session
from ui.dialogs import hint_label
from ui.lifetime import delete_on_close
from ui.oversight.common import last_month
from ui.rights.common import ask_save_path, language_combo
from ui.rights.preview import PreviewDialog
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

EXPLANATIONS = {
    "cases": N_("Service cases of the month: volumes by kind, resolution times, overdue cases "
                "and customer satisfaction."),
    "requests": N_("Rights requests of the month: by kind, answered on time or late, refusals "
                   "with their reasons."),
    "archive": N_("The archive room in the month: loans, overdue, lost and damaged files, and "
                  "files destroyed."),
    "access": N_("The access log in the month: events by user and by action, alerts and how "
                 "they were closed."),
    "permissions": N_("The periodic permission review: every account, its roles, last login "
                      "and actions in the month; accounts unused for 90 days are flagged."),
    "compliance": N_("The branch's compliance file in the month: breaches, impact assessments "
                     "due, disclosures to partners, trainings due, permission reviews and "
                     "alerts left open, and the backup evidence."),
}


def month_field(day: date) -> QDateEdit:
    field = QDateEdit()
    field.setDisplayFormat("yyyy-MM")
    field.setCalendarPopup(True)
    field.setDate(QDate(day.year, day.month, 1))
    today = date.today()
    field.setMaximumDate(QDate(today.year, today.month, 28))
    return field


class ReportsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: PreviewDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(section_title(_("Reports")))
        layout.addWidget(hint_label(_(
            "Each report covers one calendar month. The PDF has the branch and period in the "
            "header and page numbers in the footer; the workbook holds the same figures with "
            "native Excel charts.")))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.name = QComboBox()
        for key, title in TITLES.items():
            self.name.addItem(_(title), key)
        self.name.setMinimumWidth(320)
        self.period = month_field(last_month())
        self.language = language_combo(current_language())
        form.addRow(_("Report:"), self.name)
        form.addRow("", self._explanation())
        form.addRow(_("Month:"), self.period)
        form.addRow(_("Language:"), self.language)
        layout.addLayout(form)
        self.name.currentIndexChanged.connect(self._explain)

        bar = QHBoxLayout()
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.show_preview)
        self.xlsx_button = QPushButton(_("Save as XLSX…"))
        self.xlsx_button.clicked.connect(self.save_xlsx)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.xlsx_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._explain()

    def _explanation(self) -> QLabel:
        self.explanation = hint_label("")
        # As wide as the form, not the label's own guess: at its guess a Chinese line broke
        # inside a word (逾期工|单); at this width each fits on one line, English on two.
        self.explanation.setFixedWidth(560)
        return self.explanation

    def _explain(self) -> None:
        self.explanation.setText(_(EXPLANATIONS[self.chosen()]))

    def chosen(self) -> str:
        return self.name.currentData()

    def period_text(self) -> str:
        return self.period.date().toString("yyyy-MM")

    def _busy(self, on: bool) -> None:
        self.preview_button.setEnabled(not on)
        self.xlsx_button.setEnabled(not on)

    # -- preview ------------------------------------------------------------------------

    def show_preview(self) -> None:
        session, name, period = self.session, self.chosen(), self.period_text()
        language = self.language.currentData()
        self.status.hide()
        self._busy(True)

        def work(_progress) -> tuple[bytes, str]:
            return report_pdf(session, name, period, language)

        run_in_background(self, work, lambda built: self._preview_ready(name, period, built),
                          self._failed, label=_("Building the report…"))

    def _preview_ready(self, name: str, period: str, built: tuple[bytes, str]) -> None:
        self._busy(False)
        data, title = built
        dialog = PreviewDialog(data, f"{title} — {period}", f"{name}-{period}.pdf",
                               parent=self)
        delete_on_close(dialog)
        self.preview = dialog
        dialog.open()

    # -- workbook -----------------------------------------------------------------------

    def save_xlsx(self) -> None:
        name, period = self.chosen(), self.period_text()
        target = ask_save_path(self, _("Save as XLSX"), f"{name}-{period}.xlsx",
                               _("Excel workbooks (*.xlsx)"))
        if target is not None:
            self.write_xlsx(target)

    def write_xlsx(self, target: Path) -> None:
        session, name, period = self.session, self.chosen(), self.period_text()
        language = self.language.currentData()
        self._busy(True)
        run_in_background(
            self, lambda _p: write_report(session, name, period, target, language),
            self._saved, self._failed, label=_("Building the report…"))

    def _saved(self, path: Path) -> None:
        self._busy(False)
        set_status(self.status, _("Saved as {file}.").format(file=str(path)), ok=True)

    def _failed(self, sentence: CustosError) -> None:
        self._busy(False)
        set_status(self.status, sentence, ok=False)
