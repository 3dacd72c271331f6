"""The Alerts section: the anomalies app/ raised as events were written — who, which rule,
how many events of evidence — waiting for a manager to look and acknowledge them."""

from __future__ import annotations

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.clock import local_text
from app.i18n import _
from app.oversight.alerts import Alert
from app.oversight.review import list_alerts
from app.security import Session
from ui.customers.common import fill_table, read_only_table, selected_row
from ui.dialogs import FormDialog, hint_label
from ui.lifetime import delete_on_close
from ui.oversight.alert_dialogs import AcknowledgeDialog, EvidenceDialog, ThresholdsDialog
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

DONE = QColor("#7a8491")
ACKNOWLEDGED, NOTE = 4, 5


def alert_cells(alert: Alert) -> list[str]:
    done = _("{time} by {user}").format(time=local_text(alert.acknowledged_at),
                                        user=alert.acknowledged_by or "") \
        if alert.acknowledged_at else ""
    return [local_text(alert.created_at), alert.actor, alert.description,
            str(len(alert.evidence)), done, alert.note or ""]


class AlertsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.alerts: list[Alert] = []
        self.child: QWidget | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Alerts")))
        layout.addWidget(hint_label(_(
            "Custos checks every access as it is written: many customers opened in an hour, "
            "access outside business hours, many ID numbers revealed, bulk exports, repeated "
            "failed logins, the purpose 'Other'. Look at the evidence, then acknowledge the "
            "alert with what you found.")))

        bar = QHBoxLayout()
        self.show_done = QCheckBox(_("Show acknowledged alerts too"))
        self.show_done.toggled.connect(lambda _on: self.refresh())
        bar.addWidget(self.show_done)
        bar.addStretch(1)
        self.evidence_button = QPushButton(_("Show evidence"))
        self.evidence_button.clicked.connect(self.show_evidence)
        self.ack_button = QPushButton(_("Acknowledge…"))
        self.ack_button.clicked.connect(self.acknowledge)
        self.thresholds_button = QPushButton(_("Thresholds…"))
        self.thresholds_button.clicked.connect(self.thresholds)
        for button in (self.evidence_button, self.ack_button, self.thresholds_button):
            bar.addWidget(button)
        layout.addLayout(bar)

        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)
        self.table = read_only_table([
            _("Time"), _("User"), _("Alert rule"), _("Events"), _("Acknowledged"), _("Note")],
            stretch=2)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(
            NOTE, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(NOTE, 260)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.show_evidence())
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self._columns()
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()  # alerts are raised while the section sits in the background

    def _columns(self) -> None:
        done = self.show_done.isChecked()
        for column in (ACKNOWLEDGED, NOTE):
            self.table.setColumnHidden(column, not done)

    # -- the list -----------------------------------------------------------------------

    def refresh(self, sentence: str = "") -> None:
        session, open_only = self.session, not self.show_done.isChecked()
        self._generation += 1
        generation = self._generation
        run_in_background(self, lambda _p: list_alerts(session, open_only=open_only),
                          lambda found: self._listed(found, sentence, generation),
                          lambda error: set_status(self.status, error, ok=False),
                          show_after_ms=None)

    def _listed(self, found: list[Alert], sentence: str, generation: int) -> None:
        if generation != self._generation:
            return
        keep = self.selected()
        self.alerts = found
        self._columns()
        fill_table(self.table, [alert_cells(a) for a in found],
                   colours=[DONE if a.acknowledged_at else None for a in found],
                   align_right=(3,))
        self.table.resizeRowsToContents()
        waiting = sum(1 for a in found if not a.acknowledged_at)
        self.count.setText(_("{count} alerts waiting for acknowledgement.").format(
            count=waiting) if waiting else _("No alert is waiting for acknowledgement."))
        for row, alert in enumerate(found):
            if keep is not None and alert.id == keep.id:
                self.table.selectRow(row)
        self._update_buttons()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def selected(self) -> Alert | None:
        row = selected_row(self.table)
        return self.alerts[row] if row is not None and row < len(self.alerts) else None

    def _update_buttons(self) -> None:
        alert = self.selected()
        self.evidence_button.setEnabled(alert is not None)
        self.ack_button.setEnabled(alert is not None and not alert.acknowledged_at)

    # -- actions ------------------------------------------------------------------------

    def _open(self, dialog: QWidget) -> None:
        delete_on_close(dialog)
        self.child = dialog
        dialog.open()

    def show_evidence(self) -> EvidenceDialog | None:
        alert = self.selected()
        if alert is None:
            return None
        dialog = EvidenceDialog(self.session, alert, self)
        self._open(dialog)
        return dialog

    def acknowledge(self) -> AcknowledgeDialog | None:
        alert = self.selected()
        if alert is None or alert.acknowledged_at:
            return None
        dialog = AcknowledgeDialog(self.session, alert, self)
        dialog.accepted.connect(lambda: self.refresh(
            _("The alert was acknowledged.")))
        self._open(dialog)
        return dialog

    def thresholds(self) -> FormDialog:
        dialog = ThresholdsDialog(self.session, self)
        dialog.accepted.connect(lambda: set_status(
            self.status, _("The thresholds were saved; they apply to new events."), ok=True))
        self._open(dialog)
        return dialog
