"""The CLI contract: commands, output formats and exit codes (0 ok, 1 refused, 2 usage)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.cli import main

from .conftest import ADMIN_PW


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv("CUSTOS_PASSWORD", raising=False)
    monkeypatch.delenv("CUSTOS_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    return monkeypatch


def test_init_prints_recovery_code_once(tmp_path, env, capsys):
    env.setenv("CUSTOS_PASSWORD", "first-admin-pw")
    env.setattr("app.store.keyring.tune_kdf", lambda *a: __import__(
        "app.store.keyring", fromlist=["FLOOR"]).FLOOR)
    assert main(["init", "--db", str(tmp_path / "n.custos"), "--admin", "boss"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and len(out[0]) == 29
    assert main(["init", "--db", str(tmp_path / "n.custos"), "--admin", "boss"]) == 1


def test_user_commands(db_path, env, capsys):
    env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    env.setenv("CUSTOS_NEW_PASSWORD", "new-user-password")
    base = ["--db", str(db_path), "--user", "admin"]
    assert main(["user", "add", "eve", "--role", "counter", "--role", "manager", *base]) == 0
    assert main(["user", "list", *base]) == 0
    lines = [ln.split("\t") for ln in capsys.readouterr().out.splitlines()]
    eve = next(ln for ln in lines if ln[0] == "eve")
    assert eve[2] == "counter,manager" and eve[3] == "must-change-password"
    assert main(["user", "disable", "eve", *base]) == 0
    assert main(["user", "disable", "eve", *base]) == 1
    assert main(["user", "enable", "eve", *base]) == 0
    assert main(["user", "passwd", "eve", *base]) == 0
    assert main(["user", "roles", "eve", "--role", "archive", *base]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "already disabled" in err


def test_exit_codes_and_one_sentence(db_path, env, capsys):
    base = ["--db", str(db_path)]
    env.setenv("CUSTOS_PASSWORD", "wrong-password")
    assert main(["audit", "verify", *base, "--user", "admin"]) == 1
    assert capsys.readouterr().err.strip() == "custos: Wrong username or password."
    env.setenv("CUSTOS_PASSWORD", "counter-password")
    assert main(["user", "list", *base, "--user", "counter"]) == 1
    assert "does not allow" in capsys.readouterr().err
    env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    assert main(["audit", "verify", *base, "--user", "admin"]) == 0
    assert capsys.readouterr().out.startswith("intact, ")
    env.delenv("CUSTOS_PASSWORD")
    assert main(["audit", "verify", *base, "--user", "admin"]) == 1
    assert "CUSTOS_PASSWORD" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["user", "frobnicate"])
    assert usage.value.code == 2
    assert main(["audit", "verify", "--db", str(db_path.parent / "none.custos"),
                 "--user", "admin"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_chinese_messages(db_path, env, capsys):
    env.setenv("CUSTOS_PASSWORD", "wrong-password")
    assert main(["--lang", "zh_CN", "audit", "verify", "--db", str(db_path),
                 "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert "用户名或密码" in err


def test_demo_command_through_the_real_entry_point(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "app.cli", "demo", "--db",
                           str(tmp_path / "d.custos"), "--customers", "20"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [r[0] for r in rows] == ["counter", "archive", "manager", "admin"]
    assert all(len(r) == 3 and len(r[2]) >= 10 for r in rows)
