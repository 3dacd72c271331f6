"""The Impact assessments tab, by its buttons: activities lacking an assessment in red, a
new assessment recorded from the form (refused first without a conclusion), approved by the
only manager, saved as PDF; a counter clerk has no such tab."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.compliance.assessments import list_assessments
from app.security.roles import Role
from ui.compliance import assessments as tab_module
from ui.compliance.section import ComplianceSection, visible_tabs


def _fill(dialog) -> None:
    dialog.activity.setCurrentIndex(dialog.activity.findData("cases"))
    assert dialog.purpose.toPlainText().startswith("Handling your inquiries")  # the register's
    dialog.necessity.setPlainText("Complaints must be answered by law.")
    dialog.items.setText("name, phone, complaint text")
    dialog.risks.table.item(0, 0).setText("Complaint details read by staff without need")
    dialog.risks.add_row("Case notes kept too long", "low", "medium")
    dialog.measures.setPlainText("Role keys; retention of 3 years; access logged.")


def _click_approve_box(qtbot) -> None:
    def found():
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        assert boxes
        return boxes[0]
    box = qtbot.waitUntil(lambda: found() is not None) or found()
    [b for b in box.findChildren(QPushButton) if b.text() == "Approve"][0].click()


def test_record_approve_and_print_by_the_buttons(login, qtbot, wait_workers, tmp_path,
                                                 monkeypatch):
    manager = login(Role.MANAGER)
    section = ComplianceSection(manager)
    qtbot.addWidget(section)
    section.show()
    tab = section.show_part("assessments")
    wait_workers()
    assert tab.activities.rowCount() == 7
    assert tab.summary.text() == "7 of 7 activities lack a current impact assessment."
    assert tab.activities.item(3, 2).text() == "Not assessed"

    tab.activities.selectRow(3)  # Service cases
    tab.new_button.click()
    dialog = tab.child
    _fill(dialog)
    dialog.ok_button.click()  # no conclusion yet
    wait_workers()
    assert dialog.isVisible() and "conclusion" in dialog.error.text()
    dialog.conclusion.setPlainText("Acceptable with the measures in place.")
    dialog.ok_button.click()
    wait_workers()
    wait_workers()
    assert "recorded; it awaits" in tab.status.text()
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 7).text() == "Awaiting approval"
    assert tab.table.item(0, 6).text() == "Medium"  # medium × medium
    assert tab.activities.item(3, 2).text() == "Awaiting approval"

    tab.table.selectRow(0)
    assert tab.approve_button.isEnabled()
    tab.approve_button.click()
    _click_approve_box(qtbot)
    wait_workers()
    wait_workers()
    assert tab.activities.item(3, 2).text() == "Current"
    assert tab.summary.text() == "6 of 7 activities lack a current impact assessment."
    assert list_assessments(manager)[0].sole_manager

    target = tmp_path / "pia.pdf"
    monkeypatch.setattr(tab_module, "ask_save_path", lambda *a: target)
    tab.table.selectRow(0)
    tab.pdf_button.click()
    wait_workers()
    assert target.read_bytes().startswith(b"%PDF")
    assert "Saved as" in tab.status.text()


def test_a_counter_clerk_sees_no_assessment_tab(login):
    assert "assessments" not in [t.key for t in visible_tabs(login(Role.COUNTER))]
    assert "assessments" in [t.key for t in visible_tabs(login(Role.MANAGER))]
