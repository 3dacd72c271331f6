"""The compliance file's "Data breaches" tab: the register, its deadlines in colour, and the
buttons that record, complete, notify and close an incident (a manager's work)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import clock
from app.compliance.breach_deadlines import deadlines
from app.compliance.breaches import Breach, linked_customers, list_breaches
from app.i18n import _
from app.security import Permission, Session
from ui.compliance.breach_dialogs import (
    BreachDialog,
    CloseDialog,
    DeadlinesDialog,
    EditBreachDialog,
    NotifyDialog,
)
from ui.compliance.section import Tab
from ui.customers.common import fill_table, read_only_table, selected_row
from ui.dialogs import hint_label
from ui.lifetime import delete_on_close
from ui.sections.common import set_status
from ui.worker import run_in_background

LATE, NEAR, DONE = QColor("#b3261e"), QColor("#9a5b00"), QColor("#7a8491")


def breach_cells(b: Breach, now, warn: int) -> list[str]:
    state = _("Closed") if b.state == "closed" else (
        _("Open") if b.handler else _("Reported"))
    due = clock.local_text(b.next_due)
    urgency = b.urgency(now, warn)
    if urgency == "passed":
        due = _("{time} (passed)").format(time=due)
    return [str(b.number), clock.local_text(b.detected_at), b.summary,
            f"{b.customers_notified}/{b.customers}",
            clock.local_text(b.regulator_notified) or ("—" if b.state == "closed"
                                                         else _("not yet")),
            due or "—", b.handler or "—", state]


class BreachesTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.breaches: list[Breach] = []
        self.child: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint_label(_(
            "Every incident that may have exposed customers' personal data: when it was "
            "detected, what happened, whom it affects, what was done. The regulator and each "
            "affected customer are notified by letter within the deadlines; an incident "
            "closes once they are, or with the reason why none was required.")))
        # The choices about the register above the table, the actions on the chosen
        # incident below it: one row of six buttons is wider than the window in English.
        bar = QHBoxLayout()
        self.open_only = QCheckBox(_("Open incidents only"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _on: self.refresh())
        bar.addWidget(self.open_only)
        bar.addStretch(1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, row in (
                ("record", _("Record a breach…"), self.record, bar),
                ("deadlines", _("Deadlines…"), self.set_deadlines, bar),
                ("edit", _("Details…"), self.edit, actions),
                ("regulator", _("Letter to the regulator…"), lambda: self.notify("regulator"),
                 actions),
                ("customers", _("Letters to customers…"), lambda: self.notify("customers"),
                 actions),
                ("close", _("Close…"), self.close_breach, actions)):
            button = QPushButton(text)
            button.setObjectName(f"breach-{key}")
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        layout.addLayout(bar)
        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)
        self.table = read_only_table([
            _("No."), _("Detected"), _("Summary"), _("Customers"), _("Regulator"),
            _("Next deadline"), _("Handler"), _("State")], stretch=2)
        self.table.setToolTip(_("Customers: notified / affected. Regulator: when it was "
                                "notified."))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self, sentence: str = "") -> None:
        session, open_only = self.session, self.open_only.isChecked()

        def load(_progress):
            return list_breaches(session, open_only=open_only), deadlines(session).warn_hours

        run_in_background(self, load, lambda found: self._listed(*found, sentence),
                          lambda error: set_status(self.status, error, ok=False),
                          show_after_ms=None)

    def _listed(self, found: list[Breach], warn: int, sentence: str) -> None:
        keep, now = self.selected(), clock.now_utc()
        self.breaches = found
        colours = [DONE if b.state == "closed" else
                   {"passed": LATE, "near": NEAR}.get(b.urgency(now, warn)) for b in found]
        fill_table(self.table, [breach_cells(b, now, warn) for b in found], colours=colours,
                   align_right=(0, 3))
        late = colours.count(LATE)
        opened = sum(1 for b in found if b.state == "open")
        self.count.setText(_("{count} open incidents, {late} past a deadline.").format(
            count=opened, late=late) if opened else _("No open incident."))
        for row, b in enumerate(found):
            if keep is not None and b.number == keep.number:
                self.table.selectRow(row)
        self._update_buttons()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def selected(self) -> Breach | None:
        row = selected_row(self.table)
        return self.breaches[row] if row is not None and row < len(self.breaches) else None

    def _update_buttons(self) -> None:
        b = self.selected()
        is_open = b is not None and b.state == "open"
        self.buttons["edit"].setEnabled(is_open)
        self.buttons["regulator"].setEnabled(is_open)
        self.buttons["customers"].setEnabled(is_open and b.customers_pending > 0)
        self.buttons["close"].setEnabled(is_open)

    # -- actions ------------------------------------------------------------------------

    def _open(self, dialog, done: str | None) -> QWidget:
        delete_on_close(dialog)
        if done is not None:
            dialog.accepted.connect(lambda: self.refresh(done))
        self.child = dialog
        dialog.open()
        return dialog

    def record(self) -> QWidget:
        return self._open(BreachDialog(self.session, manager=True, parent=self),
                          _("The incident was recorded."))

    def edit(self) -> QWidget | None:
        b = self.selected()
        if b is None or b.state != "open":
            return None
        numbers = [no for no, _told in linked_customers(self.session, b.number)]
        return self._open(EditBreachDialog(self.session, b, numbers, self),
                          _("The incident was saved."))

    def notify(self, to: str) -> QWidget | None:
        b = self.selected()
        if b is None or b.state != "open":
            return None
        dialog = NotifyDialog(self.session, b, to, self)
        dialog.accepted.connect(lambda: self.refresh(_(
            "{count} letters written and recorded as sent.").format(
            count=len(dialog.result_value or []))))
        return self._open(dialog, None)

    def close_breach(self) -> QWidget | None:
        b = self.selected()
        if b is None or b.state != "open":
            return None
        return self._open(CloseDialog(self.session, b, self), _("The incident was closed."))

    def set_deadlines(self) -> QWidget:
        return self._open(DeadlinesDialog(self.session, self), _("The deadlines were saved."))


TAB = Tab("breaches", lambda: _("Data breaches"), Permission.COMPLIANCE, BreachesTab, order=10)
