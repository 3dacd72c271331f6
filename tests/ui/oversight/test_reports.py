"""Reports: the five are offered, last month is the default, the preview builds a PDF that
renders, and the workbook is written."""

from __future__ import annotations

import importlib.util
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.store import schema
from ui.oversight.common import last_month
from ui.oversight.reports import ReportsSection


def test_the_five_reports_and_last_month(manager, shown):
    section = shown(ReportsSection(manager))
    names = [section.name.itemData(i) for i in range(section.name.count())]
    assert names == ["cases", "requests", "archive", "access", "permissions", "compliance"]
    assert section.name.itemText(4) == "Permission review"
    assert section.period_text() == last_month().strftime("%Y-%m")
    assert last_month(date(2026, 1, 15)) == date(2025, 12, 1)
    section.name.setCurrentIndex(4)
    assert "unused for 90 days" in section.explanation.text()


def test_the_permission_review_preview_builds(manager, shown, wait_workers, qtbot):
    section = shown(ReportsSection(manager))
    section.name.setCurrentIndex(section.name.findData("permissions"))
    section.language.setCurrentIndex(section.language.findData("zh_CN"))
    section.preview_button.click()
    qtbot.waitUntil(lambda: section.preview is not None, timeout=30_000)
    preview = section.preview
    assert preview.data.startswith(b"%PDF")
    assert len(preview.data) > 5000
    if importlib.util.find_spec("pypdfium2") is not None:
        qtbot.waitUntil(lambda: len(preview.page_labels) >= 1, timeout=30_000)
        assert preview.pages_label.text().startswith("Pages: ")
        import pypdfium2 as pdfium

        from app.pdfium import LOCK

        with LOCK:  # the preview may still be rendering on a worker
            document = pdfium.PdfDocument(preview.data)
            text = document[0].get_textpage().get_text_range()
            document.close()
        assert "权限" in text and "manager" in text
    wait_workers()
    preview.accept()


def test_each_report_prints_every_page_from_its_print_button(manager, shown, wait_workers,
                                                             qtbot, print_with_button):
    from ui.rights.pdf_pages import page_count

    section = shown(ReportsSection(manager))
    for name in ("cases", "access"):
        section.preview = None
        section.name.setCurrentIndex(section.name.findData(name))
        section.preview_button.click()
        qtbot.waitUntil(lambda: section.preview is not None, timeout=30_000)
        preview = section.preview
        wait_workers(30_000)
        printed = print_with_button(preview.print_button)
        assert page_count(printed.read_bytes()) == page_count(preview.data)
        assert preview.status.text() == "Sent to the printer."
        preview.accept()


def test_save_as_xlsx_writes_the_workbook_and_logs_it(manager, shown, wait_workers,
                                                      tmp_path):
    section = shown(ReportsSection(manager))
    target = tmp_path / "cases.xlsx"
    section.write_xlsx(target)
    wait_workers(30_000)
    assert section.status.text() == f"Saved as {target}."
    book = load_workbook(target)
    assert book.worksheets[0]["A1"].value == "Monthly service-case report"
    with manager.db.read() as conn:
        actions = conn.execute(select(schema.audit_event.c.action)).scalars().all()
    assert "report.printed" in actions


def test_a_bad_period_is_one_sentence(manager, shown, wait_workers, monkeypatch):
    section = shown(ReportsSection(manager))
    monkeypatch.setattr(section, "period_text", lambda: "2026-13")
    section.show_preview()
    wait_workers()
    assert section.preview is None
    assert section.status.text() == "Give the period as YYYY-MM, for example 2026-10."
    assert section.preview_button.isEnabled()
