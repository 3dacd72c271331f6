"""The PDF preview (pages, zoom, print, save) and the managers' privacy register."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.compliance.export_approvals import approve_export, request_export
from app.errors import CustosError
from app.rights.answers import information_notice, prepare_access_copy
from app.rights.copies import review_copy
from app.rights.register import register_entries
from app.settings import branch_details
from ui.rights import register_section
from ui.rights.pdf_pages import page_count, render_page
from ui.rights.preview import PreviewDialog
from ui.rights.register_section import RegisterSection


def test_preview_shows_zooms_prints_and_saves(qtbot, wait_workers, counter, manager,
                                              verified, tmp_path, monkeypatch,
                                              print_with_button):
    number = verified("access")
    prepare_access_copy(counter, number, "zh_CN", protect=True)
    document = review_copy(manager, number)
    with pytest.raises(CustosError):
        page_count(document.data)  # protected: not without its password
    pages = page_count(document.data, document.password)
    dialog = PreviewDialog(document.data, "copy", "copy.pdf", document.password)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.page_labels) == pages, timeout=15000)
    width = dialog.page_labels[0].pixmap().width()
    dialog.zoom_in.click()
    wait_workers()
    qtbot.waitUntil(lambda: dialog.page_labels[0].pixmap().width() > width)

    printed = print_with_button(dialog.print_button)  # the button, not print_to()
    assert page_count(printed.read_bytes()) == pages

    monkeypatch.setattr("ui.rights.preview.ask_save_path", lambda *a: tmp_path / "saved.pdf")
    dialog.save_button.click()
    assert (tmp_path / "saved.pdf").read_bytes() == document.data
    assert "saved.pdf" in dialog.status.text()


def test_rendered_page_is_not_blank(manager):
    image = render_page(information_notice(manager, "en"), 0, 50)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 2  # text was drawn, not only white paper


def test_register_entry_saved_in_both_languages(qtbot, wait_workers, manager):
    section = RegisterSection(manager)
    qtbot.addWidget(section)
    assert section.categories.count() == 7
    section.categories.setCurrentRow(2)
    editor = section.editors[2]
    editor.texts["recipients"]["en"].setPlainText("")
    editor.save_button.click()
    wait_workers()
    assert "Chinese and in English" in editor.error.text()
    editor.texts["recipients"]["en"].setPlainText("The billing provider, as processor.")
    editor.bases["consent"].setChecked(True)
    editor.save_button.click()
    wait_workers()
    entry = next(e for e in register_entries(manager) if e.category == editor.entry.category)
    assert entry.recipients["en"] == "The billing provider, as processor."
    assert "consent" in entry.legal_basis
    assert "manager" in editor.changed_label.text()


def test_branch_details_and_marketing_export(qtbot, wait_workers, manager, customer_no,
                                             tmp_path, monkeypatch):
    section = RegisterSection(manager)
    qtbot.addWidget(section)
    section.edit_branch()
    dialog = section.child
    dialog.name.setText("和平路营业厅")
    dialog.contact.setText("数据保护专员 010-12345678")
    dialog.ok_button.click()
    wait_workers()
    assert branch_details(manager)["branch_name"] == "和平路营业厅"

    target = tmp_path / "contacts.xlsx"
    monkeypatch.setattr(register_section, "ask_save_path", lambda *a: target)
    approve_export(manager, request_export(manager, "marketing", "test"))  # issue 16 §3
    section.export_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: "1 customers" in section.status.text())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][0] == customer_no


def test_notice_without_request_previews(qtbot, wait_workers, manager):
    section = RegisterSection(manager)
    qtbot.addWidget(section)
    section.print_notice()
    dialog = section.child
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: isinstance(section.child, PreviewDialog), timeout=15000)
    qtbot.waitUntil(lambda: len(section.child.page_labels) >= 1, timeout=15000)
    assert len(section.child.page_labels) == page_count(section.child.data)


def test_enter_in_the_preview_closes_it_and_never_zooms(qtbot, wait_workers, manager):
    dialog = PreviewDialog(information_notice(manager, "en"), "notice", "notice.pdf")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: bool(dialog.page_labels), timeout=15000)
    zoom = dialog.zoom()
    assert dialog.close_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.zoom() == zoom


def test_register_offers_pipl_bases_and_reads_an_old_legitimate_interest(
        qtbot, wait_workers, manager):
    """PIPL Art. 13's seven bases are offered, no other; a row saved by an earlier version
    naming legitimate interest still reads (and prints) for what it was, is said to need a
    basis, and loses it when saved."""
    from app.rights.labels import label
    from app.rights.tables import processing_register as reg
    from app.store import dialect

    with manager.db.write() as conn:
        texts = {f"{n}_{s}": "x" * 6 for n in ("purposes", "recipients", "transfers",
                                                 "retention", "automated") for s in ("zh", "en")}
        conn.execute(dialect.insert(conn, reg).values(
            category="cases", legal_basis="contract,legitimate_interest", source="both",
            updated_at="2026-01-05T02:00:00.000000Z", updated_by="manager", **texts))
    entry = next(e for e in register_entries(manager) if e.category == "cases")
    assert entry.legal_basis == ("contract", "legitimate_interest")
    assert "not a legal basis under PIPL" in label("LegalBasis", "legitimate_interest", "en")
    assert "正当利益" in label("LegalBasis", "legitimate_interest", "zh_CN")
    section = RegisterSection(manager)
    qtbot.addWidget(section)
    row = next(i for i, e in enumerate(section.editors) if e.entry.category == "cases")
    section.categories.setCurrentRow(row)
    editor = section.editors[row]
    assert list(editor.bases) == ["consent", "contract", "legal_obligation", "public_health",
                                  "public_interest", "disclosed", "other_law"]
    assert "PIPL Art. 13" in editor.legacy_warning.text()
    editor.bases["legal_obligation"].setChecked(True)
    editor.save_button.click()
    wait_workers()
    entry = next(e for e in register_entries(manager) if e.category == "cases")
    assert entry.legal_basis == ("contract", "legal_obligation")
