"""`make reliability`: any text, through every exporter, gives a workbook that opens, holds no
formula, and keeps numbers as numbers; the input rule refuses what the exporters would have
to replace. (Property tests: 2,000 examples each under the reliability profile.)"""

from __future__ import annotations

import io
import json
import random
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import update

from app import synthetic
from app.compliance.export_approvals import approve_export, request_export
from app.customers.editing import NewCustomer, create_customer
from app.customers.tables import customer
from app.errors import ValidationError
from app.exports.cells import FORMULA_STARTS, safe_cell
from app.exports.xlsx import workbook_bytes
from app.imports.run import Rejected, error_workbook
from app.reports.model import Chart, Report, Table
from app.reports.render import to_xlsx
from app.rights import answers, marketing
from app.security.roles import Role
from app.text import printable

# Any text, weighted towards what attacks a spreadsheet: formula starts, controls, CJK.
hostile = st.one_of(
    st.text(),
    st.tuples(st.sampled_from([*FORMULA_STARTS, "", "'", " ", "\x00", "\x1b"]),
              st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
    .map("".join),
    st.sampled_from(['=HYPERLINK("http://x","a")', "=1+1@x.com", "+cmd|' /C calc'!A0",
                     "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "王\x00小明", "mallory\x01"]),
)
numbers = st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=False,
                                                            allow_infinity=False))


def check(data: bytes) -> list[object]:
    """Open the workbook; no cell a formula or formula-like text; returns every value."""
    book = load_workbook(io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not ILLEGAL_CHARACTERS_RE.search(cell.value)
                    assert cell.value == safe_cell(cell.value) or cell.value.startswith("'")
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.value.lstrip("+-").replace(".", "").isdigit()
                values.append(cell.value)
    return values


@given(st.lists(st.lists(st.one_of(hostile, numbers), min_size=1, max_size=4), max_size=5),
       hostile)
def test_list_export(rows, header) -> None:
    data, count = workbook_bytes("List", [header, "b", "c", "d"], rows)
    assert count == len(rows)
    values = check(data)
    for row in rows:  # numbers stay numbers
        for v in row:
            if isinstance(v, int) and not isinstance(v, bool):
                assert v in values


@given(st.lists(hostile, min_size=1, max_size=4), hostile, hostile, numbers)
def test_report(actors, branch, note, value) -> None:
    report = Report("access", "Access-log summary", "2026-11", branch, actors[0], "now", "en",
                    summary=[(note, value)],
                    charts=[Chart("By user", actors, {"Opened": [1.0] * len(actors)})],
                    tables=[Table("Events", ["User", "Action", "Events"],
                                  [[a, note, 3] for a in actors])])
    check(to_xlsx(report))


@given(hostile, hostile, hostile)
def test_portability_workbook(name, email, summary) -> None:
    payload = {"customer": {"name": name, "email": email, "phone": "+86 138 0000 0000"},
               "services": [], "consumption": [{"billed_fen": -5}], "payments": [],
               "cases": [{"summary": summary, "extra": {"k": name}}], "consents": [],
               "paper_files": [], "requests": [], "schema": "custos.portable",
               "schema_version": 1, "generated_at": "now"}
    z = zipfile.ZipFile(io.BytesIO(answers.portable_zip(payload)))
    assert json.loads(z.read("data.json"))["customer"]["name"] == name  # JSON keeps the text
    assert -5 in check(z.read("data.xlsx"))


@given(st.lists(st.tuples(hostile, hostile), min_size=1, max_size=3))
def test_import_error_workbook(tmp_path_factory, rejected) -> None:
    out = tmp_path_factory.mktemp("errors") / "errors.xlsx"
    error_workbook([Rejected(i + 2, c, r) for i, (c, r) in enumerate(rejected)], out)
    check(out.read_bytes())


@given(hostile)
def test_the_input_rule_refuses_what_exports_would_replace(text) -> None:
    try:
        printable(text, "name", multiline=True)
    except ValidationError:
        return
    assert not ILLEGAL_CHARACTERS_RE.search(text)


def test_old_data_through_the_database_exporters(login, tmp_path) -> None:
    """Stored before the validators refused it: the real exports still open, formula-free."""
    manager = login(Role.MANAGER)
    p = synthetic.person(random.Random(3))
    number = create_customer(manager, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "marketing": True}))

    @settings(max_examples=40, deadline=None)
    @given(name=hostile, email=hostile)
    def export(name, email) -> None:
        with manager.db.write() as conn:
            conn.execute(update(customer).where(customer.c.customer_no == number)
                         .values(name=name, email=email))
        out = tmp_path / "marketing.xlsx"
        approve_export(manager, request_export(manager, "marketing", "test"))  # issue 16 §3
        assert marketing.export_marketing_contacts(manager, out) == 1
        check(out.read_bytes())

    export()
