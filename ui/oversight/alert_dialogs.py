"""The dialogs of the Alerts section: the evidence behind an alert (its events, from the
log), acknowledging it with a note, and the thresholds of the rules."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.clock import local_text
from app.errors import CustosError
from app.i18n import N_, _
from app.oversight.alerts import Alert
from app.oversight.review import acknowledge_alert, alert_thresholds, set_alert_thresholds
from app.security import Session
from ui.dialogs import FormDialog, hint_label
from ui.oversight.log_model import COLUMN_WIDTHS, AuditLogModel
from ui.rights.common import text_box

LIMIT_LABELS = {
    "many_customers": N_("Different customers one user may open within an hour:"),
    "many_reveals": N_("ID numbers one user may reveal in a day:"),
    "bulk_export": N_("Rows of customer data that make an export a bulk export:"),
    "failed_logins": N_("Failed logins for one name within 15 minutes:"),
    "number_guessing": N_("Whole ID or phone numbers one user may search without a match "
                          "within 15 minutes:"),
}


def alert_heading(alert: Alert) -> str:
    if not alert.actor:  # about the branch (a deadline), not about someone's actions
        return _("{time}: {rule}").format(time=local_text(alert.created_at),
                                          rule=alert.description)
    return _("{user}, {time}: {rule}").format(user=alert.actor,
                                              time=local_text(alert.created_at),
                                              rule=alert.description)


class EvidenceDialog(QDialog):
    """The events that raised an alert, read from the log like any other page of it."""

    def __init__(self, session: Session, alert: Alert, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Evidence"))
        self.resize(1080, 520)
        layout = QVBoxLayout(self)
        heading = QLabel(alert_heading(alert))
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        layout.addWidget(hint_label(_("{count} events, newest first.").format(
            count=len(alert.evidence))))
        self.model = AuditLogModel(session, array("q", sorted(alert.evidence, reverse=True)))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class AcknowledgeDialog(FormDialog):
    """Close an alert with what the manager found and did (the note is required)."""

    def __init__(self, session: Session, alert: Alert, parent: QWidget | None = None) -> None:
        super().__init__(_("Acknowledge alert"), parent, ok_text=_("Acknowledge"))
        self.session, self.alert = session, alert
        self.set_intro(alert_heading(alert))
        self.note = text_box(4)
        self.note.setPlaceholderText(_("What you found and what was done about it"))
        self.form.addRow(_("Note:"), self.note)

    def prepare(self) -> Callable[[], Any]:
        session, number, note = self.session, self.alert.id, self.note.toPlainText()
        return lambda: acknowledge_alert(session, number, note)


def to_qtime(text: str) -> QTime:
    value = QTime.fromString(text, "HH:mm")
    return value if value.isValid() else QTime(8, 0)


class ThresholdsDialog(FormDialog):
    """The limits of the rules and the business hours; app/ checks every value again."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Alert thresholds"), parent)
        self.session = session
        self.setMinimumWidth(620)
        self.limits: dict[str, QSpinBox] = {}
        self.set_intro(_("An alert is raised when one of these is exceeded. Every change is "
                         "recorded in the access log."))
        try:
            current = alert_thresholds(session)
        except CustosError as exc:
            current = {}
            self.show_error(str(exc))
        for rule, label in LIMIT_LABELS.items():
            box = QSpinBox()
            box.setRange(1, 10000)
            box.setValue(int(current.get(rule, {}).get("limit", 1)))
            self.limits[rule] = box
            self.form.addRow(_(label), box)
        hours = current.get("after_hours", {"start": "08:00", "end": "20:00"})
        self.start = QTimeEdit(to_qtime(hours.get("start", "08:00")))
        self.end = QTimeEdit(to_qtime(hours.get("end", "20:00")))
        for field in (self.start, self.end):
            field.setDisplayFormat("HH:mm")
        self.form.addRow(_("Business hours start:"), self.start)
        self.form.addRow(_("Business hours end:"), self.end)

    def values(self) -> dict[str, dict]:
        chosen: dict[str, dict] = {rule: {"limit": box.value()}
                                   for rule, box in self.limits.items()}
        chosen["after_hours"] = {"start": self.start.time().toString("HH:mm"),
                                 "end": self.end.time().toString("HH:mm")}
        return chosen

    def prepare(self) -> Callable[[], Any]:
        session, chosen = self.session, self.values()
        return lambda: set_alert_thresholds(session, chosen)
