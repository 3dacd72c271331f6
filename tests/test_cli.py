"""The CLI contract: commands, output formats and exit codes (0 ok, 1 refused, 2 usage)."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys

import pytest

from app import accounts, synthetic
from app.cli import main
from app.store import dialect

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


def test_user_commands(db_path, env, capsys, tmp_path):
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
    assert main(["user", "enable", "eve", *base]) == 1  # no signed agreement on record
    err = capsys.readouterr().err
    assert "already disabled" in err and "custos staff agreement eve" in err
    signed = tmp_path / "eve.pdf"
    signed.write_bytes(b"signed by eve")
    assert main(["staff", "agreement", "eve", "--signed", "2026-01-05", "--document",
                 str(signed), *base]) == 0
    assert main(["user", "enable", "eve", *base]) == 0
    assert main(["user", "passwd", "eve", *base]) == 0
    assert main(["user", "roles", "eve", "--role", "archive", *base]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.file_only
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


def test_access_pending_and_a_managers_approval(db_path, login, env, capsys, tmp_path):
    """An administrator adds a clerk; in a sealed database the clerk waits for a manager's
    approval (listed by `access pending`), then finds customers like any counter clerk."""
    from app.customers.editing import NewCustomer, create_customer
    from app.security.roles import Role
    from app.store import sealing

    from .conftest import PASSWORDS

    counter = login(Role.COUNTER)
    number = create_customer(counter, NewCustomer(
        name="张伟", id_type="resident_id", id_number="11010519491231002X",
        phone="13912345678", original_checked=True, consents={"contract": True}))
    accounts.logout(counter)
    sealed = sealing.is_active(counter.db)  # a closed session's db still says so
    base = ["--db", str(db_path)]
    env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    env.setenv("CUSTOS_NEW_PASSWORD", "temporary-password")
    assert main(["user", "add", "zoe", "--role", "counter", *base, "--user", "admin"]) == 0
    signed = tmp_path / "zoe.pdf"
    signed.write_bytes(b"signed by zoe")
    assert main(["staff", "agreement", "zoe", "--signed", "2026-01-05", "--document",
                 str(signed), *base, "--user", "admin"]) == 0
    env.setenv("CUSTOS_PASSWORD", "temporary-password")
    env.setenv("CUSTOS_NEW_PASSWORD", "zoes-own-password")
    assert main(["user", "passwd", "zoe", *base, "--user", "zoe"]) == 0
    capsys.readouterr()

    env.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    assert main(["access", "pending", *base, "--user", "manager"]) == 0
    listed = [ln.split("\t") for ln in capsys.readouterr().out.splitlines()]
    env.setenv("CUSTOS_PASSWORD", "zoes-own-password")
    find = ["customer", "find", "13912345678", *base, "--user", "zoe"]
    if sealed:
        assert listed == [["zoe", "zoe", "counter", "identity,names"]]
        assert main(find) == 1
        err = capsys.readouterr().err
        assert "manager's approval" in err and "Traceback" not in err
        # The administrator sees who waits too, and cannot approve without the code.
        env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
        assert main(["access", "pending", *base, "--user", "admin"]) == 0
        assert capsys.readouterr().out.startswith("zoe\t")
        assert main(["access", "approve", "zoe", *base, "--user", "admin"]) == 1
        assert "does not allow" in capsys.readouterr().err
        env.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
        assert main(["access", "approve", "zoe", *base, "--user", "manager"]) == 0
        assert "zoe" in capsys.readouterr().err
        assert main(["access", "pending", *base, "--user", "manager"]) == 0
        assert capsys.readouterr().out == ""
        assert main(["access", "approve", "zoe", *base, "--user", "manager"]) == 1
        assert "already has access" in capsys.readouterr().err
    else:
        assert listed == []  # nothing is sealed: nobody waits
    env.setenv("CUSTOS_PASSWORD", "zoes-own-password")
    assert main(find) == 0
    out = capsys.readouterr().out
    assert out.startswith(number + "\t") and "张" in out


def test_first_manager_approved_with_the_recovery_code(tmp_path, env, capsys):
    """A new database has only its administrator: the recovery code approves the first
    manager, and a wrong code is refused in one sentence."""
    from app.store import sealing

    env.setattr("app.store.keyring.tune_kdf", lambda *a: __import__(
        "app.store.keyring", fromlist=["FLOOR"]).FLOOR)
    path = str(tmp_path / "n.custos")
    env.setenv("CUSTOS_PASSWORD", "first-admin-pw")
    assert main(["init", "--db", path, "--admin", "boss"]) == 0
    code = capsys.readouterr().out.strip()
    base = ["--db", path, "--user", "boss"]
    env.setenv("CUSTOS_NEW_PASSWORD", "first-manager-pw")
    assert main(["user", "add", "mia", "--role", "manager", *base]) == 0
    assert main(["access", "pending", *base]) == 0
    listed = capsys.readouterr().out
    if not sealing.ENABLED:
        assert listed == ""
        return
    assert listed.startswith("mia\tmia\tmanager\t")
    env.setenv("CUSTOS_RECOVERY_CODE", "WRONG-CODE-WRONG-CODE-WRONG-C")
    assert main(["access", "approve", "mia", "--recovery", *base]) == 1
    assert "Traceback" not in capsys.readouterr().err
    env.setenv("CUSTOS_RECOVERY_CODE", code)
    # Not without her signed confidentiality agreement on record,
    assert main(["access", "approve", "mia", "--recovery", *base]) == 1
    assert "custos staff agreement mia" in capsys.readouterr().err
    signed = tmp_path / "mia.pdf"
    signed.write_bytes(b"signed by mia")
    assert main(["staff", "agreement", "mia", "--signed", "2026-01-05", "--document",
                 str(signed), *base]) == 0
    # nor while mia's password is the one the administrator chose.
    assert main(["access", "approve", "mia", "--recovery", *base]) == 1
    assert "own password" in capsys.readouterr().err
    from app import accounts

    mia = accounts.login(path, "mia", "first-manager-pw")
    accounts.change_own_password(mia, "first-manager-pw", "mia-own-password-9")
    accounts.logout(mia)
    assert main(["access", "approve", "mia", "--recovery", *base]) == 0
    assert main(["access", "pending", *base]) == 0
    assert capsys.readouterr().out == ""


def test_login_shows_the_sealing_pass_on_stderr(tmp_path, env, capsys):
    """An upgraded database is sealed at the first login of a clerk who holds the keys:
    the CLI says how far it got, on stderr, and the command's output stays clean."""
    from app.customers.editing import NewCustomer, create_customer
    from app.security.roles import Role
    from app.store import sealing

    from .conftest import PASSWORDS, make_database

    env.setattr(sealing, "ENABLED", False)
    path = make_database(tmp_path / "old.custos")
    counter = accounts.login(path, "counter", PASSWORDS[Role.COUNTER])
    try:
        for i in range(3):
            p = synthetic.person(random.Random(i))
            create_customer(counter, NewCustomer(
                name=f"王芳{i}", id_type="resident_id", id_number=p.id_number,
                phone=f"1391234567{i}", original_checked=True, consents={"contract": True}))
    finally:
        accounts.logout(counter)
    env.setattr(sealing, "ENABLED", True)
    env.setattr(sealing, "BATCH", 2)
    env.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    capsys.readouterr()
    assert main(["customer", "find", "13912345670", "--db", str(path), "--user", "counter"]) == 0
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if "Sealing customer data" in ln]
    done, total = re.search(r"(\d+) of (\d+) records$", lines[-1]).groups()
    assert done == total and int(total) >= 3
    assert "Sealing" not in captured.out
    manager = accounts.login(path, "manager", PASSWORDS[Role.MANAGER])
    try:  # the file now holds the names and phones sealed, no plaintext
        with manager.db.read() as conn:
            raw = dialect.raw(conn, "SELECT name, phone FROM customer").all()
    finally:
        accounts.logout(manager)
    assert len(raw) == 3 and all(isinstance(v, bytes) for row in raw for v in row)
    assert not any("王芳".encode() in row[0] or b"1391234567" in row[1] for row in raw)
