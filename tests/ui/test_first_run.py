"""The first-run steps (Qt-free) and the wizard that draws them."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app import accounts
from app.errors import CustosError
from app.store.keyring import FLOOR
from ui.first_run import FirstRun, recovery_sheet_html
from ui.recovery_sheet import write_pdf
from ui.wizard import FirstRunWizard


def test_location_gets_its_ending_and_refuses_an_existing_file(tmp_path):
    plan = FirstRun()
    assert plan.choose_location(str(tmp_path / "new" / "shop")) == tmp_path / "new" / "shop.custos"
    (tmp_path / "taken.custos").write_bytes(b"x")
    with pytest.raises(CustosError, match="already exists"):
        plan.choose_location(str(tmp_path / "taken.custos"))
    with pytest.raises(CustosError):
        plan.choose_location("   ")


def test_admin_step_uses_the_password_rule(tmp_path):
    plan = FirstRun()
    with pytest.raises(CustosError, match="differ"):
        plan.choose_admin("chief", "", "long-enough-1", "long-enough-2")
    with pytest.raises(CustosError, match="too short"):
        plan.choose_admin("chief", "", "short", "short")
    with pytest.raises(CustosError, match="username"):
        plan.choose_admin("two words", "", "long-enough-1", "long-enough-1")
    plan.choose_admin(" chief ", "Chief", "long-enough-1", "long-enough-1")
    assert plan.admin == "chief"


def test_create_makes_the_folder_and_forgets_the_password(tmp_path):
    plan = FirstRun(kdf=FLOOR)
    plan.choose_location(str(tmp_path / "deep" / "er" / "branch.custos"))
    plan.choose_admin("chief", "Chief", "long-enough-1", "long-enough-1")
    created = plan.create()
    assert created.path.exists() and plan.password == ""
    accounts.logout(accounts.login(created.path, "chief", "long-enough-1"))


def test_recovery_sheet_escapes_and_says_keep_it_safe():
    page = recovery_sheet_html("ABCDE-FGHJK", "<b>shop</b>.custos", date(2026, 1, 2))
    assert "ABCDE-FGHJK" in page and "&lt;b&gt;shop" in page and "2026-01-02" in page
    assert "It is shown only once." in page


def test_recovery_sheet_as_pdf(tmp_path, qapp):
    target = tmp_path / "code.pdf"
    write_pdf("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2", "branch.custos", target)
    assert target.read_bytes().startswith(b"%PDF")


def test_wizard_creates_the_database_and_finishes_only_when_the_code_is_stored(qtbot, tmp_path,
                                                                              print_with_button):
    wizard = FirstRunWizard(FirstRun(kdf=FLOOR))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.location_page.location.setText(str(tmp_path / "branch.custos"))
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    wizard.admin_page.username.setText("chief")
    wizard.admin_page.password.setText("long-enough-1")
    wizard.admin_page.again.setText("different-one")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.error.text() == "The two passwords differ."
    wizard.admin_page.password.setText("long-enough-1")
    wizard.admin_page.again.setText("long-enough-1")
    wizard.next()
    page = wizard.code_page
    assert wizard.currentPage() is page
    qtbot.waitUntil(lambda: wizard.plan.created is not None)
    assert page.code.text() == wizard.plan.created.recovery_code
    printed = print_with_button(page.print_button)  # the sheet on paper, from its button
    assert page.code.text() in "".join(p.extract_text() for p in PdfReader(printed).pages)
    assert (tmp_path / "branch.custos").exists()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.reject()
    assert wizard.isVisible()  # no way out before the code is stored
    page.stored.setChecked(True)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
