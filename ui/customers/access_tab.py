"""The Access history tab (managers): who looked at or changed this record, when, and why."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.customers.records import AccessEvent
from app.i18n import N_, _
from ui.customers.common import fill_table, purpose_label, read_only_table
from ui.dialogs import hint_label
from ui.style import TAB_MARGINS

ACTIONS = {
    "customer.opened": N_("Opened the record"),
    "customer.revealed": N_("Revealed a masked field"),
    "customer.created": N_("Created the record"),
    "customer.rectified": N_("Corrected the identity"),
    "customer.restricted": N_("Restricted processing"),
    "customer.restriction_lifted": N_("Lifted the restriction"),
    "service.added": N_("Added a service"),
    "service.ended": N_("Ended a service"),
    "service.suspended": N_("Suspended a service"),
    "service.resumed": N_("Resumed a service"),
    "consumption.recorded": N_("Recorded consumption"),
    "payment.recorded": N_("Recorded a payment"),
    "case.opened": N_("Opened a case"),
    "case.moved": N_("Moved a case"),
    "case.reassigned": N_("Reassigned a case"),
    "case.updated": N_("Updated a case"),
    "case.listed": N_("Listed the cases"),
    "consent.granted": N_("Recorded a consent"),
    "consent.withdrawn": N_("Recorded a withdrawal"),
}


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


class AccessTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(hint_label(_("Every look-up and change of this record, newest first, "
                                      "from the access log.")))
        self.table = read_only_table([_("When"), _("Who"), _("Action"), _("Purpose of access")],
                                     stretch=3)
        layout.addWidget(self.table, 1)

    def show_events(self, events: Sequence[AccessEvent]) -> None:
        fill_table(self.table, [(e.at, e.actor, action_label(e.action), purpose_label(e.purpose))
                                for e in events])
