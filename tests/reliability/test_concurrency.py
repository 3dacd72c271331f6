"""Concurrent work never looks like damage (real processes on one database file).

- Two imports at once: numbers are handed out inside the write transaction, so neither
  fails with a duplicate key and no customer number is handed out twice.
- A key rotation while another process imports: that process either carries on or is told
  "the key was changed; log in again" — never that the database is damaged.

`make reliability` runs these as its "concurrency" part; CUSTOS_CONCURRENCY_ROUNDS raises
the number of rotations and files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from app import accounts, keys
from app.customers.tables import customer
from app.security.roles import Role

from ..conftest import ADMIN_PW, PASSWORDS
from ..imports.test_import import messy_customers

ROUNDS = int(os.environ.get("CUSTOS_CONCURRENCY_ROUNDS", "3"))
WORKER = Path(__file__).with_name("concurrency_worker.py")
PER_FILE = 150


def _files(folder: Path, count: int, seed: int) -> set[str]:
    """`count` workbooks of new customers; returns their ID numbers."""
    folder.mkdir()
    ids: set[str] = set()
    for i in range(count):
        people = messy_customers(folder / f"batch-{i:03d}.xlsx", n=PER_FILE, seed=seed + i)
        ids |= {p.id_number for p in people}
    return ids


def _start(db: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(WORKER), str(db), str(folder)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout.readline().strip() == "ready"
    return child


def _finish(child: subprocess.Popen) -> list[str]:
    out, err = child.communicate(timeout=600)
    lines = out.splitlines()
    assert lines and lines[-1] == "done", (out, err)
    assert not [line for line in lines if line.startswith(("unexpected", "refused"))], out
    assert "damaged" not in out and "sqlcipher" not in err.lower(), (out, err)
    return lines[:-1]


def _customers(db: Path) -> tuple[int, int, set[str]]:
    manager = accounts.login(db, "manager", "manager-password")  # holds the keys
    keys = manager.db.fields
    try:
        with manager.db.read() as conn:
            rows = conn.execute(select(customer.c.id, customer.c.customer_no,
                                       customer.c.id_number)).all()
            distinct = conn.execute(select(func.count(customer.c.customer_no.distinct())))
            return len(rows), distinct.scalar(), {
                keys.open("customer", "id_number", r.id, r.id_number) for r in rows}
    finally:
        accounts.logout(manager)


def test_two_imports_at_once_hand_out_no_number_twice(db_path, tmp_path):
    before, _distinct, _ids = _customers(db_path)
    ids = _files(tmp_path / "a", ROUNDS, seed=100) | _files(tmp_path / "b", ROUNDS, seed=500)
    children = [_start(db_path, tmp_path / "a"), _start(db_path, tmp_path / "b")]
    for child in children:  # both start at once
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [_finish(child) for child in children]
    assert all(line.startswith("ok ") for lines in results for line in lines)
    total, distinct, held = _customers(db_path)
    assert total == distinct == before + len(ids)
    assert ids <= held


def test_the_same_file_imported_twice_at_once_is_imported_once(db_path, tmp_path):
    before, _distinct, _ids = _customers(db_path)
    ids = _files(tmp_path / "a", ROUNDS, seed=900)
    children = [_start(db_path, tmp_path / "a"), _start(db_path, tmp_path / "a")]
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        _finish(child)
    total, distinct, _held = _customers(db_path)
    assert total == distinct == before + len(ids)


def test_a_key_rotation_during_an_import_is_not_damage(db_path, tmp_path):
    before, _distinct, _ids = _customers(db_path)
    ids = _files(tmp_path / "a", ROUNDS * 4, seed=2000)
    child = _start(db_path, tmp_path / "a")
    child.stdin.write("go\n")
    child.stdin.flush()
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    rotated = 0
    try:
        for _round in range(ROUNDS):
            time.sleep(0.3)
            if child.poll() is not None:
                break
            keys.rotate_key(admin)
            rotated += 1
    finally:
        accounts.logout(admin)
    lines = _finish(child)
    assert all(line.startswith(("ok ", "relogin ")) for line in lines), lines
    relogins = [line for line in lines if line.startswith("relogin ")]
    assert rotated < 2 or relogins, "no rotation reached the importing session"
    for line in relogins:
        assert line == "relogin The database key was changed in another session; log in " \
                       "again.", line
    total, distinct, held = _customers(db_path)
    assert total == distinct == before + len(ids) and ids <= held


def test_a_login_during_a_rotation_waits_for_it_instead_of_undoing_it(db_path, monkeypatch):
    """Seen in the making: a login that found the next ring of a rotation still at work took
    it for a crash's leftover and deleted it; the database was then re-keyed to a key that
    no ring held."""
    paused, go_on = threading.Event(), threading.Event()
    real_connect = keys._connect

    def slow_connect(*args):
        paused.set()  # the next ring is written; the re-key has not begun
        go_on.wait(10)
        return real_connect(*args)

    monkeypatch.setattr(keys, "_connect", slow_connect)
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    failures: list[BaseException] = []

    def rotate() -> None:
        try:
            keys.rotate_key(admin)
        except BaseException as error:  # reported below
            failures.append(error)

    rotation = threading.Thread(target=rotate)
    rotation.start()
    assert paused.wait(10) and keys.next_ring_path(db_path).exists()
    threading.Timer(0.5, go_on.set).start()
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])  # waits
    rotation.join(30)
    assert not failures, failures
    assert go_on.is_set() and not keys.next_ring_path(db_path).exists()
    assert accounts.list_users(admin)
    accounts.logout(admin)
    accounts.logout(counter)
    for role in Role:
        accounts.logout(accounts.login(db_path, role.value, PASSWORDS[role]))
