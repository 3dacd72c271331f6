"""Each of the nine kinds of request, from intake to completion, through the GUI only."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from app.customers.tables import customer
from app.rights.model import RequestStatus
from app.rights.requests import get_request
from app.synthetic import mobile
from ui.rights import actions, release_dialog
from ui.rights.intake import IntakeDialog
from ui.rights.preview import PreviewDialog
from ui.rights.release_dialog import HandOverDialog, PortableReviewDialog, ReleaseDialog
from ui.rights.request_page import RequestPage
from ui.rights.requests_section import RequestsSection
from ui.worker import idle_tasks

KINDS = ("information", "access", "rectification", "erasure", "portability", "restriction",
         "object_marketing", "object_profiling", "withdraw_consent")


def click(page: RequestPage, key: str) -> None:
    found = page.findChild(QPushButton, f"action-{key}")
    assert found is not None and found.isVisible() and found.isEnabled(), key
    found.click()


def intake(qtbot, section: RequestsSection, customer_no: str, kind: str) -> None:
    dialog = section.new_request()
    assert isinstance(dialog, IntakeDialog)
    qtbot.keyClicks(dialog.customer.query, customer_no)
    qtbot.keyClick(dialog.customer.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.customer.customer_no() == customer_no)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    dialog.identity_check.setText("resident ID card checked against the person")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: section.intake is None)


@pytest.mark.parametrize("kind", KINDS)
def test_kind_from_intake_to_completion(qtbot, wait_workers, answer_box, manager, counter,
                                        customer_no, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(actions, "ask_save_path", lambda *a: tmp_path / "portable.zip")
    section = RequestsSection(manager)
    qtbot.addWidget(section)
    section.show()
    intake(qtbot, section, customer_no, kind)  # identity verified at the counter, once
    qtbot.waitUntil(lambda: section.page is not None and idle_tasks())
    page = section.page
    number = page.request_no
    assert page.request.status == RequestStatus.VERIFIED

    if kind == "information":
        click(page, "notice")
        qtbot.waitUntil(lambda: isinstance(page.child, PreviewDialog), timeout=15000)
        page.child.accept()
    elif kind in ("access", "portability"):
        click(page, "access" if kind == "access" else "portable")
        page.child.ok_button.click()
        wait_workers()
        qtbot.waitUntil(lambda: page.artefacts.rowCount() == 1, timeout=15000)
        click(page, "release")  # the manager looks at it first
        qtbot.waitUntil(lambda: isinstance(page.child, ReleaseDialog | PortableReviewDialog),
                        timeout=15000)
        review = page.child
        qtbot.waitUntil(lambda: review.release_button.isEnabled(), timeout=15000)
        review.release_button.click()
        wait_workers()
        qtbot.waitUntil(lambda: bool(page.request.artefacts[0].released_at))
        click(page, "handover")
        if kind == "access":
            qtbot.waitUntil(lambda: isinstance(page.child, HandOverDialog), timeout=15000)
            monkeypatch.setattr(release_dialog, "ask_save_path", lambda *a: tmp_path / "c.pdf")
            page.child.save_button.click()
            assert (tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"
            page.child.accept()
        else:
            qtbot.waitUntil(lambda: (tmp_path / "portable.zip").exists(), timeout=15000)
            names = zipfile.ZipFile(io.BytesIO((tmp_path / "portable.zip").read_bytes())
                                    ).namelist()
            assert "data.json" in names
        wait_workers()
    elif kind == "rectification":
        click(page, "rectify")
        page.child.phone.setText(mobile(random.Random(99)))
        page.child.evidence.setText("new SIM contract shown")
        page.child.ok_button.click()
    elif kind == "erasure":
        click(page, "erase")
        page.child.typed.setText(customer_no)
        page.child.ok_button.click()
    elif kind == "restriction":
        click(page, "restrict")
        page.child.reason.setPlainText("Customer disputes the bill of March.")
        page.child.ok_button.click()
    elif kind == "withdraw_consent":
        click(page, "object")
        page.child.boxes["partner_sharing"].setChecked(False)
        page.child.ok_button.click()
    elif kind == "object_profiling":  # a person reviews it, which withdraws the consent
        click(page, "review")
        page.child.note.setPlainText("Checked: no decision about this customer is automated.")
        page.child.ok_button.click()
        qtbot.waitUntil(lambda: isinstance(page.child, PreviewDialog), timeout=15000)
        page.child.accept()
    else:
        click(page, "object")
        answer_box(page)
    wait_workers()

    if kind != "erasure":  # erasure completes the request itself
        click(page, "complete")
        page.child.outcome.setPlainText("Answered at the counter.")
        page.child.ok_button.click()
        wait_workers()
    qtbot.waitUntil(lambda: page.request.status == RequestStatus.COMPLETED)
    assert get_request(counter, number).status == RequestStatus.COMPLETED
    if kind == "erasure":
        with counter.db.read() as conn:
            name = conn.execute(select(customer.c.name)
                                .where(customer.c.customer_no == customer_no)).scalar_one()
        assert name == "(erased)"
    page.reject()
