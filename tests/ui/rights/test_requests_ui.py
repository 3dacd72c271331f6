"""The Requests section and a request's page, driven as a person would."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import select

from app.rights.model import RequestStatus
from app.rights.requests import get_request, take_request
from app.store.schema import audit_event
from ui.rights import request_list
from ui.rights.common import OVERDUE
from ui.rights.decision_dialogs import PasswordOnceDialog, RefuseDialog
from ui.rights.erasure_dialogs import ErasurePlanDialog
from ui.rights.intake import IntakeDialog
from ui.rights.pdf_pages import page_count
from ui.rights.preview import PreviewDialog
from ui.rights.release_dialog import HandOverDialog, PortableReviewDialog, ReleaseDialog
from ui.rights.request_page import RequestPage
from ui.rights.requests_section import RequestsSection


def button(page: RequestPage, key: str) -> QPushButton | None:
    return page.findChild(QPushButton, f"action-{key}")


def cell(section: RequestsSection, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return section.model.index(row, column).data(role)


def test_intake_puts_the_request_in_the_list(qtbot, wait_workers, counter, customer_no):
    section = RequestsSection(counter)
    qtbot.addWidget(section)
    wait_workers()
    assert section.counts.text() == "0 open, 0 due this week, 0 overdue"
    dialog = section.new_request()
    assert isinstance(dialog, IntakeDialog)
    # Enter in the customer box searches; it does not submit the form.
    qtbot.keyClicks(dialog.customer.query, customer_no)
    qtbot.keyClick(dialog.customer.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.customer.customer_no() == customer_no)
    assert dialog.isVisible() and not dialog.error.isVisible()
    assert dialog.customer.find_button.text() == "Find customer"
    assert dialog.ok_button.text() == "Take request"
    dialog.kind.setCurrentIndex(dialog.kind.findData("access"))
    assert "copy" in dialog.kind_hint.text()
    assert dialog.verified.isChecked()  # at the counter the identity is checked there
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # how it was checked?
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "identity" in dialog.error.text()
    assert dialog.identity_check.property("invalid") is True  # the field is pointed at
    assert dialog.customer.customer_no() == customer_no
    dialog.identity_check.setText("resident ID card checked against the person")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # One confirmation: the request is verified and its page opens, no second question.
    qtbot.waitUntil(lambda: section.page is not None and section.model.rowCount() == 1)
    wait_workers()
    assert section.findChild(QMessageBox) is None
    number = section.model.line(0).request_no
    assert get_request(counter, number).status == RequestStatus.VERIFIED
    assert cell(section, 0, 1).startswith(customer_no)
    assert cell(section, 0, 2) == "Access (copy of the data)"
    assert cell(section, 0, 3) == "Identity verified"
    assert cell(section, 0, 5) == "30"
    assert section.counts.text() == "1 open, 0 due this week, 0 overdue"
    section.page.reject()


def test_by_phone_the_request_waits_for_its_identity_check(qtbot, wait_workers, counter,
                                                          customer_no):
    section = RequestsSection(counter)
    qtbot.addWidget(section)
    dialog = section.new_request()
    qtbot.keyClicks(dialog.customer.query, customer_no)
    qtbot.mouseClick(dialog.customer.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.customer.customer_no() == customer_no)
    dialog.channel.setCurrentIndex(dialog.channel.findData("phone"))
    assert not dialog.verified.isChecked()
    dialog.identity_check.setText("to be checked: ID copy by letter")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.page is not None)
    wait_workers()
    assert section.page.request.status == RequestStatus.RECEIVED
    verify = section.page.findChild(QPushButton, "action-verify")
    assert verify is not None and verify.isVisible() and verify.isEnabled()
    section.page.reject()


def test_overdue_rows_are_red_and_counted_a_page_at_a_time(qtbot, wait_workers, counter,
                                                           customer_no, monkeypatch):
    take_request(counter, "erasure", customer_no, "passport checked",
                 today=date.today() - timedelta(days=40))
    take_request(counter, "information", customer_no, "passport checked",
                 today=date.today() - timedelta(days=25))
    for _n in range(5):
        take_request(counter, "access", customer_no, "passport checked")
    monkeypatch.setattr(request_list, "PAGE_SIZE", 3)
    section = RequestsSection(counter)
    qtbot.addWidget(section)
    section.resize(1000, 330)  # a few rows on screen, whatever the platform's default size
    section.show()
    qtbot.waitExposed(section)
    wait_workers()
    assert section.counts.text() == "7 open, 1 due this week, 1 overdue"
    assert section.model.rowCount() == 7
    assert cell(section, 0, 4, Qt.ItemDataRole.ForegroundRole) == OVERDUE
    assert cell(section, 0, 5, Qt.ItemDataRole.ForegroundRole) == OVERDUE
    assert cell(section, 0, 0, Qt.ItemDataRole.ForegroundRole) != OVERDUE  # calm row
    assert cell(section, 1, 4, Qt.ItemDataRole.ForegroundRole) != OVERDUE
    # A long kind, elided by its column, is read whole in its tooltip.
    assert cell(section, 0, 2, Qt.ItemDataRole.ToolTipRole) == cell(section, 0, 2) == "Erasure"
    assert 2 not in section.model.fetched  # only the pages drawn were read
    assert cell(section, 6, 0).startswith("R")
    assert section.model.fetched[-1] == 2
    section.filters.button(1).click()
    wait_workers()
    assert section.model.rowCount() == 1


def test_access_copy_prepared_looked_at_released_handed_over(qtbot, wait_workers, counter,
                                                             manager, verified, tmp_path,
                                                             monkeypatch, print_with_button):
    number = verified("access")
    page = RequestPage(counter, number)
    qtbot.addWidget(page)
    assert button(page, "release") is None and button(page, "complete") is None
    button(page, "access").click()
    form = page.child
    form.protect.setChecked(True)
    form.ok_button.click()
    qtbot.waitUntil(lambda: isinstance(page.child, PasswordOnceDialog), timeout=15000)
    password = page.child.code.text()
    assert len(password) == 14
    page.child.accept()
    wait_workers()
    # The clerk gets no preview, print or save of an unreleased copy: it stays in Custos.
    assert not isinstance(page.child, PreviewDialog)
    assert page.artefacts.rowCount() == 1
    assert page.artefacts.item(0, 2).text() == "Yes"
    assert page.artefacts.item(0, 5).text() == "not released"
    assert not button(page, "handover").isEnabled()

    desk = RequestPage(manager, number)
    qtbot.addWidget(desk)
    button(desk, "complete").click()  # not released yet: app/ says so
    desk.child.ok_button.click()
    qtbot.waitUntil(lambda: desk.child.error.isVisible())
    assert "no answer yet" in desk.child.error.text()
    desk.child.reject()
    assert not button(desk, "handover").isEnabled()
    button(desk, "release").click()
    qtbot.waitUntil(lambda: isinstance(desk.child, ReleaseDialog), timeout=15000)
    review = desk.child
    assert not review.release_button.isEnabled()  # not before the pages are on screen
    assert review.print_button.isHidden() and review.save_button.isHidden()
    qtbot.waitUntil(lambda: len(review.page_labels) >= 1, timeout=15000)
    assert not review.page_labels[0].pixmap().isNull()
    assert review.password == password  # the pages are drawn; the password is not shown
    assert review.release_button.isEnabled()
    review.release_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: bool(desk.request.artefacts[0].released_at))
    assert get_request(manager, number).artefacts[0].released_by == "manager"
    assert not button(desk, "release").isEnabled()
    button(desk, "complete").click()  # released, but not handed over yet
    desk.child.ok_button.click()
    qtbot.waitUntil(lambda: desk.child.error.isVisible())
    assert "not handed over yet" in desk.child.error.text()
    desk.child.reject()

    page.reload()
    assert button(page, "handover").isEnabled()
    button(page, "handover").click()
    qtbot.waitUntil(lambda: isinstance(page.child, HandOverDialog), timeout=15000)
    handing = page.child
    wait_workers()
    printed = print_with_button(handing.print_button)  # logged as a hand-over, then printed
    assert page_count(printed.read_bytes()) == page_count(handing.data, handing.password) >= 2
    monkeypatch.setattr("ui.rights.release_dialog.ask_save_path",
                        lambda *a: tmp_path / "saved.pdf")
    handing.save_button.click()
    assert hashlib.sha256((tmp_path / "saved.pdf").read_bytes()).hexdigest() == \
        get_request(counter, number).artefacts[0].sha256
    with counter.db.read() as conn:
        ways = [json.loads(d)["how"] for d in conn.execute(
            select(audit_event.c.detail).where(
                audit_event.c.action == "request.copy_handed_over")).scalars()]
    assert ways == ["printed", "saved"]
    handing.accept()
    page.reload()
    assert page.artefacts.item(0, 6).text().endswith("by counter")

    desk.reload()
    button(desk, "complete").click()
    desk.child.outcome.setPlainText("Copy handed over at the counter.")
    desk.child.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: desk.request.status == RequestStatus.COMPLETED)
    assert not button(desk, "extend").isEnabled()


def test_release_refused_in_one_sentence_when_the_copy_changed(qtbot, wait_workers, counter,
                                                               manager, verified):
    from app.rights.answers import prepare_portability
    from app.rights.tables import artefact_content

    number = verified("portability")
    prepare_portability(counter, number)
    desk = RequestPage(manager, number)
    qtbot.addWidget(desk)
    button(desk, "release").click()
    qtbot.waitUntil(lambda: isinstance(desk.child, PortableReviewDialog), timeout=15000)
    review = desk.child
    assert review.files.count() == 3
    with manager.db.write() as conn:  # changed behind the manager's back after the look
        conn.execute(artefact_content.update().values(data=b"PK other bytes"))
    review.release_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: review.status.isVisible())
    assert "changed" in review.status.text()
    assert get_request(manager, number).artefacts[0].released_at is None


def test_erasure_plan_lists_what_the_law_keeps(qtbot, counter, verified):
    page = RequestPage(counter, verified("erasure"))
    qtbot.addWidget(page)
    assert button(page, "erase") is None  # a manager's step
    button(page, "plan").click()
    assert isinstance(page.child, ErasurePlanDialog)
    view = page.child.view
    assert view.keep.rowCount() == 4
    assert "24 months" in view.keep.item(0, 2).text()
    assert view.erase.rowCount() == 4
    assert view.blocked.isHidden()


def test_refusal_needs_a_reason(qtbot, wait_workers, manager, verified):
    number = verified("portability")
    page = RequestPage(manager, number)
    qtbot.addWidget(page)
    button(page, "refuse").click()
    dialog = page.child
    assert isinstance(dialog, RefuseDialog)
    assert "complain" in dialog.intro.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "reason" in dialog.error.text()
    assert get_request(manager, number).status == RequestStatus.VERIFIED
    dialog.reason.setPlainText("The customer withdrew the request in writing on the spot.")
    dialog.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: page.request.status == RequestStatus.REFUSED)
    assert "Reason for the refusal:" in [w.text() for w in page.findChildren(type(page.title))]


def test_blocked_erasure_says_why_in_red_and_changes_nothing(qtbot, wait_workers, counter,
                                                             manager, customer_no, verified):
    from app.customers.cases import open_case

    open_case(counter, customer_no, "complaint", "counter", "bill dispute")
    number = verified("erasure")
    page = RequestPage(manager, number)
    qtbot.addWidget(page)
    button(page, "plan").click()
    blocked = page.child.view.blocked
    assert not blocked.isHidden() and "open complaint" in blocked.text()
    assert blocked.objectName() == "error"
    page.child.reject()
    button(page, "erase").click()
    dialog = page.child
    dialog.typed.setText(customer_no)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "open complaint" in dialog.error.text()
    assert get_request(manager, number).status == RequestStatus.VERIFIED


def test_erasure_needs_the_typed_customer_number(qtbot, manager, customer_no, verified):
    page = RequestPage(manager, verified("erasure"))
    qtbot.addWidget(page)
    button(page, "erase").click()
    dialog = page.child
    dialog.typed.setText("C999")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "irreversible" in dialog.error.text()
    assert dialog.typed.text() == "C999"  # the form keeps what was typed


def test_rectification_needs_evidence_and_keeps_the_form(qtbot, counter, verified):
    page = RequestPage(counter, verified("rectification"))
    qtbot.addWidget(page)
    button(page, "rectify").click()
    dialog = page.child
    assert dialog.id_number.text() == ""  # masked values never go into the fields
    dialog.name.setText("王小明")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "evidence" in dialog.error.text()
    assert dialog.name.text() == "王小明"


def test_withdrawal_of_nothing_is_not_sent(qtbot, counter, verified):
    page = RequestPage(counter, verified("withdraw_consent"))
    qtbot.addWidget(page)
    button(page, "object").click()
    dialog = page.child
    for box in dialog.boxes.values():
        box.setChecked(False)
    dialog.ok_button.click()
    assert "at least one" in dialog.error.text()


def test_extension_needs_the_customer_told(qtbot, wait_workers, manager, verified):
    number = verified("access")
    page = RequestPage(manager, number)
    qtbot.addWidget(page)
    button(page, "extend").click()
    dialog = page.child
    dialog.reason.setPlainText("Billing archive is being restored from backup.")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "told" in dialog.error.text()
    dialog.told.setChecked(True)
    dialog.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: page.request.extended)
    assert get_request(manager, number).extension_reason.startswith("Billing archive")
