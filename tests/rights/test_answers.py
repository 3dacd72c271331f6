"""The answers: access copy content, portability schema, erasure split, marketing export."""

from __future__ import annotations

import io
import json
import random
import subprocess
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.compliance.export_approvals import approve_export, request_export
from app.customers.cases import move_case, open_case
from app.customers.tables import consent_event, consumption, customer, service
from app.errors import Conflict, ValidationError
from app.i18n import set_language
from app.rights import answers, copies, erasure, marketing, requests
from app.rights.model import OPEN_STATES
from app.rights.tables import rights_request
from app.security.roles import Role
from app.store.fields import open_row


def _take(session, kind, customer_no):
    number = requests.take_request(session, kind, customer_no, "resident ID card checked")
    requests.verify_identity(session, number)
    return number


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True).stdout


@pytest.fixture
def rich_customer(login):
    """A demo-style customer with services, months, cases and consents."""
    from app.demo_records import fill_records

    manager = login(Role.MANAGER)
    fill_records(manager, 3, random.Random(5))
    return "C000000001"  # the first generated customer carries five years of history


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_access_copy_has_every_section_and_value(login, rich_customer, tmp_path, lang):
    counter = login(Role.COUNTER)
    n = _take(counter, "access", rich_customer)
    answers.prepare_access_copy(counter, n, lang)
    text = _pdf_text(copies.review_copy(login(Role.MANAGER), n).data, tmp_path)
    with counter.db.read() as conn:
        c = SimpleNamespace(**open_row(counter.db.fields, "customer", conn.execute(
            select(customer).where(customer.c.customer_no == rich_customer)).first()))
        sids = [r.id for r in conn.execute(select(service.c.id)
                                           .where(service.c.customer_id == c.id))]
        months = conn.execute(select(consumption).where(consumption.c.service_id.in_(sids))
                              ).all()
    for value in (c.name, c.id_number, c.phone, c.customer_no, n):
        assert value in text
    assert len(months) >= 60
    assert all(m.period in text for m in months)
    headings = {"zh_CN": ["身份", "业务", "消费与账单", "服务工单", "纸质档案", "同意",
                          "访问日志", "您的权利", "如何投诉"],
                "en": ["Identity", "Services", "Consumption and billing", "Service cases",
                       "Paper files", "Consents", "Access log", "Your rights",
                       "How to complain"]}[lang]
    for heading in headings:
        assert heading in text, heading
    assert "12300" in text


def test_password_protected_copy(login, rich_customer, tmp_path):
    counter = login(Role.COUNTER)
    n = _take(counter, "access", rich_customer)
    doc = answers.prepare_access_copy(counter, n, "en", protect=True)
    path = tmp_path / "p.pdf"
    path.write_bytes(copies.review_copy(login(Role.MANAGER), n).data)
    locked = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert locked.returncode != 0
    opened = subprocess.run(["pdftotext", "-upw", doc.password, str(path), "-"],
                            capture_output=True, text=True)
    assert opened.returncode == 0 and rich_customer in opened.stdout


def test_portability_schema(login, rich_customer):
    counter = login(Role.COUNTER)
    n = _take(counter, "portability", rich_customer)
    answers.prepare_portability(counter, n)
    z = zipfile.ZipFile(io.BytesIO(copies.review_copy(login(Role.MANAGER), n).data))
    assert sorted(z.namelist()) == ["README.txt", "data.json", "data.xlsx"]
    payload = json.loads(z.read("data.json"))
    assert payload["schema"] == "custos.portable" and payload["schema_version"] == 1
    assert set(payload) == {"schema", "schema_version", "generated_at", "customer", "services",
                            "consumption", "payments", "cases", "consents", "paper_files",
                            "requests"}
    assert payload["customer"]["customer_no"] == rich_customer
    assert all(isinstance(m["billed_fen"], int) for m in payload["consumption"])
    book = load_workbook(io.BytesIO(z.read("data.xlsx")), read_only=True)
    assert "consumption" in book.sheetnames and "customer" in book.sheetnames
    others = {r["customer_no"] for r in [payload["customer"]]}
    assert others == {rich_customer}  # nobody else's data


def test_erasure_keeps_what_law_requires_and_is_irreversible(login, rich_customer):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "erasure", rich_customer)
    with manager.db.read() as conn:
        c = SimpleNamespace(**open_row(manager.db.fields, "customer", conn.execute(
            select(customer).where(customer.c.customer_no == rich_customer)).first()))
        months_before = conn.execute(select(consumption).join(service).where(
            service.c.customer_id == c.id)).all()
    plan = erasure.erasure_plan(counter, n)
    if plan.blocked:  # the demo customer may hold open complaints: resolve them first
        from app.customers.cases import list_cases

        for case in list_cases(manager, customer_no=rich_customer, status=None):
            if case.kind == "complaint" and case.status in ("open", "in_progress", "reopened"):
                move_case(manager, case.case_no, "resolved", resolution="handled")
        plan = erasure.erasure_plan(counter, n)
    assert plan.blocked is None
    assert any(item.until for item in plan.keep)
    with pytest.raises(ValidationError):
        erasure.erase_customer(manager, n, confirm=False)
    erasure.erase_customer(manager, n, confirm=True)
    with manager.db.read() as conn:
        after = SimpleNamespace(**open_row(manager.db.fields, "customer", conn.execute(
            select(customer).where(customer.c.id == c.id)).first()))
        months_after = conn.execute(select(consumption).join(service).where(
            service.c.customer_id == c.id)).all()
        ledger = conn.execute(select(consent_event).where(consent_event.c.customer_id == c.id)
                              ).all()
    assert after.name == "(erased)" and after.phone == "" and after.erased_at
    assert c.id_number not in (after.id_number or "")
    assert len(months_after) == len(months_before)  # billing kept under the number
    assert ledger  # consent history kept
    # irreversible: no edit, no export, no second erasure
    from app.customers.editing import update_identity

    counter.purposes[rich_customer] = "rights_request"
    with pytest.raises(Conflict, match="erased"):
        update_identity(counter, rich_customer, {"name": "张三"}, "trying to restore")
    with pytest.raises(Conflict, match="erased"):
        requests.take_request(counter, "access", rich_customer, "ID card checked")


def test_erasure_refused_under_legal_hold_or_open_complaint(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "erasure", customer_no)
    case = open_case(counter, customer_no, "complaint", "counter", "bill dispute")
    with pytest.raises(Conflict, match="open complaint"):
        erasure.erase_customer(manager, n, confirm=True)
    move_case(manager, case, "resolved", resolution="explained the bill")
    with manager.db.write() as conn:
        conn.execute(customer.update().where(customer.c.customer_no == customer_no)
                     .values(legal_hold_reason="court order 2026-17"))
    with pytest.raises(Conflict, match="legal hold"):
        erasure.erase_customer(manager, n, confirm=True)
    with manager.db.read() as conn:
        assert conn.execute(select(customer.c.erased_at).where(
            customer.c.customer_no == customer_no)).scalar() is None


def test_marketing_export_exclusions(login, tmp_path):
    from app.demo_records import fill_records

    manager = login(Role.MANAGER)
    fill_records(manager, 120, random.Random(9))
    with manager.db.read() as conn:
        listed = {r[0] for r in marketing.marketing_contacts(conn, manager.db.fields)}
        rows = conn.execute(select(customer)).all()
        ledger = conn.execute(select(consent_event).where(consent_event.c.purpose ==
                                                          "marketing")
                              .order_by(consent_event.c.id)).all()
        latest = {e.customer_id: e.granted for e in ledger}
        # The generated branch has open objections, withdrawals, restrictions and erasures
        # too: each excludes at once.
        objecting = set(conn.execute(select(rights_request.c.customer_id).where(
            rights_request.c.kind.in_(["object_marketing", "withdraw_consent", "restriction",
                                       "erasure"]),
            rights_request.c.status.in_([s.value for s in OPEN_STATES]))).scalars())
    expected = {r.customer_no for r in rows if latest.get(r.id) and r.status == "active"
                and r.restricted_at is None and r.id not in objecting}
    assert listed == expected and listed
    # an open objection excludes at once, before it is even applied
    counter = login(Role.COUNTER)
    some = sorted(listed)[0]
    requests.take_request(counter, "object_marketing", some, "ID card checked")
    with manager.db.read() as conn:
        assert some not in {r[0] for r in marketing.marketing_contacts(conn, manager.db.fields)}
    out = tmp_path / "m.xlsx"
    approve_export(manager, request_export(manager, "marketing", "test"))  # issue 16 §3
    count = marketing.export_marketing_contacts(manager, out)
    sheet = load_workbook(out).active
    assert sheet.max_row == count + 1 and sheet.freeze_panes == "A2"
    set_language("en")
