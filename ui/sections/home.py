"""My roles and shortcuts: who is logged in, what each of their roles does in Custos, and the
keys that work everywhere. No customer data; nobody starts here (ui.navigation.LANDINGS)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.security import Permission, Role, Session
from ui.dialogs import hint_label
from ui.sections.common import section_title

ROLE_WORK = {
    Role.COUNTER: N_("Counter staff find a customer in seconds while the customer waits, "
                     "open services, log complaints and fault reports, and take consents and "
                     "rights requests."),
    Role.ARCHIVE: N_("Archive clerks keep the paper files: where each one is, who borrowed "
                     "it, when it must come back and when it may be destroyed."),
    Role.MANAGER: N_("Managers approve loans and destruction, decide rights requests, review "
                     "the access log and alerts, and print reports and data-access copies."),
    Role.ADMIN: N_("Administrators manage accounts, keys, backups, retention and security "
                   "settings. They see no customer data."),
}


class HomeSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(section_title(_("Welcome, {name}").format(name=session.display_name)))
        layout.addWidget(hint_label(_("You are logged in as {user} with the roles: {roles}.")
                                    .format(user=session.username, roles=session.role_names)))
        for role in sorted(session.roles, key=list(Role).index):
            card = QFrame()
            card.setObjectName("card")
            inner = QVBoxLayout(card)
            inner.setContentsMargins(16, 12, 16, 12)
            name = QLabel(role.label)
            name.setStyleSheet("font-weight: bold;")
            inner.addWidget(name)
            text = QLabel(_(ROLE_WORK[role]))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(text)
            layout.addWidget(card)
        layout.addSpacing(8)
        if session.can(Permission.CUSTOMER_FIND):
            layout.addWidget(hint_label(_("Ctrl+F finds a customer from any screen.")))
        layout.addWidget(hint_label(_("Lock the screen with Ctrl+L whenever you leave the desk. "
                                      "Custos also locks itself after a few idle minutes.")))
        layout.addStretch(1)
