"""Every store failure gets its own sentence: a full disk, a lock held by another program,
a read-only file, a key rotated by another session — never "damaged", never "unexpected"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from app import accounts, audit, keys
from app.customers.tables import customer
from app.errors import DatabaseBusy, DiskFull, KeyChanged, ReadOnly, StoreError
from app.imports.run import run_import
from app.security.roles import Role
from app.store import database

from ..conftest import ADMIN_PW, PASSWORDS, make_database
from ..imports.test_import import messy_customers

# What an SQLite process in an EXCLUSIVE lock holds: PENDING, RESERVED and the SHARED range.
HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 512, 0x40000000)
print("held", flush=True)
time.sleep(60)
"""


def _on_every_connection(db, pragma: str):
    def run(conn, _record) -> None:
        conn.execute(pragma)

    db.engine.dispose()
    event.listen(db.engine, "connect", run)
    return run


def _customers(session) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(customer)).scalar()


def test_a_full_disk_is_said_and_nothing_is_written(login, tmp_path):
    manager = login(Role.MANAGER)
    path = tmp_path / "new.xlsx"
    messy_customers(path, n=300)
    before = _customers(manager)
    with manager.db.read() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    # SQLite's own SQLITE_FULL: the file may not grow by a single page.
    limit = _on_every_connection(manager.db, f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match=r"^The disk holding the database branch.custos is "
                                       r"full; .*Nothing was changed\.$"):
        run_import(manager, "customers", path)
    manager.db.engine.dispose()
    event.remove(manager.db.engine, "connect", limit)
    assert _customers(manager) == before


def test_a_read_only_database_is_said(login, tmp_path):
    manager = login(Role.MANAGER)
    path = tmp_path / "new.xlsx"
    messy_customers(path, n=5)
    # Root ignores file modes, so the test makes SQLite itself refuse writes.
    _on_every_connection(manager.db, "PRAGMA query_only = ON")
    with pytest.raises(ReadOnly, match="read-only"):
        run_import(manager, "customers", path)


def test_a_lock_held_by_another_program_is_not_called_damage(db_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy, match=r"^The database branch.custos is in use by "
                                               r"another program or Custos window; .*"):
            accounts.login(db_path, "admin", ADMIN_PW)
    finally:
        holder.kill()
        holder.wait()
    accounts.logout(accounts.login(db_path, "admin", ADMIN_PW))


def test_a_key_rotated_by_another_session_is_not_called_damage(db_path):
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        assert _customers(counter) >= 0  # the counter's pool holds a connection
        keys.rotate_key(admin)
        with pytest.raises(KeyChanged, match=r"^The database key was changed in another "
                                              r"session; log in again\.$"):
            _customers(counter)
        assert isinstance(KeyChanged("x"), StoreError)
    finally:
        accounts.logout(admin)
        counter.db.close()
    accounts.logout(accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER]))


def test_real_damage_is_still_called_damage(db_path):
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        session.db.engine.dispose()
        with open(db_path, "r+b") as fh:  # page 2 onwards: flip bytes in every page
            size = fh.seek(0, 2)
            for offset in range(database.PAGE_SIZE + 100, size, database.PAGE_SIZE):
                fh.seek(offset)
                fh.write(b"\xff" * 32)
        with pytest.raises(StoreError, match="is damaged") as caught:
            with session.db.read() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
        assert not isinstance(caught.value, KeyChanged)
    finally:
        session.db.close()


def test_sqlcipher_log_lines_never_reach_stderr(db_path, tmp_path):
    wrong = tmp_path / "other.custos"
    wrong.write_bytes(db_path.read_bytes())
    database.keyring_path(wrong).write_bytes(database.keyring_path(db_path).read_bytes())
    script = ("import sys, os\n"
              "from pathlib import Path\n"
              "from app.store import database\n"
              "for p in sys.argv[1:]:\n"
              "    try:\n"
              "        database.open_with_key(Path(p), os.urandom(32))\n"
              "    except Exception as e:\n"
              "        print(type(e).__name__)\n"
              "import sqlcipher3.dbapi2 as raw\n"  # a connection made outside app.store
              "c = raw.connect(sys.argv[1])\n"
              "c.execute(\"PRAGMA key = 'wrong'\")\n"
              "try:\n"
              "    c.execute('SELECT count(*) FROM sqlite_master').fetchone()\n"
              "except raw.DatabaseError as e:\n"
              "    print(type(e).__name__)\n")
    damaged = tmp_path / "damaged.custos"
    raw = bytearray(db_path.read_bytes())
    raw[100:200] = b"\x00" * 100
    damaged.write_bytes(bytes(raw))
    done = subprocess.run([sys.executable, "-c", script, str(wrong), str(damaged)],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["Damaged", "Damaged", "DatabaseError"]
    assert "sqlcipher" not in done.stderr.lower() and "ERROR" not in done.stderr, done.stderr


# --- on a real small or read-only disk: a private mount namespace (Linux, needs the right) --

CLI = ("import sys; from app import cli; sys.exit(cli.main(sys.argv[1:]))")


def _in_private_mount(tmp_path, setup: str, command: list[str], env: dict[str, str]):
    """Run `setup` then `command` with a tmpfs mounted on tmp_path/mnt that only they see."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs {mount}"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no private mounts here (unshare -m needs CAP_SYS_ADMIN)")
    quoted = " ".join(f"'{part}'" for part in command)
    after = tmp_path / "after"
    after.mkdir()
    script = (f"set -e; {setup.format(mnt=mount)}; {quoted} || echo exit=$?; "
              f"cp {mount}/branch.custos* {after}/")  # the database as the failure left it
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env,
                                            "PYTHONPATH": str(Path(__file__).parents[2])})


def test_a_really_full_disk_is_said_and_the_database_is_untouched(db_path, tmp_path):
    book = tmp_path / "many.xlsx"
    messy_customers(book, n=3000)
    done = _in_private_mount(
        tmp_path, f"mount -t tmpfs -o size=700k tmpfs {{mnt}}; cp {db_path} {db_path}.keys {{mnt}}/",
        [sys.executable, "-c", CLI, "import", "customers", str(book), "--db",
         str(tmp_path / "mnt" / "branch.custos"), "--user", "manager"],
        {"CUSTOS_PASSWORD": PASSWORDS[Role.MANAGER]})
    assert done.stderr.strip() == ("custos: The disk holding the database branch.custos is "
                                   "full; free some space and try again. Nothing was changed.")
    assert done.stdout.strip() == "exit=1"
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    before = _customers(admin)
    accounts.logout(admin)
    left = accounts.login(tmp_path / "after" / "branch.custos", "admin", ADMIN_PW)
    try:
        assert _customers(left) == before  # not one row of the import
        assert audit.verify(left.db).intact
        with left.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        accounts.logout(left)


def test_a_read_only_disk_is_said(db_path, tmp_path):
    done = _in_private_mount(
        tmp_path, f"mount -t tmpfs tmpfs {{mnt}}; cp {db_path} {db_path}.keys {{mnt}}/; "
                  "mount -o remount,ro {mnt}",
        [sys.executable, "-c", CLI, "user", "list", "--db",
         str(tmp_path / "mnt" / "branch.custos"), "--user", "admin"],
        {"CUSTOS_PASSWORD": ADMIN_PW})
    assert done.stderr.strip() == ("custos: The database branch.custos or its folder is "
                                   "read-only; Custos must be able to write to both. Nothing "
                                   "was changed.")
    assert done.stdout.strip() == "exit=1"
    assert (tmp_path / "after" / "branch.custos").read_bytes() == db_path.read_bytes()


def test_a_database_replaced_under_an_open_session_asks_for_a_new_login(db_path, tmp_path):
    (tmp_path / "other").mkdir()
    other = make_database(tmp_path / "other" / "branch.custos")
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        _customers(session)
        session.db.engine.dispose()  # the next connection opens the file now at the path
        for suffix in ("", ".keys"):  # what a restore in another window does, in effect
            os.replace(f"{other}{suffix}", f"{db_path}{suffix}")
        with pytest.raises(KeyChanged, match="log in again"):
            _customers(session)
    finally:
        session.db.close()


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
