"""Partners and disclosures (issue 16 §3): the register of external recipients, disclosures
refused without consent, a manager's legal basis or an agreement in force, the recipients
in the customer's access copy, and bulk exports that wait for a manager's approval."""

from __future__ import annotations

import os
import random
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import accounts
from app.compliance import disclosures, export_approvals, partners
from app.compliance.partner_tables import disclosure, export_approval
from app.customers.consents import record_consent
from app.customers.editing import NewCustomer, create_customer
from app.demo import sign_confidentiality
from app.errors import Conflict, PermissionDenied
from app.exports.xlsx import export_list
from app.rights import answers, copies, requests
from app.rights.marketing import export_marketing_contacts
from app.security.roles import Role
from app.store.schema import audit_event
from app.synthetic import person

from ..conftest import ADMIN_PW, PASSWORDS, _passwords_kept

YEAR = date.today().year
SHOTS = Path(os.environ["CUSTOS_SHOTS"]) if os.environ.get("CUSTOS_SHOTS") else None


@pytest.fixture
def agreement(tmp_path):
    path = tmp_path / "signed-agreement.pdf"
    path.write_bytes(b"%PDF-1.4 signed agreement with its confidentiality clause")
    return path


def new_customer(session, seed: int, sharing: bool) -> str:
    p = person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "marketing": True,
                                         "partner_sharing": sharing},
        email=p.email or "", province=p.address.province, city=p.address.city,
        district=p.address.district, street=p.address.street))


@pytest.fixture
def branch(login, agreement):
    """A manager, a counter clerk, a partner in force, one expired, and two customers: one
    who consented to sharing with partners and one who did not."""
    manager, counter = login(Role.MANAGER), login(Role.COUNTER)
    partners.add_partner(manager, "号码携转中心", "办理携号转网", agreement,
                         f"{YEAR - 1}-01-01", f"{YEAR + 1}-12-31",
                         purpose_en="Porting numbers to other operators",
                         scope="仅限携转所需信息，保密五年", items="name,phone")
    partners.add_partner(manager, "旧合作商", "账单打印", agreement, "2020-01-01", "2021-01-01",
                         items="name,address")
    return {"manager": manager, "counter": counter,
            "consenting": new_customer(counter, 1, True),
            "declining": new_customer(counter, 2, False)}


def _events(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(audit_event).where(audit_event.c.action == action)
                            .order_by(audit_event.c.seq)).all()


def _disclosures(session) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(disclosure)).scalar()


def test_the_register_shows_agreements_checks_and_expired_ones(branch, agreement):
    manager = branch["manager"]
    partners.record_check(manager, "号码携转中心", "抽查携转记录，未发现超范围使用")
    views = {v.name: v for v in partners.list_partners(manager)}
    porting, old = views["号码携转中心"], views["旧合作商"]
    assert porting.in_force and not old.in_force and old.valid_until == "2021-01-01"
    assert porting.sha256 == __import__("hashlib").sha256(agreement.read_bytes()).hexdigest()
    assert porting.last_finding.startswith("抽查") and porting.items == ("name", "phone")
    with manager.db.read() as conn:
        assert partners.registered_recipients(conn) == [
            ("号码携转中心", "办理携号转网", "Porting numbers to other operators")]
        tiles = partners.dashboard_tiles(conn, date.today())
    assert tiles[0].value == "1" and tiles[0].alarm and tiles[0].tab == "partners"
    partners.record_agreement(manager, "旧合作商", agreement, f"{YEAR}-01-01",
                              f"{YEAR + 2}-01-01")
    assert all(v.in_force for v in partners.list_partners(manager))
    with pytest.raises(PermissionDenied):
        partners.add_partner(branch["counter"], "X", "Y", agreement, "2020-01-01", "2030-01-01")


def test_a_disclosure_without_consent_is_refused_and_only_the_refusal_recorded(branch):
    counter, number = branch["counter"], branch["declining"]
    before = len(_events(counter, "disclosure.recorded"))
    with pytest.raises(Conflict, match="not consented"):
        disclosures.disclose(counter, number, "号码携转中心", "客户申请携号转网")
    assert _disclosures(counter) == 0
    assert len(_events(counter, "disclosure.recorded")) == before
    refused = _events(counter, "disclosure.refused")
    assert len(refused) == 1 and refused[0].customer_ref == number
    assert refused[0].outcome == "refused" and "no_consent" in refused[0].detail


def test_with_a_managers_legal_basis_it_goes_through(branch):
    manager, number = branch["manager"], branch["declining"]
    disclosures.disclose(manager, number, "号码携转中心", "公安机关协查",
                         legal_basis="《刑事诉讼法》第54条，协查通知书")
    with manager.db.read() as conn:
        row = conn.execute(select(disclosure)).one()
    assert row.legal_basis.startswith("《刑事诉讼法》") and row.consent_event_id is None
    assert row.data_items == "name,phone" and row.disclosed_by == "manager"
    (event,) = _events(manager, "disclosure.recorded")
    assert event.customer_ref == number and '"basis":"legal"' in event.detail


def test_a_counter_clerks_legal_basis_is_refused(branch):
    counter = branch["counter"]
    for number in (branch["declining"], branch["consenting"]):
        with pytest.raises(Conflict, match="Only a manager"):
            disclosures.disclose(counter, number, "号码携转中心", "协查", legal_basis="某法规")
    assert _disclosures(counter) == 0
    assert len(_events(counter, "disclosure.refused")) == 2


def test_consent_lets_counter_staff_disclose_until_it_is_withdrawn(branch):
    counter, number = branch["counter"], branch["consenting"]
    first = disclosures.disclose(counter, number, "号码携转中心", "客户申请携号转网",
                                 items="name,phone,services")
    assert first == 1
    record_consent(counter, number, "partner_sharing", False, "counter")
    with pytest.raises(Conflict, match="not consented"):
        disclosures.disclose(counter, number, "号码携转中心", "再次携转")
    assert _disclosures(counter) == 1


def test_an_expired_agreement_refuses_even_with_consent_or_a_legal_basis(branch):
    for session, basis in ((branch["counter"], ""), (branch["manager"], "依法协查")):
        with pytest.raises(Conflict, match="not in force"):
            disclosures.disclose(session, branch["consenting"], "旧合作商", "打印账单",
                                 legal_basis=basis)
    assert _disclosures(branch["manager"]) == 0


def _copy_text(login, number: str, lang: str, tmp_path) -> str:
    counter = login(Role.COUNTER)
    request_no = requests.take_request(counter, "access", number, "身份证原件已核验")
    requests.verify_identity(counter, request_no)
    answers.prepare_access_copy(counter, request_no, lang)
    path = tmp_path / f"copy-{number}-{lang}.pdf"
    path.write_bytes(copies.review_copy(login(Role.MANAGER), request_no).data)
    if SHOTS:
        (SHOTS / path.name).write_bytes(path.read_bytes())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_access_copy_lists_the_recipient_in_both_languages(branch, login, tmp_path):
    number = branch["consenting"]
    disclosures.disclose(branch["counter"], number, "号码携转中心", "客户申请携号转网")
    zh = _copy_text(login, number, "zh_CN", tmp_path)
    section = "".join(zh[zh.index("9. 您的数据提供给了谁"):zh.index("10. ")].split())
    assert "号码携转中心" in section and "姓名、电话号码" in section
    assert "您对向合作方提供数据的同意" in section and "客户申请携号转网" in section
    assert "向合作方提供数据" in zh[zh.index("8. "):zh.index("9. ")]  # the access log too
    en = _copy_text(login, number, "en", tmp_path)
    section = en[en.index("9. Who received your data"):en.index("10. ")]
    assert "号码携转中心" in section and "name, phone number" in section
    other = _copy_text(login, branch["declining"], "en", tmp_path)
    assert "We have not given your data to any partner." in other


def _second_manager(db_path, recovery_code) -> None:
    from app.accounts import access

    admin = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        accounts.add_user(admin, "manager2", [Role.MANAGER], PASSWORDS[Role.MANAGER])
        _passwords_kept(admin)
        sign_confidentiality(admin, "manager2")
        access.approve_with_recovery(admin, "manager2", recovery_code)
    finally:
        accounts.logout(admin)


def test_a_bulk_export_without_approval_is_refused_and_an_approval_writes_once(
        branch, login, tmp_path, db_path, recovery_code):
    manager = branch["manager"]
    out = tmp_path / "marketing.xlsx"
    with pytest.raises(Conflict, match="approval"):
        export_marketing_contacts(manager, out)
    assert not out.exists() and len(_events(manager, "export.blocked")) == 1
    _second_manager(db_path, recovery_code)
    number = export_approvals.request_export(manager, "marketing", "短信营销活动", rows=2)
    with pytest.raises(Conflict, match="Another manager"):
        export_approvals.approve_export(manager, number)
    asked = export_approvals.request_export(branch["counter"], "search", "客户清单", rows=900)
    with pytest.raises(PermissionDenied):  # whoever exports asks; only a manager decides
        export_approvals.approve_export(branch["counter"], asked)
    other = accounts.login(db_path, "manager2", PASSWORDS[Role.MANAGER])
    try:
        export_approvals.approve_export(other, number, note="同意，仅用于本次活动")
    finally:
        accounts.logout(other)
    assert export_marketing_contacts(manager, out) == 2 and out.exists()
    out.unlink()
    with pytest.raises(Conflict, match="approval"):
        export_marketing_contacts(manager, out)  # an approval writes one file
    view = {a.number: a for a in export_approvals.list_approvals(manager)}[number]
    assert view.state == "used" and view.rows_written == 2 and view.decided_by == "manager2"


def test_a_lone_manager_approves_their_own_request_on_record(branch, tmp_path):
    manager = branch["manager"]
    number = export_approvals.request_export(manager, "marketing", "年度回访")
    export_approvals.approve_export(manager, number)
    assert '"own_request":true' in _events(manager, "export.approved")[0].detail
    assert export_marketing_contacts(manager, tmp_path / "m.xlsx") == 2


def test_list_exports_beyond_the_size_need_an_approval(branch, tmp_path):
    manager = branch["manager"]
    export_approvals.set_export_limit(manager, 3)
    rows = [(i, "x") for i in range(4)]
    assert export_list(manager, "audit", "Log", ["a", "b"], rows[:3], tmp_path / "a.xlsx") == 3
    with pytest.raises(Conflict, match="4 rows"):
        export_list(manager, "audit", "Log", ["a", "b"], rows, tmp_path / "b.xlsx")
    assert not (tmp_path / "b.xlsx").exists()
    number = export_approvals.request_export(manager, "audit", "季度审计", rows=4)
    export_approvals.approve_export(manager, number)
    more = rows + [(9, "x")]  # an approval of 4 rows never lets 5 through
    with pytest.raises(Conflict, match="5 rows"):
        export_list(manager, "audit", "Log", ["a", "b"], more, tmp_path / "c.xlsx")
    assert export_list(manager, "audit", "Log", ["a", "b"], rows, tmp_path / "b.xlsx") == 4


def test_declined_and_lapsed_approvals_write_nothing(branch, tmp_path):
    from app import clock

    manager = branch["manager"]
    declined = export_approvals.request_export(manager, "marketing", "营销")
    export_approvals.decline_export(manager, declined, "不符合营销同意范围")
    with pytest.raises(Conflict, match="already decided"):
        export_approvals.approve_export(manager, declined)
    with clock.set_back(timedelta(days=export_approvals.VALID_DAYS + 1)):
        lapsing = export_approvals.request_export(manager, "marketing", "营销")
        export_approvals.approve_export(manager, lapsing)
    with pytest.raises(Conflict, match="approval"):
        export_marketing_contacts(manager, tmp_path / "m.xlsx")
    states = {a.number: a.state for a in export_approvals.list_approvals(manager)}
    assert states == {declined: "declined", lapsing: "lapsed"}


def test_period_summary_gathers_the_months_partner_work(branch):
    manager = branch["manager"]
    disclosures.disclose(branch["counter"], branch["consenting"], "号码携转中心", "携转")
    partners.record_check(manager, "号码携转中心", "现场检查合格")
    export_approvals.request_export(manager, "audit", "季度审计", rows=800)
    today = date.today()
    with manager.db.read() as conn:
        rows = partners.period_summary(conn, today.replace(day=1), today)
        with_old = partners.period_summary(conn, date(2020, 12, 1), date(2021, 1, 31))
    kinds = sorted(r["kind"] for r in rows)
    assert kinds == ["check", "disclosure", "export"]
    (d,) = [r for r in rows if r["kind"] == "disclosure"]
    assert d["customer_no"] == branch["consenting"] and d["legal_basis"] == ""
    assert [r["kind"] for r in with_old] == ["agreement_ended"]
    with manager.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(export_approval)).scalar() == 1


def test_a_branch_without_partners_shows_no_tile(login):
    with login(Role.MANAGER).db.read() as conn:
        assert partners.dashboard_tiles(conn, date.today()) == []
        assert partners.registered_recipients(conn) == []


def test_an_access_log_pdf_beyond_the_size_waits_for_an_approval(branch):
    from app.exports.log_pdf import access_log_pdf
    from app.pdf import PageFrame

    manager = branch["manager"]
    frame = PageFrame("Branch", "Access log", "manager", "2026-12-01 10:00", "en")
    rows = [[str(i), "t", "u", "a", "r", "C1", "p", "d"] for i in range(501)]
    with pytest.raises(Conflict, match="501 rows"):
        access_log_pdf(manager, ["No."] * 8, rows, 501, "all", frame)
    assert access_log_pdf(manager, ["No."] * 8, rows[:500], 501, "all", frame)[:4] == b"%PDF"
    export_approvals.approve_export(manager, export_approvals.request_export(
        manager, "audit", "监管检查", rows=501))
    assert access_log_pdf(manager, ["No."] * 8, rows, 501, "all", frame)[:4] == b"%PDF"


def test_the_register_prints_in_both_languages(branch, tmp_path):
    from app.compliance.partner_register import register_pdf

    manager = branch["manager"]
    partners.record_check(manager, "号码携转中心", "抽查携转记录，未发现超范围使用")
    texts = {}
    for lang in ("zh_CN", "en"):
        path = tmp_path / f"register-{lang}.pdf"
        path.write_bytes(register_pdf(manager, lang))
        if SHOTS:
            (SHOTS / path.name).write_bytes(path.read_bytes())
        texts[lang] = "".join(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                             capture_output=True, text=True).stdout.split())
    assert "对外提供信息的合作方登记表" in texts["zh_CN"] and "已失效" in texts["zh_CN"]
    assert "抽查携转记录" in texts["zh_CN"] and "姓名、电话号码" in texts["zh_CN"]
    assert "Registerofexternalrecipients" in texts["en"]
    assert "Portingnumberstootheroperators" in texts["en"] and "NOTINFORCE" in texts["en"]
    assert len(_events(manager, "partner.register_printed")) == 2
