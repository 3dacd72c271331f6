"""The Cases section: the case queue across customers — mine, overdue, by kind, by status —
and the customer page behind a case (Enter or double-click)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.customers.cases import list_cases
from app.customers.model import CaseKind, CaseRecord, CaseStatus, Purpose
from app.i18n import _
from app.security import Session
from ui.customers.case_list import CaseList
from ui.customers.loading import CustomerView
from ui.customers.page import CustomerPage
from ui.customers.purpose import CustomerOpener
from ui.lifetime import delete_later
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background


def filter_combo(all_text: str, members: list) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_text, None)
    for member in members:
        combo.addItem(member.label, member.value)
    return combo


def suggested_purpose(case: CaseRecord) -> Purpose:
    """The purpose a case implies, offered when the purpose has to be asked."""
    return Purpose.COMPLAINT if case.kind == CaseKind.COMPLAINT.value else \
        Purpose.COUNTER_SERVICE


class CasesSection(QWidget):
    show_ms: int | None = None
    clipboard_ms: int | None = None

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.page: CustomerPage | None = None
        self._generation = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.list_page = QWidget()
        layout = QVBoxLayout(self.list_page)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(section_title(_("Cases")))
        filters = QHBoxLayout()
        self.mine = QCheckBox(_("Assigned to me"))
        self.mine.setChecked(True)
        self.overdue = QCheckBox(_("Overdue only"))
        self.kind = filter_combo(_("All kinds"), list(CaseKind))
        self.status_filter = filter_combo(_("All statuses"), list(CaseStatus))
        filters.addWidget(self.mine)
        filters.addWidget(self.overdue)
        filters.addSpacing(12)
        filters.addWidget(QLabel(_("Kind:")))
        filters.addWidget(self.kind)
        filters.addWidget(QLabel(_("Status:")))
        filters.addWidget(self.status_filter)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)
        self.list = CaseList(session, with_customer=True)
        self.list.changed.connect(self.refresh)
        self.list.chosen.connect(self.open_case_customer)
        layout.addWidget(self.list, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.stack.addWidget(self.list_page)

        for box in (self.mine, self.overdue):
            box.toggled.connect(lambda _on: self.refresh())
        for combo in (self.kind, self.status_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.opener = CustomerOpener(session, self)
        self.opener.opened.connect(self.show_page)
        self.opener.failed.connect(lambda sentence: set_status(self.status, sentence, ok=False))
        self.refresh()

    def refresh(self, sentence: str = "") -> None:
        session = self.session
        mine, overdue = self.mine.isChecked(), self.overdue.isChecked()
        kind, status = self.kind.currentData(), self.status_filter.currentData()
        self._generation += 1
        generation = self._generation
        run_in_background(
            self, lambda _p: list_cases(session, mine=mine, overdue=overdue, kind=kind,
                                        status=status),
            lambda cases: self._listed(cases, sentence, generation),
            lambda error: set_status(self.status, error, ok=False), show_after_ms=None)

    def _listed(self, cases: list[CaseRecord], sentence: str, generation: int) -> None:
        if generation != self._generation:
            return  # the filters changed meanwhile; a newer answer is on its way
        self.list.show_cases(cases)
        late = sum(1 for c in cases if c.overdue)
        self.count.setText(_("{count} cases, {overdue} overdue").format(count=len(cases),
                                                                         overdue=late))
        if sentence:
            set_status(self.status, sentence, ok=True)

    def open_case_customer(self, case: CaseRecord) -> None:
        self.status.hide()
        self.opener.open(case.customer_no, suggested=suggested_purpose(case))

    def show_page(self, view: CustomerView) -> None:
        self._drop_page()
        page = CustomerPage(self.session, view, back_text=_("← Back to cases"),
                            show_ms=self.show_ms, clipboard_ms=self.clipboard_ms)
        page.closed.connect(self.close_page)
        self.page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.tabs.setCurrentWidget(page.cases_tab)
        page.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_page(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self._drop_page()
        self.refresh()
        self.list.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop_page(self) -> None:
        page, self.page = self.page, None
        if page is not None and isValid(page):
            page.revealed.clear()
            self.stack.removeWidget(page)
            delete_later(page)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if self.page is None:
            self.list.table.setFocus(Qt.FocusReason.OtherFocusReason)
