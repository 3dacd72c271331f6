"""The Cases section: the queue across customers, its filters, and opening the customer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from app.customers.model import CaseKind, CaseStatus, Purpose
from app.customers.search import find_customers, summaries
from app.security import Role
from ui.customers.cases_section import CasesSection
from ui.customers.common import OVERDUE


def _section(qtbot, session, wait_workers) -> CasesSection:
    section = CasesSection(session)
    qtbot.addWidget(section)
    section.resize(1200, 760)
    section.show()
    wait_workers()
    return section


def test_filters_and_overdue_rows(qtbot, as_role, wait_workers):
    section = _section(qtbot, as_role(Role.MANAGER), wait_workers)
    table = section.list.table
    assert section.mine.isChecked()
    mine = [table.item(r, 5).text() for r in range(table.rowCount())]
    assert mine and set(mine) == {"manager"}
    section.mine.setChecked(False)
    wait_workers()
    everyone = table.rowCount()
    assert everyone > len(mine)
    cases = section.list.cases
    assert any(c.overdue for c in cases)
    first_late = next(r for r, c in enumerate(cases) if c.overdue)
    # Marked in the due-date cell, calmly: the rest of the row is neither red nor bold.
    assert table.item(first_late, 6).foreground().color() == OVERDUE
    assert table.item(first_late, 6).text().endswith("— overdue")
    assert all(table.item(first_late, c).foreground().color() != OVERDUE
               and not table.item(first_late, c).font().bold() for c in range(6))
    # The customer by name, opened with the session's keys, the number in its tooltip.
    named = cases[first_late]
    assert table.item(first_late, 1).text() == named.customer_name != ""
    assert table.item(first_late, 1).toolTip() == named.customer_no
    stretched = [c for c in range(table.columnCount()) if table.horizontalHeader()
                 .sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch]
    assert [table.horizontalHeaderItem(c).text() for c in stretched] == ["Summary"]
    found = find_customers(section.session, named.customer_no).ids
    assert named.customer_name == summaries(section.session, found)[0].name
    assert section.count.text() == f"{everyone} cases, {sum(c.overdue for c in cases)} overdue"

    section.overdue.setChecked(True)
    wait_workers()
    assert section.list.cases and all(c.overdue for c in section.list.cases)
    section.overdue.setChecked(False)
    section.kind.setCurrentIndex(section.kind.findData(CaseKind.COMPLAINT.value))
    wait_workers()
    assert {table.item(r, 2).text() for r in range(table.rowCount())} == {"Complaint"}
    section.status_filter.setCurrentIndex(section.status_filter.findData(
        CaseStatus.CLOSED.value))
    wait_workers()
    assert {table.item(r, 3).text() for r in range(table.rowCount())} <= {"Closed"}


def test_opening_a_case_asks_the_purpose_it_implies(qtbot, as_role, wait_workers):
    section = _section(qtbot, as_role(Role.COUNTER), wait_workers)
    section.mine.setChecked(False)
    section.kind.setCurrentIndex(section.kind.findData(CaseKind.COMPLAINT.value))
    wait_workers()
    case = section.list.cases[0]
    section.list.table.selectRow(0)
    section.list.table.activated.emit(section.list.table.model().index(0, 0))
    qtbot.waitUntil(lambda: section.opener.dialog is not None)
    dialog = section.opener.dialog
    assert dialog.chosen() is Purpose.COMPLAINT
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.page is not None)
    wait_workers()
    page = section.page
    assert page.customer_no == case.customer_no
    assert page.tabs.currentWidget() is page.cases_tab
    assert page.purpose.text() == "Purpose of access: Complaint handling"
    assert page.back_button.text() == "← Back to cases"
    qtbot.keyClick(page.tabs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: section.page is None)
    assert section.stack.currentWidget() is section.list_page
