"""The customer page's tabs at work: services, consumption, cases, consents, restriction,
and the lock masking revealed values again."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app.customers.model import CASE_DUE_DAYS, CaseKind, CaseStatus, RevealField
from app.customers.search import all_customer_ids, summaries
from app.security import Role
from ui.customers import register_sections
from ui.customers.case_dialogs import MoveCaseDialog, NewCaseDialog, ReassignDialog
from ui.customers.consents_tab import ConsentDialog
from ui.customers.reveal import RevealDialog
from ui.customers.services_tab import AddServiceDialog, EndServiceDialog
from ui.main_window import MainWindow


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def _restricted_no(session) -> str:
    return next(s.customer_no for s in summaries(session, all_customer_ids(session))
                if s.restricted)


def _active_no(session, skip: int = 0) -> str:
    rows = [s for s in summaries(session, all_customer_ids(session))
            if s.status == "active" and not s.restricted]
    return rows[skip].customer_no


def test_services_add_suspend_resume_end(qtbot, as_role, customers_section, open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _active_no(session))
    tab = page.services_tab
    before = tab.table.rowCount()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(AddServiceDialog)
    assert dialog.plan.count() > 0 and all(
        "a month" in dialog.plan.itemText(i) for i in range(dialog.plan.count()))
    dialog.service_no.setText("139 0000 0001")
    dialog.start.setDate(dialog.start.date().addDays(3))  # in the future: refused
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "The start date cannot be in the future."
    assert dialog.start.property("invalid") is True
    assert dialog.service_no.text() == "139 0000 0001"
    dialog.start.setDate(dialog.start.date().addDays(-3))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table.rowCount() == before + 1)
    row = _column(tab.table, 0).index("139****0001")
    assert tab.table.item(row, 7).text() == "Active"

    tab.table.selectRow(row)
    qtbot.mouseClick(tab.suspend_button, Qt.MouseButton.LeftButton)
    question = tab.findChild(QMessageBox)
    assert question.text() == "Suspend service 139****0001? It can be resumed later."
    yes = next(b for b in question.buttons() if b.text() == "Suspend")
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table.item(row, 7).text() == "Suspended")
    tab.table.selectRow(row)
    assert tab.resume_button.isEnabled() and not tab.suspend_button.isEnabled()
    qtbot.mouseClick(tab.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == "Service 139****0001 was resumed.")
    tab.table.selectRow(_column(tab.table, 0).index("139****0001"))
    qtbot.mouseClick(tab.end_button, Qt.MouseButton.LeftButton)
    end = tab.findChild(EndServiceDialog)
    qtbot.mouseClick(end.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == "Service 139****0001 was ended.")
    row = _column(tab.table, 0).index("139****0001")
    assert tab.table.item(row, 7).text() == "Ended"


def test_consumption_table_and_chart(qtbot, as_role, customers_section, open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _active_no(session))
    tab = page.consumption_tab
    assert tab.months.rowCount() == len(page.view.history) > 12
    assert all(text.startswith("¥") for text in _column(tab.months, 5))
    assert all(text.endswith(" GB") for text in _column(tab.months, 4))
    assert len(tab.chart.amounts) == 12 and sum(tab.chart.amounts) > 0
    this_month = date.today().strftime("%Y-%m")
    assert tab.chart.months[-1] == this_month
    billed = sum(m.billed_fen for m in page.view.history if m.period == this_month)
    assert tab.chart.amounts[-1] == billed
    assert not tab.chart.grab().isNull()


def test_cases_new_move_reassign(qtbot, as_role, customers_section, open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _active_no(session, skip=5))
    tab = page.cases_tab
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(NewCaseDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.COMPLAINT.value))
    due = date.today() + timedelta(days=CASE_DUE_DAYS[CaseKind.COMPLAINT])
    assert dialog.due.date().toString("yyyy-MM-dd") == due.isoformat()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no summary
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "Write a short summary of the case."
    assert dialog.summary.property("invalid") is True
    dialog.summary.setText("对本月流量扣费有异议")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "was opened" in page.status.text())
    number = _column(tab.list.table, 0)[0]
    assert page.status.text() == f"Case {number} was opened."
    assert tab.list.table.item(0, 1).text() == "Complaint"
    assert tab.list.table.item(0, 2).text() == "Open"
    assert tab.list.table.item(0, 5).text() == due.isoformat()

    tab.list.table.selectRow(0)
    qtbot.mouseClick(tab.list.move_button, Qt.MouseButton.LeftButton)
    move = tab.list.findChild(MoveCaseDialog)
    targets = [move.target.itemData(i) for i in range(move.target.count())]
    assert targets == [CaseStatus.IN_PROGRESS.value, CaseStatus.RESOLVED.value]
    move.target.setCurrentIndex(1)
    qtbot.mouseClick(move.ok_button, Qt.MouseButton.LeftButton)  # resolved, no resolution
    qtbot.waitUntil(move.error.isVisible)
    assert move.resolution.property("invalid") is True
    move.target.setCurrentIndex(0)
    qtbot.mouseClick(move.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.table.item(0, 2).text() == "In progress")

    tab.list.table.selectRow(0)
    qtbot.mouseClick(tab.list.reassign_button, Qt.MouseButton.LeftButton)
    reassign = tab.list.findChild(ReassignDialog)
    reassign.assignee.setText("archive")
    qtbot.mouseClick(reassign.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reassign.error.isVisible)
    assert reassign.error.text() == "Cases can only be assigned to counter staff or managers."
    reassign.assignee.setText("manager")
    qtbot.mouseClick(reassign.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.table.item(0, 4).text() == "manager")


def test_consents_withdraw_and_grant(qtbot, as_role, customers_section, open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _active_no(session, skip=2))
    tab = page.consents_tab
    entries = tab.history.rowCount()
    tab.current.selectRow(_column(tab.current, 0).index("Marketing contact"))
    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(ConsentDialog)
    assert dialog.purpose.currentText() == "Marketing contact"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.history.rowCount() == entries + 1)
    row = _column(tab.current, 0).index("Marketing contact")
    assert tab.current.item(row, 1).text() == "Withdrawn"
    assert _column(tab.history, 2)[0] == "Withdrawn"
    assert page.status.text() == "The withdrawal was recorded."


def test_a_restricted_customer_shows_the_banner_and_is_read_only(qtbot, as_role,
                                                                 customers_section,
                                                                 open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _restricted_no(session))
    assert page.banner.isVisible()
    assert page.banner.text().startswith("Processing restricted")
    assert "read-only" in page.banner.text()
    assert not page.identity_tab.edit_button.isEnabled()
    assert "restricted" in page.identity_tab.edit_button.toolTip()
    assert not page.services_tab.add_button.isEnabled()


def test_the_lock_masks_revealed_values_at_once(qtbot, as_role, registry, wait_workers):
    register_sections()
    session = as_role(Role.MANAGER)
    window = MainWindow(session, idle_interval_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    section = window.workspace.show_section("customers")
    qtbot.waitUntil(lambda: section.model.rowCount() > 0)
    number = section.model.summary(0).customer_no
    section.open_customer(number)
    qtbot.waitUntil(lambda: section.opener.dialog is not None)
    section.opener.dialog.ok_button.click()
    qtbot.waitUntil(lambda: section.page is not None)
    wait_workers()
    page = section.page
    id_row = page.identity_tab.masked[RevealField.ID_NUMBER]
    masked = id_row.value.text()
    id_row.reveal_button.click()
    reveal = page.findChild(RevealDialog)
    reveal.reason.setText("verify identity for a SIM replacement")
    reveal.ok_button.click()
    qtbot.waitUntil(lambda: "*" not in id_row.value.text())
    id_row.copy_button.click()
    plain = QGuiApplication.clipboard().text()
    assert plain == id_row.value.text()

    window.lock("manual")
    assert window.is_locked
    assert not page.revealed
    assert id_row.value.text() == masked
    assert QGuiApplication.clipboard().text() != plain


def test_ctrl_f_returns_to_the_search(qtbot, as_role, customers_section, open_record):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    open_record(section, section.model.summary(0).customer_no)
    with qtbot.waitActive(section):  # the purpose dialog had the focus
        section.activateWindow()
    qtbot.keyClick(section.page.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: section.page is None)
    assert section.stack.currentWidget() is section.list_page
