"""Reports are tested for content: their figures match the records, both formats agree."""

from __future__ import annotations

import io
import random
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.customers.cases import open_case
from app.customers.tables import service_case
from app.demo_records import fill_records
from app.errors import PermissionDenied, ValidationError
from app.reports.builders import month_bounds
from app.reports.render import to_pdf, to_xlsx
from app.reports.service import build_report, write_report
from app.security.roles import Role
from app.store import schema

PERIOD = date.today().strftime("%Y-%m")


@pytest.fixture
def manager(login):
    session = login(Role.MANAGER)
    fill_records(session, 150, random.Random(11))
    return session


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert all(" yes " in row for row in fonts.splitlines()[2:]), fonts
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True).stdout


def test_case_report_figures_match_the_records(manager, tmp_path):
    # One case opened now: on the first days of a month the demo may have none in it yet.
    open_case(manager, "C000000001", "inquiry", "counter", "Asked about the monthly report")
    report = build_report(manager, "cases", PERIOD, "en")
    start, end, _f, _n = month_bounds(PERIOD)
    with manager.db.read() as conn:
        opened = conn.execute(select(func.count()).select_from(service_case).where(
            service_case.c.created_at >= start, service_case.c.created_at < end)).scalar()
    summary = dict(report.summary)
    assert summary["Cases opened"] == opened > 0
    by_kind = report.tables[0]
    assert sum(row[1] for row in by_kind.rows) == opened
    assert len(report.charts[0].categories) == 12 and report.charts[0].categories[-1] == PERIOD
    text = _pdf_text(to_pdf(report), tmp_path)
    assert "Monthly service-case report" in text and PERIOD in text and "Page 1 of" in text
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert book["Summary"]["A1"].value == "Monthly service-case report"
    assert book["Chart 1"]._charts and book["By kind"].max_row == 6


@pytest.mark.parametrize("name", ["requests", "archive", "access", "permissions",
                                  "compliance"])
def test_every_report_in_both_formats_and_languages(manager, tmp_path, name):
    for lang in ("en", "zh_CN"):
        report = build_report(manager, name, PERIOD, lang)
        assert report.summary and report.tables
        text = _pdf_text(to_pdf(report), tmp_path)
        assert report.title in text.replace("\n", " ") or report.title[:6] in text
        for table in report.tables:
            assert table.heading[:4] in text
        book = load_workbook(io.BytesIO(to_xlsx(report)))
        assert len(book.sheetnames) >= 1 + len(report.tables)


def test_access_summary_counts_events_by_user(manager):
    report = build_report(manager, "access", PERIOD, "en")
    events = dict(report.summary)["Events"]
    assert events == sum(row[2] for row in report.tables[0].rows) > 0


def test_write_report_checks_its_arguments(manager, login, tmp_path):
    out = write_report(manager, "permissions", PERIOD, tmp_path / "p.xlsx")
    assert out.exists()
    with pytest.raises(ValidationError):
        write_report(manager, "cases", "2026-13", tmp_path / "x.pdf")
    with pytest.raises(ValidationError):
        write_report(manager, "cases", PERIOD, tmp_path / "x.docx")
    with pytest.raises(PermissionDenied):
        write_report(login(Role.COUNTER), "cases", PERIOD, tmp_path / "x.pdf")


@pytest.mark.parametrize("name", ["cases", "requests", "archive", "access", "permissions",
                                  "compliance"])
def test_a_quiet_month_still_gives_both_formats(login, tmp_path, name):
    """A new branch's first month has nothing to chart: the report says so instead of failing."""
    session = login(Role.MANAGER)
    first = date.today().replace(day=1)
    last_month = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    report = build_report(session, name, last_month.strftime("%Y-%m"), "en")
    assert "Page 1 of" in _pdf_text(to_pdf(report), tmp_path)
    load_workbook(io.BytesIO(to_xlsx(report)))


def test_access_summary_names_staff_and_actions_in_words(manager):
    with manager.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == "manager")
                     .values(display_name="张敏"))
    rows = build_report(manager, "access", PERIOD, "zh_CN").tables[0].rows
    assert ["张敏", "生成演示数据", 1] in rows
    assert not any("." in str(r[1]) or r[0] == "manager" for r in rows)
