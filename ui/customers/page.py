"""A customer's page: a header (name, number, status, the restriction, legal-hold and
closed banners), the Overview tab first, then one tab per record category. Esc closes it.

Revealed values live in the page's `RevealedValues`; the page masks them again whenever it
is hidden — closing it, switching section, or the screen lock hiding the whole workspace.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.clock import local_text
from app.customers.model import CustomerStatus
from app.errors import CustosError
from app.i18n import _
from app.security import Permission, Session
from ui.archive.customer_panel import CustomerFilesPanel
from ui.customers.access_tab import AccessTab
from ui.customers.cases_tab import CasesTab
from ui.customers.common import purpose_label
from ui.customers.consents_tab import ConsentsTab
from ui.customers.consumption_tab import ConsumptionTab
from ui.customers.identity_tab import IdentityTab
from ui.customers.loading import CustomerView, load_customer
from ui.customers.manager_actions import ManagerActions
from ui.customers.overview_tab import OverviewTab
from ui.customers.reveal import RevealedValues
from ui.customers.services_tab import ServicesTab
from ui.sections.common import set_status
from ui.worker import run_in_background

BANNER_STYLE = ("background: #fdecea; color: #8c1d18; border: 1px solid #e8a29c; "
                "border-radius: 6px; padding: 8px 12px; font-weight: bold;")
CLOSED_STYLE = ("background: #eef1f5; color: #3b4654; border: 1px solid #c9ced6; "
                "border-radius: 6px; padding: 6px 12px;")


def customer_status_label(value: str) -> str:
    try:
        return CustomerStatus(value).label
    except ValueError:
        return value


class CustomerPage(QWidget):
    closed = Signal()

    def __init__(self, session: Session, view: CustomerView, back_text: str | None = None,
                 show_ms: int | None = None, clipboard_ms: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.revealed = RevealedValues(show_ms, clipboard_ms, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 20)
        layout.setSpacing(10)

        top = QHBoxLayout()
        self.back_button = QPushButton(back_text or _("← Back to search"))
        self.back_button.setToolTip(_("Close this customer (Esc)"))
        self.back_button.clicked.connect(self.close_page)
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.manager_actions = ManagerActions(session, view.customer_no,
                                              lambda sentence: self.reload(sentence))
        top.addWidget(self.manager_actions)
        self.purpose = QLabel()
        self.purpose.setObjectName("hint")
        top.addWidget(self.purpose)
        layout.addLayout(top)

        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = QLabel()
        self.meta.setObjectName("hint")
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        self.banner = QLabel()
        self.banner.setObjectName("restrictedBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.closed_note = QLabel(_("Closed customer: every service has ended."))
        self.closed_note.setStyleSheet(CLOSED_STYLE)
        self.hold_note = QLabel()
        self.hold_note.setStyleSheet(CLOSED_STYLE)
        self.hold_note.setWordWrap(True)
        layout.addWidget(self.banner)
        layout.addWidget(self.hold_note)
        layout.addWidget(self.closed_note)

        self.tabs = QTabWidget()
        self.identity_tab = IdentityTab(self)
        self.overview_tab = OverviewTab(self)
        self.services_tab = ServicesTab(self)
        self.consumption_tab = ConsumptionTab()
        self.cases_tab = CasesTab(self)
        self.consents_tab = ConsentsTab(self)
        self.tabs.addTab(self.overview_tab, _("Overview"))
        self.tabs.addTab(self.identity_tab, _("Identity"))
        self.tabs.addTab(self.services_tab, _("Services"))
        self.tabs.addTab(self.consumption_tab, _("Consumption"))
        self.tabs.addTab(self.cases_tab, _("Cases"))
        self.tabs.addTab(self.consents_tab, _("Consents"))
        self.files_tab: CustomerFilesPanel | None = None
        if session.can(Permission.FILE_VIEW):
            self.files_tab = CustomerFilesPanel(session, view.customer_no)
            self.tabs.addTab(self.files_tab, _("Paper files"))
        self.access_tab: AccessTab | None = None
        if view.access is not None:
            self.access_tab = AccessTab()
            self.tabs.addTab(self.access_tab, _("Access history"))
        layout.addWidget(self.tabs, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

        self.show_view(view)

    @property
    def customer_no(self) -> str:
        return self.view.customer_no

    def show_view(self, view: CustomerView) -> None:
        self.view = view
        ident = view.record.identity
        self.title.setText(ident.name)
        self.meta.setText(_("Customer no. {number} · {status}").format(
            number=ident.customer_no, status=customer_status_label(ident.status)))
        self.purpose.setText(_("Purpose of access: {purpose}").format(
            purpose=purpose_label(view.record.purpose)))
        if ident.restricted:
            # Identity carries no restriction date yet; show it once app/ provides one.
            since = getattr(ident, "restricted_at", None)
            head = (_("Processing restricted since {date} — read-only.").format(
                date=local_text(since))
                    if since else _("Processing restricted — read-only."))
            reason = ident.restriction_reason or ""
            self.banner.setText(_("{sentence} Reason: {reason}").format(sentence=head,
                                                                        reason=reason)
                                if reason else head)
        if ident.legal_hold:
            until = _(" until {date}").format(date=ident.legal_hold_until) \
                if ident.legal_hold_until else ""
            self.hold_note.setText(_("Legal hold{until}: {reason}").format(
                until=until, reason=ident.legal_hold))
        self.hold_note.setVisible(bool(ident.legal_hold))
        self.manager_actions.show_identity(ident)
        self.banner.setVisible(ident.restricted)
        self.closed_note.setVisible(ident.status == CustomerStatus.CLOSED.value)
        self.identity_tab.show_identity(ident)
        self.overview_tab.show_overview(view.overview)
        self.services_tab.show_services(view.record.services, ident.restricted)
        self.consumption_tab.show_consumption(view.history, view.payments)
        self.cases_tab.show_cases(view.record.cases, view.record.services)
        self.consents_tab.show_ledger(view.ledger)
        if self.access_tab is not None and view.access is not None:
            self.access_tab.show_events(view.access)

    def reload(self, sentence: str = "") -> None:
        """Read the record again after a change (the session remembers the purpose)."""
        session, number = self.session, self.customer_no
        run_in_background(self, lambda _p: load_customer(session, number),
                          lambda view: (self.show_view(view), self.say(sentence, ok=True)),
                          lambda error: self.say(error, ok=False))

    def say(self, sentence: str | CustosError, ok: bool) -> None:
        set_status(self.status, sentence, ok)

    def close_page(self) -> None:
        self.revealed.clear()
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        # Esc reaches the page from any child that has no use for it (tables, buttons, tabs).
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.close_page()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # Qt's name
        # Closing, another section, or the lock: nothing unmasked stays behind.
        self.revealed.clear()
        super().hideEvent(event)
