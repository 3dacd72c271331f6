"""Exports are safe to open: no cell of any workbook Custos writes is a live formula, and
old data holding characters an XLSX cannot hold never makes an export fail."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from app import accounts, audit, synthetic
from app.compliance.export_approvals import approve_export, request_export
from app.customers.editing import NewCustomer, create_customer
from app.customers.tables import customer
from app.errors import LoginFailed, ValidationError
from app.exports.cells import safe_cell
from app.exports.xlsx import workbook_bytes
from app.reports.service import write_report
from app.rights import answers, marketing, requests
from app.rights.copies import review_copy
from app.security.roles import Role

HYPERLINK = '=HYPERLINK("http://x","a")'


def formulas(data: bytes) -> list[str]:
    """Every cell openpyxl reads back as a formula (or as text a spreadsheet would run)."""
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str)
                                              and cell.value[:1] in "=+-@\t\r"
                                              and not cell.value.lstrip("+-").replace(".", "")
                                              .isdigit()):
                    found.append(f"{sheet.title}!{cell.coordinate}={cell.value!r}")
    return found


def texts(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r
            if c.value is not None]


def _customer(counter, seed: int, **overrides) -> str:
    p = synthetic.person(random.Random(seed))
    values = dict(name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
                  original_checked=True, consents={"contract": True, "marketing": True},
                  email="", province=p.address.province, city=p.address.city,
                  district=p.address.district, street=p.address.street)
    return create_customer(counter, NewCustomer(**{**values, **overrides}))


def _portability(counter, manager, customer_no: str) -> bytes:
    number = requests.take_request(counter, "portability", customer_no, "ID card checked")
    requests.verify_identity(counter, number)
    answers.prepare_portability(counter, number)
    data = review_copy(manager, number).data  # the manager's look before release
    return zipfile.ZipFile(io.BytesIO(data)).read("data.xlsx")


def _failed_login_as_logged_before(session, name: str) -> None:
    """A failed login's name as an older version wrote it into the log (today an unknown
    name is only "unknown user")."""
    audit.record(session.db, actor=name, action="login.failed", outcome="failed")


def _access_report(manager, tmp_path) -> bytes:
    out = tmp_path / "access.xlsx"
    write_report(manager, "access", date.today().strftime("%Y-%m"), out)
    return out.read_bytes()


def test_cell_rule() -> None:
    assert safe_cell(HYPERLINK) == "'" + HYPERLINK
    for start in "=+-@\t\r":
        assert safe_cell(start + "1+1").startswith("'")
    assert safe_cell(12) == 12 and safe_cell(-3.5) == -3.5 and safe_cell(None) is None
    assert safe_cell("-12.50") == "-12.50"  # a number written as text is harmless
    assert safe_cell("a\x00b\x01") == "a\ufffdb\ufffd"
    assert safe_cell("王小明") == "王小明"


def test_portability_workbook_holds_no_formula(login) -> None:
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _customer(counter, 3, name=HYPERLINK, email="=1+1@x.com")
    data = _portability(counter, manager, number)
    assert formulas(data) == []
    assert "'" + HYPERLINK in texts(data) and "'=1+1@x.com" in texts(data)


def test_access_report_holds_no_formula_from_a_failed_login(login, db_path, tmp_path) -> None:
    manager = login(Role.MANAGER)
    _failed_login_as_logged_before(manager, HYPERLINK)
    data = _access_report(manager, tmp_path)
    assert formulas(data) == [] and "'" + HYPERLINK in texts(data)
    with pytest.raises(LoginFailed):  # and today such a name never reaches the log at all
        accounts.login(db_path, HYPERLINK, "not the password")


def test_old_data_with_control_characters_still_exports(login, db_path, tmp_path) -> None:
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    _failed_login_as_logged_before(manager, "mallory\x01")
    number = _customer(counter, 4)
    with counter.db.write() as conn:  # as stored before the validators refused it
        conn.execute(update(customer).where(customer.c.customer_no == number)
                     .values(name="王\x00小明", email="a\x01@x.com"))
    assert "王\ufffd小明" in texts(_portability(counter, manager, number))
    assert formulas(_access_report(manager, tmp_path)) == []
    out = tmp_path / "marketing.xlsx"
    approve_export(manager, request_export(manager, "marketing", "test"))  # issue 16 §3
    marketing.export_marketing_contacts(manager, out)
    assert "王\ufffd小明" in texts(out.read_bytes())


def test_every_list_export_is_neutralised() -> None:
    data, count = workbook_bytes("Customers", ["Name", "=Header"],
                                 [[HYPERLINK, 5], ["@SUM(A1)", -2], ["x\x02", "-7"]])
    assert count == 3 and formulas(data) == []
    book = load_workbook(io.BytesIO(data))
    assert book.active["B2"].value == 5 and book.active["B3"].value == -2  # numbers stay


@pytest.mark.parametrize("bad", ["王\x00小明", "Bob\x1b[2J", "Eve\u202eetal", "a\x85b"])
def test_names_with_control_characters_are_refused(login, bad) -> None:
    with pytest.raises(ValidationError) as refused:
        _customer(login(Role.COUNTER), 5, name=bad)
    assert refused.value.field == "name" and "control characters" in str(refused.value)
