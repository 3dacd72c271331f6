"""The Staff tab of the compliance file, clicked as a manager and an administrator would:
record an agreement and a training session, change the training period (overdue in red),
print the register; the access-requests screen refuses an account without an agreement in
one sentence and offers its form. Screenshots in both languages with CUSTOS_SHOTS=DIR."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import accounts
from app.compliance import staff
from app.security import Role
from tests.compliance.screens import open_part
from ui.compliance import staff as ui_staff
from ui.compliance.section import visible_tabs
from ui.compliance.staff import StaffPage
from ui.language import apply_language
from ui.oversight.common import RED
from ui.sections.access import AccessRequestsSection

SHOTS = Path(os.environ["CUSTOS_SHOTS"]) if os.environ.get("CUSTOS_SHOTS") else None


@pytest.fixture(autouse=True)
def looks(qapp):
    if SHOTS:  # as the program looks: its style and its CJK font
        from ui.style import apply_style, load_fonts

        load_fonts(qapp)
        apply_style(qapp)
    yield
    apply_language("en")


def _page(qtbot, session, wait_workers) -> StaffPage:
    return open_part(qtbot, session, "staff")


def _press(qtbot, page, key: str):
    page.child = None
    qtbot.mouseClick(page.buttons[key], Qt.MouseButton.LeftButton)
    assert page.child is not None and page.child.isVisible()
    return page.child


def _ok(qtbot, dialog, wait_workers) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_workers()


def _shot(widget, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.window().grab().save(str(SHOTS / f"{name}.png"))


def _row(page, username: str) -> int:
    return [page.table.item(r, 1).text() for r in range(page.table.rowCount())].index(username)


def _sign_through_the_offer(qtbot, section, tmp_path) -> None:
    """Click the refusal's "Record agreement…" and record zoe's signed file in its form."""
    qtbot.mouseClick(section.agreement_offer, Qt.MouseButton.LeftButton)
    form = section.agreement_offer.dialog
    signed = tmp_path / "zoe.pdf"
    signed.write_bytes(b"signed by zoe")
    form.file.setText(str(signed))
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)


def test_both_roles_that_keep_staff_records_see_the_tab(login):
    for role, shown in ((Role.MANAGER, True), (Role.ADMIN, True), (Role.COUNTER, False),
                        (Role.ARCHIVE, False)):
        assert ("staff" in [t.key for t in visible_tabs(login(role))]) is shown, role


def test_a_manager_records_agreements_and_training(qtbot, login, tmp_path, wait_workers,
                                                   monkeypatch):
    accounts.add_user(login(Role.ADMIN), "clerk2", [Role.COUNTER], "clerk2-first-password",
                      display_name="周一")
    page = _page(qtbot, login(Role.MANAGER), wait_workers)
    row = _row(page, "clerk2")
    assert page.table.item(row, 3).text() == "MISSING"
    assert page.table.item(row, 3).foreground().color().name() == RED
    signed = tmp_path / "clerk2.pdf"
    signed.write_bytes(b"signed by clerk2")
    page.table.selectRow(row)
    dialog = _press(qtbot, page, "recordAgreement")
    assert dialog.person.currentData() == "clerk2"
    _ok(qtbot, dialog, wait_workers)  # no file chosen
    assert dialog.isVisible() and dialog.error.text()
    dialog.file.setText(str(signed))
    _ok(qtbot, dialog, wait_workers)
    assert page.table.item(_row(page, "clerk2"), 3).text() == date.today().isoformat()
    assert "recorded" in page.status.text()

    dialog = _press(qtbot, page, "recordTraining")
    dialog.day.setDate(date.today() - timedelta(days=50))
    dialog.topic.setText("客户信息保护")
    _ok(qtbot, dialog, wait_workers)  # nobody ticked
    assert dialog.isVisible() and "at least one account" in dialog.error.text()
    dialog.tick("clerk2", "counter")
    _ok(qtbot, dialog, wait_workers)
    assert page.training_table.rowCount() == 1
    assert "周一" in page.training_table.item(0, 2).text()

    dialog = _press(qtbot, page, "trainingPeriod")
    dialog.months.setValue(1)
    _ok(qtbot, dialog, wait_workers)
    row = _row(page, "clerk2")
    assert "OVERDUE" in page.table.item(row, 6).text()
    assert page.table.item(row, 6).foreground().color().name() == RED
    assert "1 months" in page.hint.text()

    target = tmp_path / "staff.pdf"
    monkeypatch.setattr(ui_staff, "ask_save_path", lambda *a: target)
    qtbot.mouseClick(page.buttons["printStaff"], Qt.MouseButton.LeftButton)
    wait_workers()
    assert target.read_bytes()[:4] == b"%PDF" and "saved" in page.status.text()


def test_approval_is_refused_without_an_agreement_and_its_form_offered(qtbot, login, db_path,
                                                                      tmp_path, wait_workers):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "zoe", [Role.COUNTER], "temporary-password")
    own = accounts.login(db_path, "zoe", "temporary-password")
    accounts.change_own_password(own, "temporary-password", "zoe-own-password-1")
    accounts.logout(own)
    section = AccessRequestsSection(login(Role.MANAGER))
    qtbot.addWidget(section)
    section.show()
    assert not section.agreement_offer.isVisible()
    qtbot.mouseClick(section.approve_button, Qt.MouseButton.LeftButton)
    wait_workers()
    assert "zoe has no signed confidentiality agreement" in section.status.text()
    assert section.agreement_offer.isVisible() and section.table.rowCount() == 1
    _sign_through_the_offer(qtbot, section, tmp_path)
    wait_workers()
    assert "approve their access now" in section.status.text()
    qtbot.mouseClick(section.approve_button, Qt.MouseButton.LeftButton)
    wait_workers()
    assert section.table.rowCount() == 0 and "zoe" in section.status.text()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_screens_in_both_languages(qtbot, login, wait_workers, lang):
    manager = login(Role.MANAGER)
    accounts.add_user(login(Role.ADMIN), "zhou.yi", [Role.COUNTER], "zhou-first-password",
                      display_name="周一")
    staff.record_training(manager, (date.today() - timedelta(days=400)).isoformat(),
                          "客户信息保护与保密义务", "counter,archive")
    staff.record_training(manager, (date.today() - timedelta(days=20)).isoformat(),
                          "Phishing at the counter", "manager,counter")
    apply_language(lang)
    page = _page(qtbot, manager, wait_workers)
    assert page.table.rowCount() == 5
    _shot(page, f"staff-{lang}")
    page.pages.setCurrentIndex(1)
    _shot(page, f"staff-training-{lang}")
    dialog = _press(qtbot, page, "recordTraining")
    _shot(dialog, f"staff-training-form-{lang}")
    dialog.reject()
    page.table.selectRow(_row(page, "zhou.yi"))
    dialog = _press(qtbot, page, "recordAgreement")
    _shot(dialog, f"staff-agreement-form-{lang}")
    dialog.reject()


def test_enabling_again_is_refused_on_the_users_screen_which_offers_the_form(
        qtbot, login, tmp_path, wait_workers):
    from ui.sections.user_dialogs import TemporaryPasswordDialog
    from ui.sections.users import UsersSection

    admin = login(Role.ADMIN)
    accounts.add_user(admin, "zoe", [Role.ARCHIVE], "temporary-password")
    accounts.disable_user(admin, "zoe")
    section = UsersSection(admin)
    qtbot.addWidget(section)
    section.show()
    section.table.selectRow([u.username for u in section.users].index("zoe"))
    qtbot.mouseClick(section.enable_button, Qt.MouseButton.LeftButton)
    dialog = [d for d in section.findChildren(TemporaryPasswordDialog) if d.isVisible()][0]
    dialog.password.setText("zoe-again-password-1")
    dialog.again.setText("zoe-again-password-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_workers()
    assert dialog.isVisible() and "zoe has no signed confidentiality" in dialog.error.text()
    assert "custos staff agreement zoe" in section.status.text()
    assert section.agreement_offer.isVisible()
    dialog.reject()
    _sign_through_the_offer(qtbot, section, tmp_path)
    wait_workers()
    row = [u.username for u in section.users].index("zoe")
    assert section.table.item(row, 6).text() == date.today().isoformat()
    accounts.enable_user(admin, "zoe", "zoe-again-password-1")  # now it may
