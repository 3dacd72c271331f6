"""The archive clerk's day in the GUI: register → label → find by scan → lend → return damaged
(the managers hear of it) → overdue → destruction proposed, approved, recorded."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.archive import loans, registry
from app.archive.destruction import batches
from app.archive.model import BorrowerKind, Condition
from ui.archive.approvals import ApprovalsSection
from ui.archive.common import RED, borrower_text
from ui.archive.dialogs import NoteDialog, RecordDestructionDialog
from ui.archive.section import ArchiveSection
from ui.rights.pdf_pages import page_count
from ui.rights.preview import PreviewDialog

LEFT = Qt.MouseButton.LeftButton


def _preview_opens(qtbot, parent, dialog_of, wait_workers, print_with_button) -> None:
    """The preview shows its pages, and its Print… button prints every one of them."""
    preview = dialog_of(parent, PreviewDialog)
    wait_workers()
    qtbot.waitUntil(lambda: bool(preview.page_labels))
    printed = print_with_button(preview.print_button)
    assert page_count(printed.read_bytes()) == page_count(preview.data) == len(preview.page_labels)
    assert preview.status.text() == "Sent to the printer."
    preview.close()


def test_register_find_lend_return_damaged(qtbot, archive, manager, customer_no, show, scan,
                                           wait_workers, dialog_of, notices,
                                           print_with_button):
    section = show(ArchiveSection(archive))
    reg = section.register
    section.tabs.setCurrentWidget(reg)
    reg.customer.setText(customer_no)
    reg.description.setText("入网服务协议")
    reg.room.setText("A")
    reg.box.setText("b-07")
    qtbot.mouseClick(reg.register_button, LEFT)
    wait_workers()
    assert len(reg.registered) == 1
    number = reg.registered[0]
    assert reg.one_status.text() == f"File {number} was registered."
    assert reg.customer.text() == "" and reg.box.text() == "b-07"  # the place stays for the next
    assert reg.labels_button.isEnabled() and reg.box_button.isEnabled()
    qtbot.mouseClick(reg.labels_button, LEFT)
    _preview_opens(qtbot, reg, dialog_of, wait_workers, print_with_button)

    find = section.find
    section.tabs.setCurrentWidget(find)
    scan(find.scan, number)
    assert find.table.rowCount() == 1
    assert find.table.item(0, 0).text() == number
    assert find.table.item(0, 4).text() == "In archive"
    assert find.detail.heading.text().startswith(number)
    assert find.detail.values["location"].text() == "A / B-07"
    assert find.detail.buttons["lend"].isVisibleTo(find)

    borrow = section.borrow
    section.tabs.setCurrentWidget(borrow)
    scan(borrow.scan, number.lower())
    assert borrow.summary.text().startswith(number) and "In archive" in borrow.summary.text()
    assert "working days: 3" in borrow.due_hint.text()
    borrow.staff_name.setCurrentText("counter")
    borrow.purpose.setText("核对签字")
    qtbot.mouseClick(borrow.lend_button, LEFT)
    wait_workers()
    assert borrow.status.text().startswith(f"File {number} is lent to counter until ")
    # The file's line says what it is now, not what it was when scanned.
    assert "On loan" in borrow.summary.text() and "In archive" not in borrow.summary.text()
    assert borrow.slip_button.isEnabled()
    qtbot.mouseClick(borrow.slip_button, LEFT)
    _preview_opens(qtbot, borrow, dialog_of, wait_workers, print_with_button)

    back = section.returns
    section.tabs.setCurrentWidget(back)
    scan(back.scan, number)
    assert back.values["borrower"].text().startswith("counter")
    assert back.values["purpose"].text() == "核对签字"
    assert not back.lost_button.isEnabled()  # not overdue
    back.conditions[Condition.DAMAGED].click()
    assert back.note.isEnabled()
    qtbot.mouseClick(back.return_button, LEFT)  # damaged without a note
    wait_workers()
    assert back.errors.labels["note"].text() == "Describe the damage or what is missing."
    back.note.setPlainText("封面撕裂")
    qtbot.mouseClick(back.return_button, LEFT)
    wait_workers()
    assert back.status.text().startswith(f"File {number} is back in the archive; the managers")
    assert ("manager", "loan.returned_damaged", number) in notices(manager)

    section.tabs.setCurrentWidget(find)
    scan(find.scan, number)
    wait_workers()
    assert find.table.item(0, 4).text() == "In archive"
    assert find.detail.loans.rowCount() == 1
    assert find.detail.loans.item(0, 7).text() == "Damaged: 封面撕裂"


def test_an_unknown_barcode_is_one_sentence_everywhere(archive, show, scan):
    section = show(ArchiveSection(archive))
    scan(section.find.scan, "PF2099000042")
    assert section.find.status.text() == "No paper file has the number PF2099000042."
    assert section.find.table.rowCount() == 0
    section.tabs.setCurrentWidget(section.borrow)
    scan(section.borrow.scan, "PF2099000042")
    assert section.borrow.status.text() == "No paper file has the number PF2099000042."
    assert not section.borrow.lend_button.isEnabled()
    section.tabs.setCurrentWidget(section.returns)
    scan(section.returns.scan, "pf2099000042")
    assert section.returns.status.text() == "No paper file has the number PF2099000042."
    assert not section.returns.return_button.isEnabled()


def test_the_overdue_list_and_reminders(archive, customer_no, show, moving_clock, wait_workers,
                                        qtbot, notices):
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no)
    loans.lend(archive, number, "counter", "核对")
    moving_clock.set(moving_clock.today + timedelta(days=12))
    section = show(ArchiveSection(archive))
    tab = section.overdue
    section.tabs.setCurrentWidget(tab)
    wait_workers()
    assert tab.table.rowCount() == 1
    row = 0
    assert tab.table.item(row, 1).text() == "counter"  # staff by name alone, no "(Staff…)"
    days = tab.table.item(row, 4)
    assert int(days.text()) > 5 and days.foreground().color() == RED
    assert not days.font().bold()  # marked calmly, as the cases queue does
    # 12 days overdue: the rule the hint states (managers after 5 days) was applied when
    # the list was opened, so the column agrees with it.
    assert "managers are alerted 5 days after it" in tab.findChild(QLabel, "hint").text()
    assert tab.table.item(row, 5).text() == "Managers alerted"
    kinds = [n[1] for n in notices(archive)]
    assert kinds.count("loan.due") == 1 and kinds.count("loan.overdue_alert") == 1
    qtbot.mouseClick(tab.refresh_button, LEFT)
    wait_workers()
    assert [n[1] for n in notices(archive)] == kinds  # once only

    tab.table.selectRow(row)
    qtbot.mouseClick(tab.back_button, LEFT)
    wait_workers()
    assert section.tabs.currentWidget() is section.returns
    assert section.returns.lost_button.isEnabled()
    assert "days overdue" in section.returns.values["due"].text()


def test_only_an_outside_borrower_is_marked():
    staff = SimpleNamespace(borrower="counter", borrower_kind=BorrowerKind.STAFF)
    outside = SimpleNamespace(borrower="市公司审计部", borrower_kind=BorrowerKind.EXTERNAL)
    assert borrower_text(staff, lambda user: "王芳") == "王芳"
    assert borrower_text(outside, lambda user: "?") == "市公司审计部 (External borrower)"


def test_destruction_proposed_approved_and_recorded(qtbot, archive, manager, customer_no, show,
                                                    moving_clock, wait_workers, answer_box,
                                                    dialog_of, print_with_button):
    old = moving_clock.today - timedelta(days=365 * 7)
    number = registry.register_file(archive, "service_agreement", customer_no=customer_no,
                                    received_on=old, box="B2018-001")
    registry.register_file(archive, "service_agreement", customer_no=customer_no)  # not due
    section = show(ArchiveSection(archive))
    tab = section.destruction
    section.tabs.setCurrentWidget(tab)
    wait_workers()
    assert [f.file_no for f in tab.due] == [number]
    assert not tab.propose_button.isEnabled()
    tab.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    assert tab.propose_button.isEnabled()
    assert tab.propose_button.text() == "Propose destruction of 1 files"
    qtbot.mouseClick(tab.propose_button, LEFT)
    answer_box(tab)
    wait_workers()
    batch_no = batches(archive)[0].batch_no
    assert tab.status.text() == f"Batch {batch_no} was proposed; a manager must approve it."
    assert tab.batch_table.item(0, 1).text() == "Proposed"
    assert not tab.record_button.isEnabled()

    approvals = show(ApprovalsSection(manager))
    wait_workers()
    assert approvals.batches.table.rowCount() == 1
    approvals.batches.table.selectRow(0)
    qtbot.mouseClick(approvals.batches.approve_button, LEFT)
    dialog = dialog_of(approvals, NoteDialog)
    assert number in dialog.intro.text()
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_workers()
    assert approvals.batches.table.rowCount() == 0
    assert approvals.status.text().startswith(f"Batch {batch_no} was approved")

    tab.refresh(select=batch_no)
    wait_workers()
    assert tab.batch_table.item(0, 1).text() == "Approved"
    assert tab.record_button.isEnabled()
    qtbot.mouseClick(tab.record_button, LEFT)
    record = dialog_of(tab, RecordDestructionDialog)
    record.witness_1.setText("张伟")
    record.witness_2.setText("张伟")
    qtbot.mouseClick(record.ok_button, LEFT)
    wait_workers()
    assert record.error.text() == "The two witnesses must be different people."
    assert record.witness_1.text() == "张伟"  # what was typed stays
    record.witness_2.setText("李娜")
    qtbot.mouseClick(record.ok_button, LEFT)
    wait_workers()
    assert not [d for d in tab.findChildren(RecordDestructionDialog) if d.isVisible()]
    assert tab.batch_table.item(0, 1).text() == "Destroyed"
    assert registry.get_file(archive, number).status == "destroyed"
    qtbot.mouseClick(tab.print_button, LEFT)
    _preview_opens(qtbot, tab, dialog_of, wait_workers, print_with_button)


def test_the_scanner_types_into_find_as_soon_as_the_section_opens(qtbot, archive, customer_no,
                                                                  show, wait_workers):
    number = registry.register_file(archive, "sim_registration", customer_no=customer_no)
    section = show(ArchiveSection(archive))
    section.activateWindow()
    qtbot.waitUntil(section.find.scan.hasFocus)
    qtbot.keyClicks(section.find.scan, number)
    qtbot.keyClick(section.find.scan, Qt.Key.Key_Return)
    wait_workers()
    assert section.find.detail.paper is not None
    assert section.find.detail.paper.file_no == number
