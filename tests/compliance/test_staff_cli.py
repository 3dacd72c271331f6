"""The staff CLI contract: `custos staff agreement USER --signed YYYY-MM-DD --document FILE`,
`custos staff training --date YYYY-MM-DD --topic TEXT --attendees USER,USER`, `custos staff
list` (one line per account), `custos staff print --out FILE.pdf` and `custos staff period
MONTHS`; refusals are one sentence and exit 1."""

from __future__ import annotations

from datetime import date, timedelta

from app import accounts
from app.security.roles import Role

TODAY = date.today().isoformat()


def _lines(out: str) -> dict[str, list[str]]:
    return {line.split("\t")[0]: line.split("\t") for line in out.strip().splitlines()}


def test_agreements_training_and_the_list(run, login, tmp_path):
    signed = tmp_path / "clerk2.pdf"
    signed.write_bytes(b"signed at the branch")
    accounts.add_user(login(Role.ADMIN), "clerk2", [Role.COUNTER], "clerk2-first-password",
                      display_name="周一")
    code, out, _err = run(Role.MANAGER, "staff", "list")
    listed = _lines(out)
    assert code == 0 and listed["clerk2"] == ["clerk2", "周一", "counter", "none", "never"]
    assert listed["counter"][3] == TODAY and listed["admin"][3] == "none"

    agreement = ["staff", "agreement", "clerk2", "--signed", TODAY, "--document", str(signed)]
    code, out, err = run(Role.COUNTER, *agreement)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert run(Role.ADMIN, *agreement)[0] == 0
    code, _out, err = run(Role.ADMIN, "staff", "agreement", "clerk2", "--signed", "2026/01/01",
                          "--document", str(signed))
    assert code == 1 and err.strip() == "custos: Write the date as YYYY-MM-DD."
    code, _out, err = run(Role.ADMIN, "staff", "agreement", "clerk2", "--signed", TODAY,
                          "--document", str(tmp_path / "gone.pdf"))
    assert code == 1 and "There is no file" in err and "Traceback" not in err

    held = (date.today() - timedelta(days=60)).isoformat()
    code, out, _err = run(Role.MANAGER, "staff", "training", "--date", held, "--topic",
                          "客户信息保护", "--attendees", "counter,clerk2")
    assert code == 0 and out.strip().isdigit()
    code, _out, err = run(Role.MANAGER, "staff", "training", "--date", held, "--topic", "x y",
                          "--attendees", "counter,ghost")
    assert code == 1 and "ghost" in err
    assert run(Role.MANAGER, "staff", "period", "1")[0] == 0
    listed = _lines(run(Role.MANAGER, "staff", "list")[1])
    assert listed["clerk2"] == ["clerk2", "周一", "counter", TODAY, held, "due"]
    assert listed["manager"][4:] == ["never"]  # made today: not due yet

    pdf = tmp_path / "staff.pdf"
    assert run(Role.ADMIN, "staff", "print", "--out", str(pdf), "--lang", "zh_CN")[0] == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert run(Role.ARCHIVE, "staff", "list")[0] == 1


def test_approval_without_an_agreement_says_what_to_do(run, login, db_path):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "clerk5", [Role.ARCHIVE], "clerk5-first-password")
    clerk = accounts.login(db_path, "clerk5", "clerk5-first-password")
    accounts.change_own_password(clerk, "clerk5-first-password", "clerk5-own-password")
    accounts.logout(clerk)
    code, _out, err = run(Role.MANAGER, "access", "approve", "clerk5")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "custos staff agreement clerk5 --signed YYYY-MM-DD --document FILE" in err
