"""The information notice: the five questions, from the same register as the access copy."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from app.rights import answers, copies, notice, requests
from app.rights.register import FACT_KEYS, load_register, register_facts
from app.security.roles import Role

from .test_answers import _take


def _flat(data: bytes, tmp_path) -> str:
    """The PDF's text without any whitespace: lines wrap differently in a table and in a
    key-value list, the words do not change."""
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def _facts(session, lang) -> list[str]:
    with session.db.read() as conn:
        entries = load_register(conn)
    return [re.sub(r"\s+", "", register_facts(e, lang)[k][1]) for e in entries
            for k in FACT_KEYS]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_notice_and_access_copy_print_the_same_register(login, customer_no, tmp_path, lang):
    counter = login(Role.COUNTER)
    notice_text = _flat(answers.information_notice(counter, lang), tmp_path)
    n = _take(counter, "access", customer_no)
    answers.prepare_access_copy(counter, n, lang)
    copy_text = _flat(copies.review_copy(login(Role.MANAGER), n).data, tmp_path)
    facts = _facts(counter, lang)
    assert len(facts) == 7 * len(FACT_KEYS)
    missing_notice = [f for f in facts if f not in notice_text]
    missing_copy = [f for f in facts if f not in copy_text]
    assert not missing_notice and not missing_copy, (missing_notice, missing_copy)


@pytest.mark.parametrize("lang, words", [
    ("en", ["1.Whichdatawehold", "2.Whatweuseitfor", "Usesyoumaydecline", "Howtodecline",
            "Marketingcontact", "Sharingwithpartners", "Analyticsandprofiling",
            "3.Whoreceivesit", "4.Howlongwekeepit", "5.Howcomplaintsarehandled", "12300",
            "mobilenumber", "withdrawyourconsent"]),
    ("zh_CN", ["一、我们保存哪些数据", "二、我们用这些数据做什么", "您可以拒绝的用途", "营销联系",
               "与合作方共享", "分析与画像", "三、谁会收到这些数据", "四、我们保存多久",
               "五、如何处理投诉", "12300", "手机号码", "撤回同意"]),
])
def test_notice_answers_the_five_questions(login, tmp_path, lang, words):
    text = _flat(answers.information_notice(login(Role.COUNTER), lang), tmp_path)
    for word in words:
        assert word in text, word


def test_registered_partners_are_named(login, tmp_path):
    manager = login(Role.MANAGER)
    with manager.db.read() as conn:
        entries = load_register(conn)
    fake = [("Acme Billing Co.", "受托计费", "Billing on our behalf")]
    branch = {"branch_name": "Test branch"}
    with_partner = _flat(notice.render(entries, "en", branch, generated_by="t",
                                       partners=fake), tmp_path)
    assert "AcmeBillingCo." in with_partner and "Billingonourbehalf" in with_partner
    zh = _flat(notice.render(entries, "zh_CN", branch, generated_by="t", partners=fake),
               tmp_path)
    assert "受托计费" in zh
    none = _flat(notice.render(entries, "en", branch, generated_by="t"), tmp_path)
    assert "nopartneroutsidethebranch" in none and "Acme" not in none


def test_notice_as_answer_and_in_the_period_summary(login, customer_no, tmp_path):
    counter = login(Role.COUNTER)
    n = _take(counter, "information", customer_no)
    answers.information_notice(counter, "en", n)
    answers.information_notice(counter, "zh_CN")
    request = requests.get_request(counter, n)
    assert [a.kind for a in request.artefacts] == ["notice"]
    requests.complete(login(Role.MANAGER), n)
    with counter.db.read() as conn:
        rows = notice.period_summary(conn, date.today(), date.today())
        earlier = notice.period_summary(conn, date(2020, 1, 1), date(2020, 1, 31))
    assert [(r.what, r.request_no) for r in rows] == [("notice_answer", n),
                                                      ("notice_printed", "")]
    assert rows[0].customer_no == customer_no and earlier == []


def test_the_printed_notice_names_the_partners_of_the_register(login, tmp_path):
    """Wired end to end: a partner registered with an agreement in force is named by the
    notice the counter prints; one whose agreement has ended is not."""
    from datetime import timedelta

    from app.compliance.partners import add_partner

    manager = login(Role.MANAGER)
    signed = tmp_path / "agreement.pdf"
    signed.write_bytes(b"%PDF-1.4 signed agreement")
    today = date.today()
    add_partner(manager, "Acme Billing Co.", "受托计费", signed,
                (today - timedelta(days=30)).isoformat(), (today + timedelta(days=300)).isoformat(),
                purpose_en="Billing on our behalf")
    add_partner(manager, "Old Print Shop", "账单印刷", signed,
                (today - timedelta(days=400)).isoformat(), (today - timedelta(days=10)).isoformat(),
                purpose_en="Printing bills")
    text = _flat(answers.information_notice(login(Role.COUNTER), "en"), tmp_path)
    assert "AcmeBillingCo." in text and "Billingonourbehalf" in text
    assert "OldPrintShop" not in text
