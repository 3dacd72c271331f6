"""A customer's own access copy in Chinese reads in Chinese: its access log (section 8)
lists who looked at or changed their data in words, staff by role, and `pdftotext` finds no
program code and no English sentence outside the customer's own data."""

from __future__ import annotations

import random
import re
import subprocess
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import audit_actions
from app.archive import loans, registry
from app.customers.cases import list_cases, move_case, open_case
from app.customers.records import open_customer, reveal_field
from app.customers.tables import customer
from app.pdf import Paragraph, headings_kept_with_text, styles
from app.rights import answers, copies, requests
from app.security.roles import Role
from app.store import schema
from app.store.fields import open_row

CODE = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b")      # case.listed, counter_service, on_loan
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,})+\b")  # two English words on


@pytest.fixture
def lived_customer(login):
    """A demo customer whose data was looked at and changed at the counter and in the
    archive room: record opened, a field revealed, cases listed, a file lent and back."""
    from app.demo_records import fill_records

    manager, counter, archive = login(Role.MANAGER), login(Role.COUNTER), login(Role.ARCHIVE)
    fill_records(manager, 3, random.Random(5))
    number = "C000000001"
    open_customer(counter, number, "counter_service")
    reveal_field(counter, number, "phone", "客户要求核对号码")
    list_cases(counter, customer_no=number)
    file_no = registry.register_file(archive, "service_agreement", number, box="B-01")
    registry.get_file(archive, file_no)
    loans.lend(archive, file_no, "counter", "柜台核对协议")
    loans.return_file(archive, file_no, "intact")
    return number


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _own_data(session, number: str) -> list[str]:
    """What of the customer's own data may be in Latin letters (pinyin, email)."""
    with session.db.read() as conn:
        c = SimpleNamespace(**open_row(session.db.fields, "customer", conn.execute(
            select(customer).where(customer.c.customer_no == number)).first()))
    return [v for v in (c.name_pinyin, c.email) if v]


def test_a_chinese_access_copy_has_no_program_code_and_no_english(login, lived_customer,
                                                                  tmp_path):
    counter = login(Role.COUNTER)
    with counter.db.write() as conn:  # the footer names who prepared the copy: by name
        conn.execute(schema.user.update().where(schema.user.c.username == "counter")
                     .values(display_name="王芳"))
    counter = login(Role.COUNTER)  # a session takes its name at login
    request_no = requests.take_request(counter, "access", lived_customer, "身份证原件已核验")
    requests.verify_identity(counter, request_no)
    answers.prepare_access_copy(counter, request_no, "zh_CN")
    text = _text(copies.review_copy(login(Role.MANAGER), request_no).data, tmp_path)
    for value in _own_data(counter, lived_customer):
        text = text.replace(value, "")
    text = re.sub(r"\S*@\S+", "", text)  # an email a cell may have wrapped
    assert "访问日志" in text and "营业员" in text and "档案管理员" in text
    for words in ("查看客户资料", "查看屏蔽字段：电话", "查看工单列表", "档案借出", "档案归还",
                  "开户时"):
        assert words in text, words
    assert CODE.findall(text) == []
    assert ENGLISH.findall(text) == []
    assert "counter" not in text and "archive" not in text  # no login either


def test_internal_events_stay_out_of_the_copy():
    shown = {a.code for a in audit_actions.ACTIONS.values() if a.in_copy}
    assert {"customer.opened", "customer.revealed", "file.viewed", "loan.lent",
            "loan.returned", "case.listed", "request.received"} <= shown
    assert not shown & {"customer.legal_hold", "loan.slip_printed", "file.label_printed",
                        "loan.approved", "destruction.proposed", "login", "export.audit"}


def test_the_copy_keeps_dates_and_words_whole_and_names_columns_for_what_they_hold(
        login, lived_customer, tmp_path):
    counter = login(Role.COUNTER)
    case_no = open_case(counter, lived_customer, "inquiry", "counter", "咨询积分兑换")
    move_case(counter, case_no, "resolved", resolution="已答复")
    move_case(counter, case_no, "reopened")
    request_no = requests.take_request(counter, "access", lived_customer, "身份证原件已核验")
    requests.verify_identity(counter, request_no)
    answers.prepare_access_copy(counter, request_no, "zh_CN")
    text = _text(copies.review_copy(login(Role.MANAGER), request_no).data, tmp_path)
    row = next(line for line in text.splitlines() if case_no in line)  # section 4 first
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s+已重新打开\s", row)  # one line each
    files = text[text.index("6. 纸质档案"):text.index("7. ")]
    assert "接收日期" in files and "已受理" not in files  # a date, not a request's status


def test_a_heading_never_ends_a_page_alone():
    st = styles()
    story = [Paragraph("text", st["body"]), Paragraph("4. 服务工单", st["h1"]),
             Paragraph("缴费记录", st["h2"])]
    kept = headings_kept_with_text(story)
    assert [type(f).__name__ for f in kept] == ["Paragraph", "CondPageBreak", "Paragraph",
                                                "CondPageBreak", "Paragraph"]
