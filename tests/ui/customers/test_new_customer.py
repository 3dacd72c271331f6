"""The new-customer dialog: one red sentence at the right field, nothing typed is lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.customers.consents import consent_history
from app.customers.idnumbers import resident_check_digit
from app.customers.model import Channel, ConsentPurpose, IdType, RevealField
from app.security import Role
from tests.ui.layout_checks import clipped_labels
from ui.customers.new_customer import NewCustomerDialog
from ui.language import apply_language

FIRST17 = "11010119900307123"
GOOD_ID = FIRST17 + resident_check_digit(FIRST17)
BAD_ID = FIRST17 + ("0" if resident_check_digit(FIRST17) != "0" else "1")


def _dialog(qtbot, session) -> NewCustomerDialog:
    dialog = NewCustomerDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def _next_tab_stop(widget):
    following = widget.nextInFocusChain()
    while not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following


def _fill(dialog: NewCustomerDialog, id_number: str) -> None:
    dialog.name.setText("张伟")
    dialog.id_number.setText(id_number)
    dialog.phone.setText("+86 139 1234 5678")
    dialog.email.setText("zhang.wei@example.com")
    dialog.original_checked.setChecked(True)


def test_defaults_mark_optional_fields_and_minimal_consent(qtbot, as_role):
    dialog = _dialog(qtbot, as_role(Role.COUNTER))
    assert dialog.id_type.currentData() == IdType.RESIDENT_ID.value
    assert dialog.id_type.count() == len(IdType)
    assert dialog.contract.isChecked()
    assert not any(box.isChecked() for box in dialog.optional_consents.values())
    assert all(box.text().endswith("(optional)") for box in dialog.optional_consents.values())
    assert not dialog.original_checked.isChecked()
    assert dialog.channel.currentData() == Channel.COUNTER.value


def test_a_wrong_check_digit_is_one_sentence_and_the_form_keeps_its_values(qtbot, as_role):
    dialog = _dialog(qtbot, as_role(Role.COUNTER))
    _fill(dialog, BAD_ID)
    dialog.optional_consents[ConsentPurpose.MARKETING].setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == ("The ID number's check digit is wrong; please re-check the "
                                   "number on the document.")
    assert dialog.id_number.property("invalid") is True
    assert dialog.focusWidget() is dialog.id_number
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert (dialog.name.text(), dialog.id_number.text(), dialog.phone.text(),
            dialog.email.text()) == ("张伟", BAD_ID, "+86 139 1234 5678",
                                     "zhang.wei@example.com")
    assert dialog.original_checked.isChecked()
    assert dialog.optional_consents[ConsentPurpose.MARKETING].isChecked()


def test_the_original_document_check_is_required(qtbot, as_role):
    dialog = _dialog(qtbot, as_role(Role.COUNTER))
    _fill(dialog, GOOD_ID)
    dialog.original_checked.setChecked(False)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "Confirm that you checked the original ID document."
    assert dialog.original_checked.property("invalid") is True
    assert dialog.id_number.property("invalid") is not True


def test_ctrl_n_creates_a_customer_and_opens_the_page(qtbot, as_role, customers_section,
                                                      wait_workers):
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    section.window().activateWindow()
    qtbot.keyClick(section.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = section.findChild(NewCustomerDialog)
    assert dialog is not None and dialog.isVisible()
    _fill(dialog, GOOD_ID)
    dialog.optional_consents[ConsentPurpose.ANALYTICS].setChecked(True)
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.PHONE.value))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.page is not None)
    wait_workers()
    page = section.page
    assert section.opener.dialog is None  # creating it registered the purpose
    assert page.title.text() == "张伟"
    assert page.identity_tab.masked[RevealField.PHONE].value.text() == "139****5678"
    ledger = {e.purpose: (e.granted, e.channel) for e in consent_history(session,
                                                                         page.customer_no)}
    assert ledger == {"contract": (True, "phone"), "marketing": (False, "phone"),
                      "partner_sharing": (False, "phone"), "analytics": (True, "phone")}
    page.close_page()
    qtbot.waitUntil(lambda: section.model.rowCount() == 301)


def test_tab_goes_down_the_form_then_to_ok_and_cancel(qtbot, as_role):
    dialog = _dialog(qtbot, as_role(Role.COUNTER))
    chain = [*dialog.tab_chain(), dialog.ok_button,
             dialog.buttons.button(dialog.buttons.StandardButton.Cancel)]
    assert chain[0] is dialog.name and chain[-3] is dialog.channel
    for before, after in zip(chain, chain[1:], strict=False):
        assert _next_tab_stop(before) is after, (before, after)
    assert dialog.focusWidget() is dialog.name


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_consent_explanations_show_every_line(qtbot, as_role, language):
    apply_language(language)
    try:
        dialog = _dialog(qtbot, as_role(Role.COUNTER))
        qtbot.waitExposed(dialog)
        qtbot.wait(50)
        assert clipped_labels(dialog) == []
    finally:
        apply_language("en")
