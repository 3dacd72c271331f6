"""Loans that wait for a manager, the managers' Approvals section, renewals and refusals,
transfers, and the counter's request from the customer page."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.archive import loans, registry
from app.archive.transfers import open_transfers
from app.security import Role
from ui.archive.approvals import ApprovalsSection
from ui.archive.customer_panel import CustomerFilesPanel
from ui.archive.dialogs import CompleteTransferDialog, NoteDialog, RequestLoanDialog
from ui.archive.section import ArchiveSection

LEFT = Qt.MouseButton.LeftButton


def _decide(qtbot, section, queue, approve: bool, note: str, dialog_of, wait_workers):
    queue.table.selectRow(0)
    qtbot.mouseClick(queue.approve_button if approve else queue.refuse_button, LEFT)
    dialog = dialog_of(section, NoteDialog)
    dialog.note.setPlainText(note)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    return dialog


def test_an_id_copy_loan_waits_for_a_manager(qtbot, archive, manager, customer_no, show, scan,
                                             wait_workers, dialog_of):
    number = registry.register_file(archive, "id_copy", customer_no=customer_no, box="B-02")
    section = show(ArchiveSection(archive))
    borrow = section.borrow
    section.tabs.setCurrentWidget(borrow)
    scan(borrow.scan, number)
    assert "sensitive" in borrow.summary.text()
    assert "working days: 1" in borrow.due_hint.text()
    borrow.staff_name.setCurrentText("counter")
    borrow.purpose.setText("核对身份证复印件")
    qtbot.keyClick(borrow.purpose, Qt.Key.Key_Return)  # Enter in the purpose lends
    wait_workers()
    assert "waits for a manager's approval" in borrow.status.text()
    assert borrow.table.rowCount() == 1
    assert borrow.table.item(0, 4).text() == "Waiting for a manager's approval"
    borrow.table.selectRow(0)
    assert not borrow.hand_button.isEnabled()

    approvals = show(ApprovalsSection(manager))
    wait_workers()
    assert approvals.loans.table.rowCount() == 1
    assert approvals.loans.table.item(0, 1).text() == number
    assert approvals.loans.title().endswith("(1)")
    _decide(qtbot, approvals, approvals.loans, True, "", dialog_of, wait_workers)
    assert approvals.loans.table.rowCount() == 0
    assert "was approved" in approvals.status.text()

    borrow.refresh()
    wait_workers()
    assert borrow.table.item(0, 4).text() == "Approved"
    borrow.table.selectRow(0)
    assert borrow.hand_button.isEnabled()
    qtbot.mouseClick(borrow.hand_button, LEFT)
    wait_workers()
    assert borrow.waiting_status.text().startswith(f"File {number} was handed over to counter")
    assert borrow.table.rowCount() == 0
    assert registry.get_file(archive, number).status == "on_loan"


def test_a_refusal_needs_a_note(qtbot, archive, manager, customer_no, show, wait_workers,
                                dialog_of):
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no)
    loans.lend(archive, number, "审计部 王五", "外部审计", external=True)
    approvals = show(ApprovalsSection(manager))
    wait_workers()
    dialog = _decide(qtbot, approvals, approvals.loans, False, "", dialog_of, wait_workers)
    assert dialog.isVisible() and dialog.error.text() == "Say why the loan is refused."
    dialog.note.setPlainText("外部借阅须书面申请")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert approvals.loans.table.rowCount() == 0
    assert loans.loans_of_file(archive, number)[0].status == "refused"


def test_renewals_up_to_the_limit_then_one_sentence(qtbot, archive, customer_no, show, scan,
                                                    wait_workers):
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no)
    loans.lend(archive, number, "counter", "核对")
    section = show(ArchiveSection(archive))
    back = section.returns
    section.tabs.setCurrentWidget(back)
    scan(back.scan, number)
    assert back.values["renewals"].text() == "0 of 2"
    for count in (1, 2):
        promised = back.renew_hint.text().split(" to ")[1].rstrip(".")
        qtbot.mouseClick(back.renew_button, LEFT)
        wait_workers()
        assert back.status.text() == (f"The loan of file {number} now runs until "
                                      f"{promised}.")
        assert back.values["renewals"].text() == f"{count} of 2"
    qtbot.mouseClick(back.renew_button, LEFT)
    wait_workers()
    assert back.status.text() == (f"The loan of file {number} has already been renewed 2 "
                                  "times, the limit.")


def test_claimed_returned_then_returned(qtbot, archive, customer_no, show, scan, wait_workers,
                                       dialog_of):
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no)
    loans.lend(archive, number, "counter", "核对")
    section = show(ArchiveSection(archive))
    back = section.returns
    section.tabs.setCurrentWidget(back)
    scan(back.scan, number)
    qtbot.mouseClick(back.claim_button, LEFT)
    dialog = dialog_of(back, NoteDialog)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert dialog.error.text() == "Note what the borrower says."
    dialog.note.setPlainText("借阅人称已放回前台")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert back.values["status"].text() == "Claimed returned: 借阅人称已放回前台"
    assert not back.renew_button.isEnabled() and not back.claim_button.isEnabled()
    qtbot.mouseClick(back.return_button, LEFT)
    wait_workers()
    assert back.status.text() == f"File {number} is back in the archive."
    scan(back.scan, number)
    assert back.status.text() == f"File {number} is not on loan."


def test_a_transfer_requested_approved_and_completed(qtbot, archive, manager, customer_no,
                                                     show, scan, wait_workers, dialog_of):
    number = registry.register_file(archive, "complaint_file", customer_no=customer_no)
    section = show(ArchiveSection(archive))
    tab = section.transfers
    section.tabs.setCurrentWidget(tab)
    scan(tab.file_no, number)
    assert tab.unit.hasFocus()
    tab.unit.setText("市分公司法务部")
    qtbot.mouseClick(tab.request_button, LEFT)
    wait_workers()
    assert tab.errors.labels["receiver"].text() == "Name the person who receives the file."
    tab.receiver.setText("赵敏")
    tab.reason.setText("诉讼取证")
    qtbot.mouseClick(tab.request_button, LEFT)
    wait_workers()
    assert "waits for a manager's approval" in tab.status.text()
    assert tab.table.rowCount() == 1 and not tab.complete_button.isEnabled()

    approvals = show(ApprovalsSection(manager))
    wait_workers()
    _decide(qtbot, approvals, approvals.transfers, True, "同意", dialog_of, wait_workers)
    assert approvals.transfers.table.rowCount() == 0

    tab.refresh()
    wait_workers()
    tab.table.selectRow(0)
    assert tab.complete_button.isEnabled()
    qtbot.mouseClick(tab.complete_button, LEFT)
    dialog = dialog_of(tab, CompleteTransferDialog)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert tab.list_status.text() == f"File {number} was transferred; its record stays."
    assert open_transfers(archive) == []
    assert registry.get_file(archive, number).status == "transferred"


def test_counter_staff_request_a_loan_from_the_customer_page(qtbot, archive, counter,
                                                             customer_no, show, wait_workers,
                                                             dialog_of):
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no)
    panel = show(CustomerFilesPanel(counter, customer_no))
    wait_workers()
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 3).text() == "In archive"
    assert not panel.request_button.isEnabled()
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.request_button, LEFT)
    dialog = dialog_of(panel, RequestLoanDialog)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert dialog.error.text() == "State the purpose of the loan."
    dialog.purpose.setText("客户要求核对协议条款")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert panel.status.text().startswith(f"Your request for file {number} went to the archive")
    [loan] = loans.loans_of_file(archive, number)
    assert (loan.status, loan.borrower, loan.requested_by) == ("requested", "counter", "counter")


def test_counter_staff_see_only_find_and_by_customer_number(counter, customer_no, archive,
                                                            show, scan):
    registry.register_file(archive, "service_agreement", customer_no=customer_no)
    section = show(ArchiveSection(counter))
    assert section.tabs.count() == 1
    scan(section.find.scan, customer_no)
    assert section.find.table.rowCount() == 1
    detail = section.find.detail
    assert detail.buttons["request"].isVisibleTo(detail)
    assert not detail.buttons["lend"].isVisibleTo(detail)


def test_sections_are_registered_for_the_right_roles(login, monkeypatch):
    from ui import sections
    from ui.archive import register_sections

    # A private copy of the registry, so that ours leaks into no other test.
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    register_sections()
    sections_for = sections.sections_for
    keys = {role: [s.key for s in sections_for(login(role))] for role in Role}
    assert "archive" in keys[Role.ARCHIVE] and "archive_approvals" not in keys[Role.ARCHIVE]
    assert "archive" in keys[Role.MANAGER] and "archive_approvals" in keys[Role.MANAGER]
    assert "archive" not in keys[Role.ADMIN]
