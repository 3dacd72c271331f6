"""The Import section, driven like a manager would: choose a file, check the columns,
import; bad rows listed, bad files one sentence, Cancel changes nothing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.customers.tables import customer
from app.synthetic import person
from ui.oversight.import_section import ImportSection

BAD_ID = "110101199001011234"  # the check digit is wrong


def workbook(path: Path, n: int, bad: bool = False, seed: int = 3) -> list:
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.append(["新开户客户清单"])  # a title row above the header
    sheet.append(["姓名", "证件号码", "手机号码", "邮箱"])
    people = [person(rng) for _i in range(n)]
    for i, p in enumerate(people):
        sheet.append([p.name, p.id_number, p.mobile, p.email or ""])
        if bad and i == 2:
            sheet.append(["坏数据", BAD_ID, "13800138000", ""])
    book.save(path)
    return people


def customers(session) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(customer)).scalar_one()


@pytest.fixture
def section(manager, shown):
    return shown(ImportSection(manager))


def preview(section: ImportSection, path: Path, wait, kind: str = "customers") -> None:
    page = section.file_page
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.path.setText(str(path))
    page.next.click()
    wait()


def test_a_small_workbook_is_imported_through_the_section(section, manager, tmp_path,
                                                          wait_workers):
    path = tmp_path / "new.xlsx"
    people = workbook(path, 8)
    before = customers(manager)
    preview(section, path, wait_workers)
    mapping = section.mapping_page
    assert section.stack.currentWidget() is mapping
    assert mapping.rows.rowCount() == 8 and mapping.rows.item(0, 0).text() == "3"
    assert mapping.rows.item(0, 2).text() == people[0].id_number
    assert mapping.combos["name"].currentText() == "A · 姓名"
    assert mapping.combos["id_number"].currentData() == 1
    assert mapping.combos["phone"].currentData() == 2
    assert mapping.combos["province"].currentData() is None
    mapping.start.click()
    wait_workers(30_000)
    assert section.stack.currentWidget() is section.result_page
    result = section.result
    assert (result.read, result.imported, result.already_present) == (8, 8, 0)
    assert result.rejected == [] and result.error_book is None
    figures = section.result_page.figures
    assert [figures[k].text() for k in ("read", "imported", "present", "rejected")] == \
        ["8", "8", "0", "0"]
    assert section.result_page.sentence.text().startswith("Every row was accepted.")
    assert customers(manager) == before + 8
    with manager.db.read() as conn:
        stored = {manager.db.fields.open("customer", "id_number", r.id, r.id_number)
                  for r in conn.execute(select(customer.c.id, customer.c.id_number))}
    assert {p.id_number for p in people} <= stored

    section.result_page.again.click()  # the same file again: nothing doubles
    preview(section, path, wait_workers)
    section.mapping_page.start.click()
    wait_workers(30_000)
    assert (section.result.imported, section.result.already_present) == (0, 8)
    assert customers(manager) == before + 8


def test_a_bad_id_row_is_listed_as_rejected(section, manager, tmp_path, wait_workers):
    path = tmp_path / "bad.xlsx"
    workbook(path, 5, bad=True)
    before = customers(manager)
    preview(section, path, wait_workers)
    section.mapping_page.start.click()
    wait_workers(30_000)
    page = section.result_page
    assert section.result.imported == 5 and len(section.result.rejected) == 1
    assert page.figures["rejected"].text() == "1"
    assert page.rejected.rowCount() == 1
    assert page.rejected.item(0, 0).text() == "6"  # title, header, three rows, then it
    assert page.rejected.item(0, 1).text() == "证件号码"
    assert "check digit" in page.rejected.item(0, 2).text()
    book = section.result.error_book
    assert book is not None and str(book) in page.book_path.text()
    assert not page.open_folder.isHidden()
    assert [c.value for c in load_workbook(book).active[2]][0] == 6
    assert customers(manager) == before + 5


def test_all_or_nothing_imports_nothing(section, manager, tmp_path, wait_workers):
    path = tmp_path / "bad.xlsx"
    workbook(path, 5, bad=True)
    before = customers(manager)
    preview(section, path, wait_workers)
    section.mapping_page.all_or_nothing.setChecked(True)
    section.mapping_page.start.click()
    wait_workers(30_000)
    assert section.result.imported == 0 and len(section.result.rejected) == 1
    assert section.result_page.sentence.text().startswith("Nothing was imported")
    assert customers(manager) == before


def test_a_file_that_is_not_a_workbook_is_one_sentence(section, tmp_path, wait_workers):
    path = tmp_path / "notes.xlsx"
    path.write_text("these are not the rows you are looking for")
    preview(section, path, wait_workers)
    assert section.stack.currentWidget() is section.file_page
    assert section.file_page.error.text() == \
        "notes.xlsx is not an Excel workbook (.xlsx) or is damaged."
    section.file_page.path.clear()
    section.file_page.next.click()
    assert section.file_page.error.text() == "Choose the file to import."


def test_a_required_field_without_a_column_is_named(section, tmp_path, wait_workers):
    path = tmp_path / "new.xlsx"
    workbook(path, 3)
    preview(section, path, wait_workers)
    phone = section.mapping_page.combos["phone"]
    phone.setCurrentIndex(phone.findData(None))
    section.mapping_page.start.click()
    assert section.stack.currentWidget() is section.mapping_page
    assert section.mapping_page.error.text() == "Choose the column that holds Phone."


def test_cancel_leaves_the_records_as_they_were(section, manager, tmp_path, wait_workers):
    path = tmp_path / "big.xlsx"
    workbook(path, 2500)  # the importer looks at Cancel every 2000 rows
    before = customers(manager)
    preview(section, path, wait_workers)
    section.mapping_page.start.click()
    assert section.stack.currentWidget() is section.progress_page
    section.progress_page.cancel.click()
    wait_workers(60_000)
    assert section.stack.currentWidget() is section.mapping_page
    assert section.mapping_page.error.text() == \
        "The import was cancelled; nothing was changed."
    assert customers(manager) == before
