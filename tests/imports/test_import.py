"""Imports from messy branch workbooks: every row validated, natural keys, all-or-nothing."""

from __future__ import annotations

import random
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.customers.tables import consumption, customer
from app.errors import PermissionDenied, ValidationError
from app.imports.run import run_import
from app.security.roles import Role
from app.store.fields import open_row
from app.synthetic import person


def messy_customers(path, n=60, seed=1):
    """What real branch sheets hold: a merged title row, floats, lowercase x, full-width
    digits, apostrophes, an Excel date column, a hidden sheet first, empty trailing rows."""
    rng = random.Random(seed)
    book = Workbook()
    hidden = book.active
    hidden.title = "old"
    hidden.append(["ignore me"])
    hidden.sheet_state = "hidden"
    ws = book.create_sheet("客户")
    ws.append(["2026年11月新开户客户清单"])
    ws.merge_cells("A1:F1")
    ws.append(["姓名", "证件号码", "手机号码", "邮箱", "开户日期", "营销同意"])
    people = [person(rng) for _i in range(n)]
    for i, p in enumerate(people):
        idn = p.id_number.lower() if p.id_number.endswith("X") else p.id_number
        if i % 5 == 0:
            idn = idn.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})
        phone = float(p.mobile) if i % 3 == 0 else ("'" + p.mobile if i % 3 == 1 else p.mobile)
        ws.append([p.name, idn, phone, p.email or "", datetime(2026, 11, 1), "是" if i % 2
                   else ""])
    ws.append(["坏数据", "110101199001011234", "13800138000", "", None, ""])  # check digit
    ws.append(["", "", "", "", None, ""])
    ws.append([None, None, None, None, None, None])
    book.save(path)
    return people


def test_messy_workbook_imports_valid_rows_and_reports_the_rest(login, tmp_path):
    manager = login(Role.MANAGER)
    path = tmp_path / "new.xlsx"
    people = messy_customers(path)
    result = run_import(manager, "customers", path)
    assert result.read == 61 and result.imported == 60 and len(result.rejected) == 1
    bad = result.rejected[0]
    assert bad.row == 63 and bad.column == "证件号码" and "check digit" in bad.reason
    errors = load_workbook(result.error_book).active
    assert [c.value for c in errors[2]] == [63, "证件号码", bad.reason]
    with manager.db.read() as conn:  # opened with the manager's keys when sealed
        rows = [open_row(manager.db.fields, "customer", r) for r in conn.execute(select(customer))]
    stored = {r["id_number"]: r for r in rows}
    for p in people:
        assert p.id_number in stored and stored[p.id_number]["phone"] == p.mobile
    again = run_import(manager, "customers", path)  # re-import: no duplicates
    assert again.imported == 0 and again.already_present == 60


def test_all_or_nothing_writes_nothing(login, tmp_path):
    manager = login(Role.MANAGER)
    path = tmp_path / "new.xlsx"
    messy_customers(path, n=10)
    result = run_import(manager, "customers", path, all_or_nothing=True)
    assert result.imported == 0 and result.rejected
    with manager.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(customer)).scalar() == 0


def test_cancel_leaves_the_database_as_before(login, tmp_path):
    from app.imports.run import ImportCancelled

    manager = login(Role.MANAGER)
    path = tmp_path / "big.xlsx"
    messy_customers(path, n=4500)
    with pytest.raises(ImportCancelled):
        run_import(manager, "customers", path,
                   progress=lambda done, total: done < total * 0.75)
    with manager.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(customer)).scalar() == 0


@pytest.mark.parametrize("content,sentence", [
    (b"PK\x03\x04 broken", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    (b"", "is empty"),
])
def test_bad_files_get_one_sentence(login, tmp_path, content, sentence):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=sentence):
        run_import(login(Role.MANAGER), "customers", path)


def test_consumption_csv_and_permissions(login, tmp_path):
    from app.demo_records import fill_records

    manager = login(Role.MANAGER)
    fill_records(manager, 3, random.Random(2))
    with manager.db.read() as conn:
        number = manager.db.fields.open("customer", "phone", 2, conn.execute(
            select(customer.c.phone).where(customer.c.id == 2)).scalar())
    month = datetime.now().strftime("%Y%m")
    path = tmp_path / "usage.csv"
    path.write_text(f"号码,账期,通话分钟,短信,流量,金额(元)\n{number},{month},120,3,2048,59.90\n"
                    f"{number},209912,1,1,1,1\n", encoding="gb18030")
    result = run_import(manager, "consumption", path)
    assert result.imported == 1 and len(result.rejected) == 1
    with manager.db.read() as conn:
        fen = conn.execute(select(consumption.c.billed_fen).where(
            consumption.c.period == f"{month[:4]}-{month[4:]}",
            consumption.c.data_mb == 2048)).scalar()
    assert fen == 5990
    with pytest.raises(PermissionDenied):
        run_import(login(Role.COUNTER), "consumption", path)
    assert not zipfile.is_zipfile(path)


def test_list_export_is_masked_frozen_filtered_and_audited(login, tmp_path):
    from app.customers.search import find_customers, summaries
    from app.demo_records import fill_records
    from app.exports.xlsx import export_list
    from app.oversight.review import list_alerts

    manager = login(Role.MANAGER)
    fill_records(manager, 150, random.Random(8))
    counter = login(Role.COUNTER)
    rows = summaries(counter, find_customers(counter, "C0000", limit=500).ids)
    out = tmp_path / "list.xlsx"
    count = export_list(counter, "search", "Customers", ["No", "Name", "ID", "Phone"],
                        [(r.customer_no, r.name, r.id_masked, r.phone_masked) for r in rows],
                        out)
    sheet = load_workbook(out).active
    assert count == 150 and sheet.max_row == 151 and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D151"
    assert all("*" in str(sheet.cell(row=i, column=3).value) for i in range(2, 152))
    assert [a.rule for a in list_alerts(manager)] == ["bulk_export"]


@pytest.mark.parametrize("mapping, sentence", [
    ('{"name": 5}', "must pair each field name with a column header, both as text"),
    ('["姓名"]', "must pair each field name with a column header, both as text"),
    ('{"name": ["姓名"]}', "must pair each field name with a column header, both as text"),
    ('{"name": null}', "must pair each field name with a column header, both as text"),
    ('"name"', "must pair each field name with a column header, both as text"),
    ('{"nmae": "姓名"}', "names fields that customers do not have: nmae. Known fields: name"),
    ("[" * 100000, "is not readable JSON"),
])
def test_a_mapping_file_of_the_wrong_shape_is_one_sentence(db_path, tmp_path, monkeypatch,
                                                          capsys, mapping, sentence):
    from app.cli import main

    from ..conftest import PASSWORDS

    path = tmp_path / "new.xlsx"
    messy_customers(path, n=3)
    (tmp_path / "map.json").write_text(mapping, "utf-8")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    assert main(["import", "customers", str(path), "--mapping", str(tmp_path / "map.json"),
                 "--db", str(db_path), "--user", "manager"]) == 1
    err = capsys.readouterr().err.strip()
    assert sentence in err and "unexpected" not in err and len(err.splitlines()) == 1, err


def test_a_good_mapping_file_still_imports(db_path, tmp_path, monkeypatch, capsys):
    from app.cli import main

    from ..conftest import PASSWORDS

    path = tmp_path / "new.xlsx"
    messy_customers(path, n=3)
    (tmp_path / "map.json").write_text('{"name": "姓名", "id_number": "证件号码", '
                                       '"phone": "手机号码"}', "utf-8")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    main(["import", "customers", str(path), "--mapping", str(tmp_path / "map.json"),
          "--db", str(db_path), "--user", "manager"])
    assert "3 imported" in capsys.readouterr().out


def test_a_folder_given_as_the_file_is_called_a_folder(login, tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ValidationError, match="^folder is a folder; choose a spreadsheet"):
        run_import(login(Role.MANAGER), "customers", tmp_path / "folder")


def test_a_report_into_a_folder_that_does_not_exist_names_the_folder(db_path, tmp_path,
                                                                     monkeypatch, capsys):
    from app.cli import main

    from ..conftest import PASSWORDS

    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    out = tmp_path / "no" / "such" / "x.pdf"
    assert main(["report", "cases", "--period", "2026-11", "--out", str(out),
                 "--db", str(db_path), "--user", "manager"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"custos: The folder {out.parent} does not exist; choose another place. " \
                  "Nothing was saved.", err
