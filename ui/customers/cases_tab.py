"""The Cases tab of a customer page: the customer's cases and a New case… button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.customers.cases import list_cases
from app.customers.model import CaseRecord, ServiceRecord
from app.i18n import _
from app.security import Permission
from ui.customers.case_dialogs import NewCaseDialog
from ui.customers.case_list import CaseList
from ui.lifetime import delete_on_close
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.customers.page import CustomerPage


class CasesTab(QWidget):
    def __init__(self, page: CustomerPage) -> None:
        super().__init__()
        self.page = page
        self.session = page.session
        self.services: tuple[ServiceRecord, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        self.list = CaseList(self.session, with_customer=False)
        self.new_button = QPushButton(_("New case…"))
        self.new_button.setVisible(self.session.can(Permission.CUSTOMER_EDIT))
        self.new_button.clicked.connect(self.new_case)
        self.list.buttons.insertWidget(0, self.new_button)
        self.list.changed.connect(self.refresh)
        layout.addWidget(self.list, 1)

    def show_cases(self, cases: tuple[CaseRecord, ...],
                   services: tuple[ServiceRecord, ...]) -> None:
        self.services = services
        self.list.show_cases(cases)

    def new_case(self) -> None:
        dialog = NewCaseDialog(self.session, self.page.customer_no, self.services, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.refresh(
            _("Case {number} was opened.").format(number=dialog.result_value),
            dialog.result_value))
        dialog.open()

    def refresh(self, sentence: str = "", keep: str | None = None) -> None:
        """Read the cases again (only the cases: the rest of the page has not changed)."""
        session, number = self.session, self.page.customer_no
        run_in_background(self, lambda _p: list_cases(session, customer_no=number),
                          lambda cases: self._refreshed(cases, sentence, keep),
                          lambda error: self.page.say(error, ok=False))

    def _refreshed(self, cases: list[CaseRecord], sentence: str, keep: str | None) -> None:
        # list_cases puts overdue first; on the customer page the newest come first.
        self.list.show_cases(sorted(cases, key=lambda c: c.created_at, reverse=True), keep)
        if sentence:
            self.page.say(sentence, ok=True)
