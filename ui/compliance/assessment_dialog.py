"""The form of a new impact assessment: the activity (one of the register's, or a new one
typed in), purpose and necessity, data items, the risks rated, measures, conclusion, the
assessment date and the review date. app/ checks every field again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.compliance.assessment_model import Draft, Level, Risk, one_year_after, split_items
from app.compliance.assessments import record_assessment
from app.i18n import _, current_language
from app.rights.register import register_entries
from app.security import Session
from ui.customers.common import date_field
from ui.dialogs import FormDialog


def _text_box(hint: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(hint)
    box.setTabChangesFocus(True)
    box.setFixedHeight(22 * lines + 12)
    return box


def _day(field) -> date:
    q = field.date()
    return date(q.year(), q.month(), q.day())


class RiskTable(QWidget):
    """Risks to customers, one a row: what may happen, its likelihood and severity."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Risk"), _("Likelihood"), _("Severity")])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # as wide as a level's box (wider than the header in English)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.table.setFixedHeight(130)
        layout.addWidget(self.table)
        bar = QHBoxLayout()
        self.add_button = QPushButton(_("Add a risk"))
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton(_("Remove the risk"))
        self.remove_button.clicked.connect(self.remove_row)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.add_row()

    def add_row(self, text: str = "", likelihood: str = "medium", severity: str = "medium"):
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(text))
        for column, value in ((1, likelihood), (2, severity)):
            box = QComboBox()
            for lvl in Level:
                box.addItem(lvl.label, lvl.value)
            box.setCurrentIndex(box.findData(value))
            self.table.setCellWidget(row, column, box)
            wide = max(box.sizeHint().width(), self.table.horizontalHeader()
                       .sectionSizeFromContents(column).width()) + 16
            self.table.setColumnWidth(column, wide)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def risks(self) -> tuple[Risk, ...]:
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            text = item.text().strip() if item else ""
            if text:
                out.append(Risk(text, self.table.cellWidget(row, 1).currentData(),
                                self.table.cellWidget(row, 2).currentData()))
        return tuple(out)


class AssessmentDialog(FormDialog):
    def __init__(self, session: Session, activities: list[tuple[str, str]],
                 chosen: str = "", parent: QWidget | None = None) -> None:
        super().__init__(_("New impact assessment"), parent, ok_text=_("Record"))
        self.session = session
        self.setMinimumWidth(640)
        self.set_intro(_("Record the assessment of one processing activity. Another manager "
                         "approves it (in a branch with one manager, that manager); it then "
                         "replaces the activity's current assessment, which is kept."))
        self.activity = QComboBox()
        self.activity.setEditable(True)
        self.activity.setMinimumWidth(320)
        for key, label in activities:
            self.activity.addItem(label, key)
        self.activity.lineEdit().setPlaceholderText(_("or type a new activity"))
        self.purpose = _text_box(_("What the processing is for"))
        self.necessity = _text_box(_("Why it and its data are necessary; what less would do"))
        self.items = QLineEdit()
        self.items.setPlaceholderText(_("name, ID number, phone… (separated by commas)"))
        self.risks = RiskTable()
        self.measures = _text_box(_("What reduces each risk"))
        self.conclusion = _text_box(_("Is the remaining risk acceptable, and on what terms?"), 2)
        self.assessed_on = date_field()
        self.review_by = date_field(one_year_after(date.today()))
        self.assessed_on.dateChanged.connect(self._follow_date)
        self._add_rows()
        self.fields = {"activity": self.activity, "purpose": self.purpose,
                       "necessity": self.necessity, "items": self.items,
                       "risks": self.risks.table, "measures": self.measures,
                       "conclusion": self.conclusion, "assessed_on": self.assessed_on,
                       "review_by": self.review_by}
        self._register = {e.category: e for e in register_entries(session)}
        self.activity.currentIndexChanged.connect(self._prefill)
        index = self.activity.findData(chosen)
        self.activity.setCurrentIndex(max(index, 0))
        self._prefill()

    def _add_rows(self) -> None:
        for label, widget in ((_("Activity:"), self.activity), (_("Purpose:"), self.purpose),
                              (_("Necessity:"), self.necessity),
                              (_("Data items:"), self.items),
                              (_("Risks to customers:"), self.risks),
                              (_("Measures:"), self.measures),
                              (_("Conclusion:"), self.conclusion),
                              (_("Assessment date:"), self.assessed_on),
                              (_("Review by:"), self.review_by)):
            self.form.addRow(label, widget)

    def _follow_date(self, day: QDate) -> None:
        later = one_year_after(date(day.year(), day.month(), day.day()))
        self.review_by.setDate(QDate(later.year, later.month, later.day))

    def _prefill(self, _index: int = 0) -> None:
        """A register activity's purposes, as the register says them, when none is typed."""
        entry = self._register.get(self.activity.currentData())
        if entry is not None and not self.purpose.toPlainText().strip():
            self.purpose.setPlainText(entry.purposes.get(current_language(), ""))

    def chosen_activity(self) -> str:
        text = self.activity.currentText().strip()
        index = self.activity.findText(text)
        return self.activity.itemData(index) if index >= 0 else text

    def prepare(self) -> Callable[[], Any]:
        session = self.session
        made = Draft(self.chosen_activity(), self.purpose.toPlainText(),
                     self.necessity.toPlainText(), split_items(self.items.text()),
                     self.risks.risks(), self.measures.toPlainText(),
                     self.conclusion.toPlainText(), _day(self.assessed_on),
                     _day(self.review_by))
        return lambda: record_assessment(session, made)
