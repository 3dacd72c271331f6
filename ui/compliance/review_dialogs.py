"""The dialogs of the permission-review tab: one account's decision, and the schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from app.compliance.reviews import AccountLine, Decision, decide, set_every_months
from app.i18n import _, current_language
from app.security import Role, Session
from ui.dialogs import FormDialog, hint_label
from ui.rights.common import text_box


def roles_text(roles) -> str:
    sep = "、" if current_language() == "zh_CN" else ", "
    return sep.join(Role(r).label for r in roles) or _("no role")


class DecisionDialog(FormDialog):
    """Keep, change roles (to which) or disable one account, with a note saying why."""

    def __init__(self, session: Session, review_id: int, line: AccountLine,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Decision on {name}").format(name=line.display_name), parent)
        self.session, self.review_id, self.line = session, review_id, line
        self.set_intro(_("{name} ({user}) holds: {roles}.").format(
            name=line.display_name, user=line.username, roles=roles_text(line.roles)))
        if line.username.casefold() == session.username.casefold():
            self.form.addRow(hint_label(_("This is your own account: the decision is "
                                          "recorded and flagged, and another manager is "
                                          "asked to look at it.")))
        self.decision = QComboBox()
        for choice in Decision:
            self.decision.addItem(choice.label, choice.value)
        self.form.addRow(_("Decision:"), self.decision)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.roles: dict[str, QCheckBox] = {}
        for role in Role:
            box = QCheckBox(role.label)
            box.setChecked(role.value in line.roles)
            self.roles[role.value] = box
            row.addWidget(box)
        row.addStretch(1)
        self.form.addRow(_("Roles it keeps:"), holder)
        self.note = text_box(3)
        self.note.setPlaceholderText(_("What the account is used for, and why this "
                                       "decision"))
        self.form.addRow(_("Note:"), self.note)
        self.fields = {"decision": self.decision, "roles": holder, "note": self.note}
        if line.decision:
            self.decision.setCurrentIndex(self.decision.findData(line.decision))
            for value, box in self.roles.items():
                box.setChecked(value in (line.roles_after or line.roles))
            self.note.setPlainText(line.note)
        self.decision.currentIndexChanged.connect(self._roles_enabled)
        self._roles_enabled()

    def _roles_enabled(self) -> None:
        on = self.decision.currentData() == Decision.ROLES
        for box in self.roles.values():
            box.setEnabled(on)

    def prepare(self) -> Callable[[], Any]:
        session, review, user = self.session, self.review_id, self.line.username
        decision, note = self.decision.currentData(), self.note.toPlainText()
        roles = [value for value, box in self.roles.items() if box.isChecked()]
        return lambda: decide(session, review, user, decision, note, roles=roles)


class ScheduleDialog(FormDialog):
    def __init__(self, session: Session, months: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Review schedule"), parent)
        self.session = session
        self.set_intro(_("A permission review falls due this many months after the last "
                         "one was signed (quarterly: 3)."))
        self.months = QSpinBox()
        self.months.setRange(1, 24)
        self.months.setValue(months)
        self.form.addRow(_("Every (months):"), self.months)
        self.form.addRow(QLabel())
        self.fields = {"months": self.months}

    def prepare(self) -> Callable[[], Any]:
        session, months = self.session, self.months.value()
        return lambda: set_every_months(session, months)
