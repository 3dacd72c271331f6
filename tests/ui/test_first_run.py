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
from app.store.place import profile
from ui import places
from ui.first_run import FirstRun, join_server, recovery_sheet_html
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


def test_joining_checks_the_address_and_keeps_the_ca_in_the_pcs_profile(tmp_path):
    plan = FirstRun()
    for address, ca, said in (("  ", "", "Type the branch server's address."),
                              ("branch.custos", "", "is not a branch server address"),
                              ("postgresql://b1.example/b1", "", "Choose the CA file"),
                              ("postgresql://b1.example/b1", str(tmp_path / "no.crt"),
                               "does not exist"),
                              ("postgresql:///b1?host=/no/such/dir", "", "socket folder")):
        with pytest.raises(CustosError, match=said):
            plan.join(address, ca)
    assert plan.server is None and places.read_recent().database is None
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    joined = plan.join(" postgresql://b1.example:5433/b1 ", str(ca))
    assert joined == f"postgresql://b1.example:5433/b1?sslrootcert={ca}"
    assert plan.created is None  # nothing was made anywhere
    assert [e["ca_file"] for e in profile().values()] == [str(ca)]
    assert places.read_recent().database == "postgresql://b1.example:5433/b1"
    # The next time the CA file comes from the profile; a socket needs none.
    assert join_server("postgresql://b1.example:5433/b1") == joined
    socket = f"postgresql:///b1?host={tmp_path}"
    assert join_server(socket) == socket


def test_the_wizard_offers_this_pc_or_the_branch_server(qtbot, tmp_path, choose):
    wizard = FirstRunWizard(FirstRun(kdf=FLOOR))
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.location_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    join_button = wizard.button(QWizard.WizardButton.FinishButton)
    assert page.this_pc.isChecked() and page.file_box.isVisible()
    assert not page.server_box.isVisible() and not join_button.isVisible()
    choose(page.join)
    assert page.server_box.isVisible() and not page.file_box.isVisible()
    assert join_button.isVisible() and join_button.text() == "Join"
    assert not next_button.isVisible()
    assert "custos init" in " ".join(label.text() for label in
                                     page.server_box.findChildren(type(page.error)))
    page.server_box.address.setEditText("postgresql://b1.example/b1")
    qtbot.mouseClick(join_button, Qt.MouseButton.LeftButton)
    assert wizard.isVisible() and page.error.text().startswith("Choose the CA file")
    ca = tmp_path / "ca.crt"
    ca.write_text("x")
    page.server_box.ca_file.setText(str(ca))
    choose(page.this_pc)  # changing one's mind: back to the file, Next again
    assert next_button.isVisible() and not join_button.isVisible() and page.error.isHidden()
    choose(page.join)
    qtbot.mouseClick(join_button, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.plan.server == f"postgresql://b1.example:5432/b1?sslrootcert={ca}"
    assert wizard.plan.created is None


def test_create_a_new_database_from_the_login_offers_a_file_only(qtbot):
    wizard = FirstRunWizard(offer_server=False)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.location_page
    assert not page.join.isVisible() and not page.this_pc.isVisible()
    assert page.file_box.isVisible() and wizard.windowTitle() == "Create a Custos database"
