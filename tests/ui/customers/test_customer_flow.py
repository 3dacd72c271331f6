"""The counter's flow: search → open with a purpose → reveal → edit identity."""

from __future__ import annotations

import json
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import select

from app.customers.model import Purpose, RevealField
from app.customers.pinyin import pinyin_of
from app.security import Role
from app.store.fields import open_detail
from app.store.schema import audit_event
from ui.customers.identity_dialog import RectifyDialog
from ui.customers.purpose import PurposeDialog
from ui.customers.reveal import RevealDialog


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


def test_search_open_with_purpose_reveal_and_edit(qtbot, as_role, customers_section,
                                                  type_search, wait_workers):
    session = as_role(Role.COUNTER)
    section = customers_section(session, show_ms=400, clipboard_ms=400)
    target = section.model.summary(41)

    # Search: the list narrows as the person types, without pressing anything.
    _full, initials = pinyin_of(target.name)
    type_search(section, initials)  # pinyin initials, as at the counter ("zw" for 张伟)
    assert 1 <= section.model.rowCount() < 300
    names = [section.model.summary(r).name for r in range(section.model.rowCount())]
    assert target.name in names
    assert all(pinyin_of(name)[1].startswith(initials) for name in names)
    assert "shown" in section.count.text()
    type_search(section, target.customer_no)
    assert section.model.rowCount() == 1
    assert section.model.summary(0).customer_no == target.customer_no

    # Enter opens it; first time, the purpose is asked.
    qtbot.keyClick(section.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: section.opener.dialog is not None)
    dialog = section.opener.dialog
    assert isinstance(dialog, PurposeDialog) and dialog.isVisible()
    assert [b.text() for b in dialog.buttons_by_purpose.values()] == [p.label for p in Purpose]
    assert not dialog.other_text.isEnabled()
    dialog.buttons_by_purpose[Purpose.OTHER].setChecked(True)
    assert dialog.other_text.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # "Other" without text
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "With purpose 'Other', describe the purpose."
    assert dialog.isVisible() and section.page is None
    dialog.other_text.setText("customer called about a bill")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.page is not None)
    wait_workers()
    page = section.page
    assert page.title.text() == target.name
    assert target.customer_no in page.meta.text()
    opened = _events(session, "customer.opened")
    assert opened[-1].purpose == "other: customer called about a bill"
    assert opened[-1].customer_ref == target.customer_no

    # Masked on the page, as in the list (the Identity tab, next to the Overview).
    assert page.tabs.currentWidget() is page.overview_tab
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert page.tabs.currentWidget() is page.identity_tab
    phone = page.identity_tab.masked[RevealField.PHONE]
    assert phone.value.text() == target.phone_masked
    assert page.identity_tab.masked[RevealField.ID_NUMBER].value.text() == target.id_masked
    assert not phone.copy_button.isVisible()

    # Reveal asks for a reason, shows the value, logs it, and masks again after the delay.
    qtbot.mouseClick(phone.reveal_button, Qt.MouseButton.LeftButton)
    reveal = page.findChild(RevealDialog)
    assert reveal is not None and reveal.isVisible()
    reveal.reason.setText("customer asks to confirm the number")
    qtbot.mouseClick(reveal.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "*" not in phone.value.text())
    plain = phone.value.text()
    assert re.fullmatch(r"1[0-9]{10}", plain)
    assert plain[:3] == target.phone_masked[:3] and plain[-4:] == target.phone_masked[-4:]
    revealed = _events(session, "customer.revealed")[-1]
    assert json.loads(revealed.detail)["reason"] == "customer asks to confirm the number"
    assert revealed.purpose == "other: customer called about a bill"
    assert phone.copy_button.isVisible()
    qtbot.mouseClick(phone.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == plain
    qtbot.waitUntil(lambda: phone.value.text() == target.phone_masked, timeout=3000)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=3000)
    assert not page.revealed and not phone.copy_button.isVisible()

    # Edit identity: the evidence note is required; the form keeps what was typed.
    qtbot.mouseClick(page.identity_tab.edit_button, Qt.MouseButton.LeftButton)
    edit = page.findChild(RectifyDialog)
    assert edit is not None and edit.isVisible()
    assert edit.phone.text() == ""  # masked values never prefilled
    assert edit.phone.placeholderText() == target.phone_masked
    edit.email.setText("new.address@example.com")
    qtbot.mouseClick(edit.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(edit.error.isVisible)
    assert edit.error.text() == "Note the evidence you saw for this correction."
    assert edit.evidence.property("invalid") is True
    assert edit.email.text() == "new.address@example.com"
    edit.evidence.setText("email confirmed by the customer in person")
    qtbot.mouseClick(edit.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.identity_tab.masked[RevealField.EMAIL].value.text()
                    == "n***@example.com")
    wait_workers()
    assert page.status.text() == "The identity was corrected."
    rectified = json.loads(open_detail(session.db.fields,
                                       _events(session, "customer.rectified")[-1].detail))
    assert rectified["fields"] == ["email"]
    assert rectified["evidence"] == "email confirmed by the customer in person"

    # Esc closes the page and puts the focus back into the search box.
    section.window().activateWindow()
    qtbot.keyClick(page.tabs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: section.page is None)
    assert section.stack.currentWidget() is section.list_page


def test_the_purpose_is_asked_once_per_customer(qtbot, as_role, customers_section,
                                                open_record, wait_workers):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    number = section.model.summary(3).customer_no
    page = open_record(section, number)
    page.close_page()
    assert section.page is None
    section.open_row(3)
    qtbot.waitUntil(lambda: section.page is not None)
    assert section.opener.dialog is None
    other = section.model.summary(4).customer_no
    section.open_customer(other)
    qtbot.waitUntil(lambda: section.opener.dialog is not None)
    section.opener.dialog.reject()
    qtbot.waitUntil(lambda: not section.opener.busy)
    assert section.page.customer_no == number  # cancelled: nothing else opened


def test_a_whole_number_search_runs_off_the_window(as_role, customers_section, type_search,
                                                  wait_workers, qtbot, monkeypatch):
    """The guessing rule may slow a whole-number search that matches nobody: that wait
    happens on the worker, so the window keeps answering (and the result still shows)."""
    import threading

    from app.customers import guesses

    slept_in: list[str] = []
    monkeypatch.setattr(guesses, "SLOW_AFTER", 0)
    monkeypatch.setattr(guesses, "_sleep", lambda _s: slept_in.append(
        threading.current_thread().name))
    section = customers_section(as_role(Role.COUNTER))
    type_search(section, "13900001111")  # a valid mobile number that nobody has
    wait_workers()
    qtbot.waitUntil(lambda: section.count.text() == "No customer matches this search.")
    assert slept_in and threading.main_thread().name not in slept_in
