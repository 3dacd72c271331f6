"""`custos pia list|add|approve|show`: the contracts, the refusals as one sentence."""

from __future__ import annotations

import pytest

from app.cli import main

from ..conftest import PASSWORDS, Role

ADD = ["pia", "add", "Sharing with a partner", "--purpose", "Bill printing by a contractor.",
       "--necessity", "The branch prints no bills itself.", "--items", "name, address",
       "--items", "amount due", "--risks", "addresses kept after the job|medium|high",
       "--risks", "bills sent to the wrong address|low|medium",
       "--measures", "Agreement with a deletion clause; supervision checks.",
       "--conclusion", "Acceptable with the agreement in force."]


@pytest.fixture
def as_role(db_path, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def run(role: Role, *argv: str) -> int:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[role])
        return main([*argv, "--db", str(db_path), "--user", role.value])
    return run


def test_add_approve_list_show(as_role, capsys, tmp_path):
    assert as_role(Role.MANAGER, "pia", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 7 and all("\tNot assessed\t" in line for line in listed)
    assert as_role(Role.MANAGER, *ADD, "--review-by", "2027-06-30") == 0
    number = capsys.readouterr().out.strip()
    assert as_role(Role.MANAGER, "pia", "approve", number) == 0  # the only manager
    assert "review by 2027-06-30" in capsys.readouterr().out
    assert as_role(Role.MANAGER, "pia", "list") == 0
    last = capsys.readouterr().out.splitlines()[-1].split("\t")
    assert last == ["Sharing with a partner", "Sharing with a partner", "Current", number,
                    "2027-06-30"]
    assert as_role(Role.MANAGER, "pia", "show", number) == 0
    shown = capsys.readouterr().out
    assert "Data items: name, address, amount due" in shown and "(High)" in shown
    out = tmp_path / "pia.pdf"
    assert as_role(Role.MANAGER, "pia", "show", number, "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF") and capsys.readouterr().out.strip() == str(out)
    assert as_role(Role.MANAGER, "pia", "list", "--all") == 0
    assert capsys.readouterr().out.startswith(f"{number}\tSharing with a partner\t1\t")


@pytest.mark.parametrize(("extra", "sentence"), [
    (["--review-by", "2020-01-01", "--date", "2020-06-01"], "must come after"),
    (["--review-by", "01/02/2027"], "YYYY-MM-DD"),
    (["--conclusion", " "], "conclusion"),
    (["--risks", "no levels here"], "DESCRIPTION|LIKELIHOOD|SEVERITY"),
])
def test_refusals_are_one_sentence(as_role, capsys, extra, sentence):
    assert as_role(Role.MANAGER, *ADD, *extra) == 1
    err = capsys.readouterr().err
    assert sentence in err and "Traceback" not in err
    assert as_role(Role.MANAGER, "pia", "list", "--all") == 0
    assert capsys.readouterr().out == ""


def test_a_counter_clerk_cannot_add(as_role, capsys):
    assert as_role(Role.COUNTER, *ADD) == 1
    assert "does not allow" in capsys.readouterr().err
    assert as_role(Role.MANAGER, "pia", "show", "42") == 1
    assert "no impact assessment 42" in capsys.readouterr().err
