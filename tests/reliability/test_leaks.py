"""Leak scan: after a scripted session — create, import, search, reveal, export to a chosen
folder, backup, lock — the data folder and the temp folder hold none of the seeded personal
values in plain text (Custos writes no log files; personal data never reaches stderr)."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from openpyxl import Workbook

from app import accounts
from app.backup import service
from app.customers.editing import NewCustomer, create_customer
from app.customers.records import open_customer, reveal_field
from app.customers.search import find_customers, summaries
from app.exports.xlsx import export_list
from app.imports.run import run_import
from app.security.roles import Role
from app.synthetic import person


def test_no_personal_value_in_clear(login, db_path, tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    rng = random.Random(50)
    people = [person(rng) for _i in range(25)]
    seeded: list[str] = []
    counter, manager, admin = login(Role.COUNTER), login(Role.MANAGER), login(Role.ADMIN)
    created = []
    for p in people[:10]:
        created.append(create_customer(counter, NewCustomer(
            name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
            original_checked=True, consents={"contract": True})))
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "证件号码", "手机号码"])
    for p in people[10:]:
        sheet.append([p.name, p.id_number, p.mobile])
    upload = tmp_path / "upload" / "new.xlsx"
    upload.parent.mkdir()
    book.save(upload)
    run_import(manager, "customers", upload)
    upload.unlink()  # the person's own file is theirs; the scan is of what Custos keeps
    for p in people:
        seeded += [p.id_number, p.mobile, p.name]
    find_customers(counter, people[3].mobile)
    open_customer(counter, created[0], "counter_service")
    assert reveal_field(counter, created[0], "id_number", "customer asked") == people[0].id_number
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    rows = summaries(counter, find_customers(counter, "C0000").ids)
    export_list(counter, "search", "Customers", ["No", "Name", "ID", "Phone"],
                [(r.customer_no, "", r.id_masked, r.phone_masked) for r in rows],
                chosen / "list.xlsx")
    backups = db_path.parent / "backups"
    backups.mkdir()
    service.take_backup(admin, backups)
    accounts.lock(counter, "manual")
    assert len(seeded) == 75
    places = [db_path.parent, temp]
    for folder in places:
        for file in Path(folder).rglob("*"):
            if not file.is_file() or chosen in file.parents:
                continue
            raw = file.read_bytes()
            for value in seeded:
                if len(value) > 3:  # a two-character name may occur by chance in ciphertext
                    assert value.encode("utf-8") not in raw, f"{value!r} in {file.name}"
