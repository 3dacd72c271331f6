"""The partners' CLI contract: `custos partner add|agreement|check|list`, `custos disclose`
and `custos bulk-export request|approve|decline|list|marketing|limit`; refusals are one
sentence and exit 1."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from app.security.roles import Role

from .test_partners import new_customer

YEAR = date.today().year


def test_partners_disclosures_and_exports_from_the_command_line(run, login, tmp_path):
    number = new_customer(login(Role.COUNTER), 9, sharing=False)
    signed = tmp_path / "agreement.pdf"
    signed.write_bytes(b"signed and stamped")
    add = ["partner", "add", "号码携转中心", "--purpose", "办理携号转网", "--agreement",
           str(signed), "--from", f"{YEAR - 1}-01-01", "--until", f"{YEAR + 1}-12-31"]
    assert run(Role.COUNTER, *add)[0] == 1  # a manager keeps the register
    assert run(Role.MANAGER, *add)[0] == 0
    code, _out, err = run(Role.MANAGER, *add)
    assert code == 1 and err.strip() == "custos: A partner named 号码携转中心 is already " \
        "registered."
    assert run(Role.MANAGER, "partner", "check", "号码携转中心", "--finding", "抽查合格")[0] == 0
    code, out, _err = run(Role.MANAGER, "partner", "list")
    name, state, dates, purpose, items, digest, checked, count = out.strip().split("\t")
    assert (name, state, purpose, items, count) == ("号码携转中心", "in force", "办理携号转网",
                                                    "name,phone", "0")
    assert dates == f"{YEAR - 1}-01-01..{YEAR + 1}-12-31" and checked == date.today().isoformat()

    pdf = tmp_path / "partners.pdf"
    assert run(Role.MANAGER, "partner", "print", "--out", str(pdf), "--lang", "zh_CN")[0] == 0
    assert pdf.read_bytes()[:4] == b"%PDF"

    disclose = ["disclose", number, "--partner", "号码携转中心", "--purpose", "携号转网"]
    code, out, err = run(Role.COUNTER, *disclose)
    assert code == 1 and out == "" and "has not consented" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _out, err = run(Role.COUNTER, *disclose, "--legal-basis", "某法规")
    assert code == 1 and "Only a manager" in err
    code, out, _err = run(Role.MANAGER, *disclose, "--legal-basis", "协查通知书")
    assert code == 0 and out.strip() == "1"

    out_file = tmp_path / "marketing.xlsx"
    code, _out, err = run(Role.MANAGER, "bulk-export", "marketing", "--out", str(out_file))
    assert code == 1 and "approval" in err and not out_file.exists()
    code, out, _err = run(Role.MANAGER, "bulk-export", "request", "marketing", "--reason",
                          "年度回访")
    approval = out.strip()
    assert code == 0 and approval == "1"
    assert run(Role.MANAGER, "bulk-export", "approve", approval)[0] == 0  # the only manager
    code, out, _err = run(Role.MANAGER, "bulk-export", "marketing", "--out", str(out_file))
    assert code == 0 and "1 customers" in out
    assert load_workbook(out_file).active.max_row == 2
    code, out, _err = run(Role.MANAGER, "bulk-export", "list")
    assert out.split("\t")[:3] == ["1", "marketing", "used"]
    assert run(Role.COUNTER, "bulk-export", "limit", "100")[0] == 1
    assert run(Role.MANAGER, "bulk-export", "limit", "100")[0] == 0
