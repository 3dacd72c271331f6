"""The Partners tab, driven through its buttons as a manager would: register a partner
with its signed agreement, record a check, record a disclosure (refused without consent,
then with a legal basis), ask for a bulk export's approval and have another manager
approve it. Screenshots in both languages with CUSTOS_SHOTS=DIR."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox

from app.compliance import export_approvals
from app.security.roles import Role
from ui.compliance import partners as ui_partners
from ui.compliance.partners import PartnersPage
from ui.language import apply_language
from ui.worker import idle_tasks

from .screens import open_part
from .test_partners import new_customer

pytestmark = pytest.mark.file_only
SHOTS = Path(os.environ["CUSTOS_SHOTS"]) if os.environ.get("CUSTOS_SHOTS") else None


@pytest.fixture(autouse=True)
def private_places(tmp_path, monkeypatch, qapp):
    home = tmp_path / "home"
    for name in ("user_config_dir", "user_data_dir", "user_documents_dir"):
        monkeypatch.setattr(platformdirs, name, lambda *a, _n=name, **k: str(home / _n))
    qapp.setQuitOnLastWindowClosed(False)
    if SHOTS:  # as the program looks: its style and its CJK font
        from ui.style import apply_style, load_fonts

        load_fonts(qapp)
        apply_style(qapp)
    apply_language("en")
    yield
    QThreadPool.globalInstance().waitForDone(5000)
    apply_language("en")


def _ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(idle_tasks, timeout=10_000)


def _press(qtbot, page, buttons: dict, key: str):
    """Click one of the page's buttons; the dialog it opened."""
    page.child = None
    qtbot.mouseClick(buttons[key], Qt.MouseButton.LeftButton)
    assert page.child is not None and page.child.isVisible()
    return page.child


def _page(qtbot, session) -> PartnersPage:
    return open_part(qtbot, session, "partners")


def _shot(widget, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.window().grab().save(str(SHOTS / f"{name}.png"))


def test_a_manager_keeps_partners_disclosures_and_export_approvals(qtbot, login, tmp_path,
                                                                  monkeypatch):
    manager, counter = login(Role.MANAGER), login(Role.COUNTER)
    number = new_customer(counter, 3, sharing=False)
    signed = tmp_path / "协议.pdf"
    signed.write_bytes(b"signed")
    page = _page(qtbot, manager)

    dialog = _press(qtbot, page, page.partner_buttons, "addPartner")
    dialog.name.setText("号码携转中心")
    dialog.purpose.setText("办理携号转网")
    dialog.purpose_en.setText("Number porting")
    dialog.agreement.file.setText(str(signed))
    _shot(dialog, "partner-add-en")
    _ok(qtbot, dialog)
    assert page.partner_table.rowCount() == 1 and "registered" in page.status.text()

    page.partner_table.selectRow(0)
    dialog = _press(qtbot, page, page.partner_buttons, "recordCheck")
    dialog.finding.setText("抽查合格")
    _ok(qtbot, dialog)
    assert page.partner_table.item(0, 6).text() == "抽查合格"

    page.pages.setCurrentIndex(1)
    dialog = _press(qtbot, page, page.disclosure_buttons, "disclose")
    dialog.customer.setText(number)
    dialog.purpose.setText("携号转网")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "not consented" in dialog.error.text()
    dialog.basis.setText("《电信条例》第X条")
    _ok(qtbot, dialog)
    assert page.disclosure_table.rowCount() == 1
    assert page.disclosure_table.item(0, 1).text() == number

    page.pages.setCurrentIndex(2)
    dialog = _press(qtbot, page, page.export_buttons, "requestExport")
    dialog.kind.setCurrentIndex(list(export_approvals.KINDS).index("marketing"))
    dialog.reason.setText("年度回访")
    _ok(qtbot, dialog)
    page.export_table.selectRow(0)
    assert page.export_buttons["approveExport"].isEnabled()
    dialog = _press(qtbot, page, page.export_buttons, "approveExport")
    _ok(qtbot, dialog)
    assert page.export_table.item(0, 2).text() == "approved"
    _shot(page, "partners-exports-en")

    target = tmp_path / "register.pdf"
    monkeypatch.setattr(ui_partners, "ask_save_path", lambda *a: target)
    page.pages.setCurrentIndex(0)
    qtbot.mouseClick(page.partner_buttons["printRegister"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(idle_tasks, timeout=10_000)
    assert target.read_bytes()[:4] == b"%PDF" and "saved" in page.status.text()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_screens_in_both_languages(qtbot, login, tmp_path, lang):
    from app.compliance import partners

    manager = login(Role.MANAGER)
    signed = tmp_path / "a.pdf"
    signed.write_bytes(b"signed")
    partners.add_partner(manager, "号码携转中心", "办理携号转网", signed, "2025-01-01",
                         "2027-12-31", purpose_en="Number porting")
    partners.add_partner(manager, "账单印刷厂", "打印纸质账单", signed, "2020-01-01",
                         "2021-01-01", items="name,address")
    apply_language(lang)
    page = _page(qtbot, manager)
    assert page.partner_table.rowCount() == 2
    _shot(page, f"partners-{lang}")
    page.pages.setCurrentIndex(2)
    _shot(page, f"exports-{lang}")
    page.pages.setCurrentIndex(1)
    dialog = _press(qtbot, page, page.disclosure_buttons, "disclose")
    _shot(dialog, f"disclose-{lang}")
    dialog.reject()
