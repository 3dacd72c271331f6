"""`custos breach add|list|notify|close`: the contract, its sentences and exit codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.cli import main

PASSWORDS = {"manager": "manager-password", "counter": "counter-password"}


@pytest.fixture
def run(db_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def _run(user: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[user])
        code = main([*args, "--db", str(db_path), "--user", user])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def _when(hours: int = 1) -> str:
    return (datetime.now() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def test_the_whole_path(run, customers, tmp_path):
    numbers = ",".join(c[0] for c in customers[:2])
    code, out, _err = run("manager", "breach", "add", "--detected", _when(), "--summary",
                          "Printed list lost", "--customers", numbers)
    assert (code, out.strip()) == (0, "1")
    code, out, _err = run("manager", "breach", "list", "--open")
    fields = out.strip().split("\t")
    assert code == 0 and fields[0] == "1" and fields[2] == "open" and fields[4] == "0/2"
    code, _out, err = run("manager", "breach", "close", "1", "--reason", "done")
    assert code == 1 and err.startswith("custos: Breach 1 still has notifications outstanding")
    assert err.count("\n") == 1
    assert run("manager", "breach", "notify", "1", "--to", "regulator", "--out",
               str(tmp_path))[0] == 0
    code, out, _err = run("manager", "breach", "notify", "1", "--to", "customers", "--out",
                          str(tmp_path))
    assert code == 0 and len(out.split()) == 2
    assert run("manager", "breach", "close", "1", "--reason", "All notified.")[0] == 0
    assert run("manager", "breach", "list", "--open")[1] == ""
    assert run("manager", "breach", "list")[1].split("\t")[2] == "closed"


def test_refusals(run, customers, tmp_path):
    code, _out, err = run("manager", "breach", "add", "--detected", "2026-02-30 10:00",
                          "--summary", "x")
    assert code == 1 and "YYYY-MM-DD HH:MM" in err
    code, _out, err = run("manager", "breach", "add", "--detected", _when(), "--summary", "x",
                          "--customers", f"{customers[0][0]},C12345")
    assert (code, err.strip()) == (1, "custos: There is no customer C12345; nothing was saved.")
    assert run("manager", "breach", "list")[1] == ""
    code, _out, err = run("counter", "breach", "list")
    assert code == 1 and "does not allow" in err
    code, out, _err = run("counter", "breach", "add", "--detected", _when(), "--summary",
                          "Suspicious caller knew a customer's number")
    assert (code, out.strip()) == (0, "1")  # a counter's report, for a manager to take over
    code, _out, err = run("manager", "breach", "notify", "7", "--to", "regulator", "--out",
                          str(tmp_path))
    assert (code, err.strip()) == (1, "custos: There is no personal-data breach 7.")
    code, _out, err = run("manager", "breach", "notify", "1", "--to", "customers", "--out",
                          str(tmp_path))
    assert code == 1 and "no customer left" in err
    code, _out, err = run("manager", "breach", "notify", "1", "--to", "regulator", "--out",
                          str(tmp_path / "nowhere"))
    assert code == 1 and "There is no folder" in err
