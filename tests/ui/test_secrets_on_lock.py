"""Locking drops the secrets: a core image of a locked window holds neither the password it
was opened with (UTF-8 or UTF-16) nor the database key (raw or hex), and the process refuses
to dump core by itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.keyring import KeyRing
from app.store.memory import key_literal, wipe

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("locked_window.py")


def test_wipe_clears_the_buffers_we_made_and_nothing_else():
    typed = "".join(["pass", "wörd-口令-9"])  # built at run time: our own object
    wipe(typed)
    assert set(typed) == {"\x00"}
    raw = bytes(range(1, 33))
    wipe(raw)
    assert raw == bytes(32)
    shared = "x"  # one-character strings are shared by the interpreter: left alone
    wipe(shared)
    assert shared == "x"
    assert key_literal(bytes([0, 171, 255])) == bytearray(b"x'00abff'")


def test_the_process_refuses_core_dumps():
    code = ("from app.store.memory import forbid_core_dumps; import ctypes, resource;"
            "forbid_core_dumps(); print(resource.getrlimit(resource.RLIMIT_CORE),"
            " ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.split() == ["(0,", "0)", "0"]  # no core file; PR_GET_DUMPABLE is 0


def test_gui_and_cli_forbid_core_dumps_first(monkeypatch):
    import app.cli
    import ui.app

    calls = []
    monkeypatch.setattr(ui.app, "forbid_core_dumps", lambda: calls.append("gui"))
    monkeypatch.setattr(ui.app, "prepare_application", lambda: (_ for _ in ()).throw(
        SystemExit(0)))
    with pytest.raises(SystemExit):
        ui.app.run(None, False, "en")
    monkeypatch.setattr(app.cli, "forbid_core_dumps", lambda: calls.append("cli"))
    monkeypatch.setattr(sys, "argv", ["custos", "--help"])
    with pytest.raises(SystemExit):
        app.cli.main()
    assert calls == ["gui", "cli"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("gcore") or os.geteuid() != 0,
                    reason="gcore (gdb) and root are needed to image a non-dumpable process")
def test_a_locked_window_holds_neither_password_nor_key(db_path, tmp_path):
    from app.security.roles import Role
    from tests.conftest import PASSWORDS

    password = PASSWORDS[Role.COUNTER]
    key = KeyRing.load(Path(f"{db_path}.keys")).unlock("counter", password)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(SCRIPT), str(db_path), "counter"], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env)
    try:
        child.stdin.write(password.encode() + b"\n")
        child.stdin.close()
        assert child.stdout.readline().strip() == b"LOCKED"
        limits = Path(f"/proc/{child.pid}/limits").read_text()
        assert any(line.startswith("Max core file size") and line.split()[4:6] == ["0", "0"]
                   for line in limits.splitlines())
        core = tmp_path / "core"
        subprocess.run(["gcore", "-o", str(core), str(child.pid)], capture_output=True,
                       timeout=120, check=True)
    finally:
        child.kill()
        child.wait()
    image = Path(f"{core}.{child.pid}").read_bytes()
    assert len(image) > 10_000_000  # a real image of a Qt process
    for name, needle in {"password (UTF-8)": password.encode(),
                         "password (UTF-16)": password.encode("utf-16-le"),
                         "key": key, "key in hex": key.hex().encode(),
                         "key in HEX": key.hex().upper().encode()}.items():
        assert image.count(needle) == 0, f"the locked window still holds its {name}"
