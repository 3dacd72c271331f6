"""The Archive section: one tab per part of the archive clerk's day — find, register, borrow,
return, overdue, destruction, transfers. Tabs a role cannot use are not shown (the services
refuse them anyway)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.i18n import _
from app.security import Permission, Session
from ui.archive.borrow_tab import BorrowTab
from ui.archive.destruction_tab import DestructionTab
from ui.archive.find_tab import FindTab
from ui.archive.overdue_tab import OverdueTab
from ui.archive.register_tab import RegisterTab
from ui.archive.return_tab import ReturnTab
from ui.archive.transfers_tab import TransfersTab
from ui.sections.common import section_title


class ArchiveSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(8)
        layout.addWidget(section_title(_("Archive")))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        can = session.can
        manage = can(Permission.FILE_MANAGE)
        oversee = manage or can(Permission.FILE_APPROVE)
        self.find = FindTab(session)
        self.register = RegisterTab(session) if manage else None
        self.borrow = BorrowTab(session) if manage else None
        self.returns = ReturnTab(session) if manage else None
        self.overdue = OverdueTab(session) if oversee else None
        self.destruction = (DestructionTab(session) if can(Permission.DESTRUCTION_PROPOSE)
                            or can(Permission.DESTRUCTION_APPROVE) else None)
        self.transfers = TransfersTab(session) if oversee else None
        for tab, title in ((self.find, _("Find")), (self.register, _("Register")),
                           (self.borrow, _("Borrow")), (self.returns, _("Return")),
                           (self.overdue, _("Overdue")), (self.destruction, _("Destruction")),
                           (self.transfers, _("Transfers"))):
            if tab is not None:
                self.tabs.addTab(tab, title)
        self.tabs.currentChanged.connect(lambda _index: self.tabs.currentWidget().setFocus())

        if self.borrow is not None:
            self.find.detail.lend_requested.connect(
                lambda number: self._go(self.borrow, lambda: self.borrow.load(number)))
        if self.returns is not None:
            returns = self.returns
            self.find.detail.return_requested.connect(
                lambda number: self._go(returns, lambda: returns.load(number)))
            if self.overdue is not None:
                self.overdue.return_requested.connect(
                    lambda number: self._go(returns, lambda: returns.load(number)))
        if self.transfers is not None:
            transfers = self.transfers
            self.find.detail.transfer_requested.connect(
                lambda number: self._go(transfers, lambda: transfers.start(number)))
        self.setFocusProxy(self.find)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        # A scan can follow at once: the scanner types into whatever has the focus.
        self.tabs.currentWidget().setFocus()

    def _go(self, tab: QWidget, then: Callable[[], None]) -> None:
        self.tabs.setCurrentWidget(tab)
        then()
