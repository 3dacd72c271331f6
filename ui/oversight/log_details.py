"""The access log's pieces that read events in words: the details pane under the table,
the action filter by group and action (app.audit_actions), and the user filter by name."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app import audit_actions
from app.audit_actions import Group
from app.i18n import _
from app.oversight.review import LogRow
from ui.oversight.common import seconds_text

INDENT = "\u3000\u3000"  # an action sits under its group in the list


def action_choice() -> QComboBox:
    """Any action; a group (every action in it); or one action. Data: the action codes."""
    box = QComboBox()
    box.addItem(_("any action"), ())
    for group in Group:
        actions = audit_actions.in_group(group)
        box.addItem(group.label, tuple(a.code for a in actions))
        bold = box.font()
        bold.setBold(True)
        box.setItemData(box.count() - 1, bold, Qt.ItemDataRole.FontRole)
        for action in sorted(actions, key=lambda a: audit_actions.label(a.code)):
            box.addItem(INDENT + audit_actions.label(action.code), (action.code,))
    box.setMaxVisibleItems(24)
    box.setMinimumWidth(220)
    return box


def user_choice(names: dict[str, str]) -> QComboBox:
    """Staff by name; a login or name may also be typed."""
    box = QComboBox()
    box.setEditable(True)
    box.addItem("", "")
    for login, name in sorted(names.items(), key=lambda item: item[1]):
        box.addItem(name, login)
    box.lineEdit().setPlaceholderText(_("any user"))
    box.setMinimumWidth(160)
    return box


def chosen_login(box: QComboBox, names: dict[str, str]) -> str:
    text = box.currentText().strip()
    by_name = {name: login for login, name in names.items()}
    return by_name.get(text, text)


class EventDetails(QScrollArea):
    """One event in full: when, who, what, the result, and its details as sentences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(12, 10, 12, 10)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setMinimumHeight(110)
        self.show_event(None)

    def show_event(self, row: LogRow | None) -> None:
        if row is None:
            self.text.setText(escape(_("Choose an event to read it in full.")))
            return
        facts = [(_("Time"), seconds_text(row.at)), (_("User"), row.actor_name or row.actor),
                 (_("Account"), row.actor if row.actor_name != row.actor else ""),
                 (_("Result"), audit_actions.result(row.outcome)),
                 (_("Customer"), row.customer_ref)]
        head = "&nbsp;&nbsp;·&nbsp;&nbsp;".join(
            _("{field}: {value}").format(field=escape(name), value=f"<b>{escape(value)}</b>")
            for name, value in facts if value)
        self.text.setText(
            f"<p><b>{escape(audit_actions.label(row.action))}</b> (#{row.seq})</p>"
            f"<p>{head}</p><p>{escape(row.sentence)}</p>")
