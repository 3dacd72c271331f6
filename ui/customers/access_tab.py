"""The Access history tab (managers): who looked at or changed this record, when, and why."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app import audit_actions
from app.customers.records import AccessEvent
from app.i18n import _
from ui.customers.common import fill_table, purpose_label, read_only_table
from ui.dialogs import hint_label


class AccessTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(hint_label(_("Every look-up and change of this record, newest first, "
                                      "from the access log.")))
        self.table = read_only_table([_("When"), _("Who"), _("Action"), _("Purpose of access")],
                                     stretch=3)
        layout.addWidget(self.table, 1)

    def show_events(self, events: Sequence[AccessEvent]) -> None:
        fill_table(self.table, [(e.at, e.actor, audit_actions.label(e.action),
                                 purpose_label(e.purpose)) for e in events])
