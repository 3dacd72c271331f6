"""Registering files in the GUI: errors next to their field with the typing kept, the retention
override, a box registered many at once, and its labels and box list."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from app.archive import registry
from ui.archive.common import set_day
from ui.archive.register_tab import RegisterTab
from ui.rights.pdf_pages import page_count
from ui.rights.preview import PreviewDialog

LEFT = Qt.MouseButton.LeftButton


def test_errors_sit_next_to_their_field_and_the_form_keeps_its_text(qtbot, archive,
                                                                    customer_no, show,
                                                                    wait_workers,
                                                                    moving_clock):
    tab = show(RegisterTab(archive))
    tab.customer.setText(customer_no)
    tab.description.setText("协议")
    set_day(tab.received, moving_clock.today + timedelta(days=2))
    qtbot.mouseClick(tab.register_button, LEFT)
    wait_workers()
    assert tab.shared.labels["received_on"].text() == ("The date received cannot be in the "
                                                       "future.")
    assert tab.shared.labels["received_on"].isVisible()
    assert tab.customer.text() == customer_no and tab.description.text() == "协议"

    set_day(tab.received, moving_clock.today)
    tab.override.setChecked(True)
    set_day(tab.retain_until, moving_clock.today + timedelta(days=365 * 10))
    qtbot.mouseClick(tab.register_button, LEFT)
    wait_workers()
    assert not tab.shared.labels["received_on"].isVisible()
    assert tab.one.labels["override_reason"].text() == ("Give the reason for changing the "
                                                        "retention date.")
    tab.reason.setText("诉讼保全")
    tab.customer.setText("NO-SUCH-CUSTOMER")
    qtbot.mouseClick(tab.register_button, LEFT)
    wait_workers()
    assert tab.one_status.text() == "There is no customer NO-SUCH-CUSTOMER."
    tab.customer.setText(customer_no)
    qtbot.mouseClick(tab.register_button, LEFT)
    wait_workers()
    [number] = tab.registered
    paper = registry.get_file(archive, number)
    assert paper.retain_override_reason == "诉讼保全"
    assert not tab.override.isChecked() and tab.reason.text() == ""


def test_a_box_registered_many_at_once(qtbot, archive, make_customer, customer_no, show, scan,
                                       wait_workers, print_with_button):
    others = [make_customer(seed) for seed in (21, 22)]
    tab = show(RegisterTab(archive))
    tab.box.setText("B2025-009")
    tab.cabinet.setText("柜03")
    for number in (customer_no, *others):
        scan(tab.line, number)
    assert tab.rows.rowCount() == 3
    assert tab.batch_button.text() == "Register 3 files"
    tab.rows.item(1, 2).setText("AG-2025-0001")
    tab.rows.item(2, 3).setText("补充协议")
    tab.rows.selectRow(0)
    qtbot.mouseClick(tab.remove_button, LEFT)
    assert tab.rows.rowCount() == 2
    qtbot.mouseClick(tab.batch_button, LEFT)
    wait_workers()
    assert tab.many_status.text() == "2 files were registered."
    assert tab.registered[0] == "AG-2025-0001" and len(tab.registered) == 2
    assert tab.rows.rowCount() == 0
    files = registry.find_files(archive, "B2025-009")
    assert {f.customer_no for f in files} == set(others)
    assert {f.cabinet for f in files} == {"柜03"}

    qtbot.mouseClick(tab.box_button, LEFT)
    wait_workers()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(PreviewDialog)))
    preview = next(d for d in tab.findChildren(PreviewDialog) if d.isVisible())
    wait_workers()
    printed = print_with_button(preview.print_button)  # the box list, on paper
    assert page_count(printed.read_bytes()) == page_count(preview.data)


def test_a_bad_row_in_the_box_is_named_and_nothing_is_registered(qtbot, archive, customer_no,
                                                                 show, scan, wait_workers):
    tab = show(RegisterTab(archive))
    scan(tab.line, customer_no)
    scan(tab.line, "C-UNKNOWN")
    qtbot.mouseClick(tab.batch_button, LEFT)
    wait_workers()
    assert tab.many_status.text() == "Item 2: There is no customer C-UNKNOWN."
    assert tab.rows.rowCount() == 2 and tab.registered == []
    assert registry.find_files(archive, customer_no) == []
