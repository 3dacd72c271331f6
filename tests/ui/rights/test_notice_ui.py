"""The protected portable file and the review of an objection to profiling, clicked."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from app.rights.requests import get_request
from ui.rights.decision_dialogs import (
    PasswordOnceDialog,
    PortableCopyDialog,
    ProfilingReviewDialog,
)
from ui.rights.preview import PreviewDialog
from ui.rights.release_dialog import PortableReviewDialog
from ui.rights.request_page import RequestPage


def button(page: RequestPage, key: str) -> QPushButton | None:
    return page.findChild(QPushButton, f"action-{key}")


def test_portable_data_with_a_password(qtbot, wait_workers, counter, manager, verified):
    number = verified("portability")
    page = RequestPage(counter, number)
    qtbot.addWidget(page)
    button(page, "portable").click()
    dialog = page.child
    assert isinstance(dialog, PortableCopyDialog)
    dialog.protect.click()
    dialog.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: isinstance(page.child, PasswordOnceDialog), timeout=15000)
    shown = page.child
    assert shown.windowTitle() == "Password of the portable data"
    assert len(shown.code.text()) == 14
    shown.accept()
    assert get_request(counter, number).artefacts[0].protected
    desk = RequestPage(manager, number)  # the manager still reads the files it holds
    qtbot.addWidget(desk)
    desk.artefacts.selectRow(0)
    button(desk, "release").click()
    qtbot.waitUntil(lambda: isinstance(desk.child, PortableReviewDialog), timeout=15000)
    assert desk.child.files.count() == 3
    assert '"customer_no"' in desk.child.files.widget(1).toPlainText()


def test_objection_to_profiling_reviewed_by_a_manager(qtbot, wait_workers, counter, manager,
                                                      verified):
    number = verified("object_profiling")
    page = RequestPage(counter, number)
    qtbot.addWidget(page)
    assert button(page, "review") is None  # a manager's step
    desk = RequestPage(manager, number)
    qtbot.addWidget(desk)
    button(desk, "review").click()
    dialog = desk.child
    assert isinstance(dialog, ProfilingReviewDialog)
    dialog.note.setPlainText("ok")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    dialog.note.setPlainText("Checked offers and billing: set by staff, nothing automated.")
    dialog.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: isinstance(desk.child, PreviewDialog), timeout=15000)
    desk.child.accept()
    assert [a.kind for a in get_request(manager, number).artefacts] == ["objection_answer"]
    desk.artefacts.selectRow(0)
    again = button(desk, "again")
    assert not again.isHidden() and again.isEnabled()
