"""Kill tests: a child process backing up, rotating the key, restoring or writing a batch is
killed with SIGKILL at a random moment; afterwards the database opens, passes
cipher_integrity_check and integrity_check, its audit chain verifies, and every transaction
is all-or-nothing. `make test` runs a few trials per workload; CUSTOS_KILL_TRIALS raises it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import accounts, audit
from app.backup import service
from app.backup.archive_file import SUFFIX, read_manifest
from app.customers.tables import customer
from app.customers.tables import service as service_table

from ..conftest import ADMIN_PW

TRIALS = int(os.environ.get("CUSTOS_KILL_TRIALS", "3"))
WORKER = Path(__file__).with_name("worker.py")


def _start(workload: str, db: Path, extra: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(WORKER), workload, str(db), str(extra)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert child.stdout.readline().strip() == b"ready"
    return child


def _check(db: Path) -> None:
    session = accounts.login(db, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        report = audit.verify(session.db)
        assert report.intact, report
    finally:
        accounts.logout(session)


@pytest.mark.parametrize("workload", ["backup", "backup-api", "rotation", "restore", "edits",
                                      "import", "retention", "erasure", "data-rotation"])
def test_killed_mid_work_the_database_still_opens(db_path, tmp_path, workload, recovery_code):
    rng = random.Random(workload)
    backups = tmp_path / "backups"
    backups.mkdir()
    extra = backups
    if workload == "restore":
        admin = accounts.login(db_path, "admin", ADMIN_PW)
        extra = service.take_backup(admin, backups)
        accounts.logout(admin)
    if workload in ("retention", "erasure"):
        from app.demo_records import fill_records

        manager = accounts.login(db_path, "manager", "manager-password")
        fill_records(manager, 300, random.Random(4))
        accounts.logout(manager)
    if workload == "data-rotation":
        from app.demo_records import fill_records

        manager = accounts.login(db_path, "manager", "manager-password")
        fill_records(manager, 300, random.Random(4))
        accounts.logout(manager)
        extra = recovery_code
    if workload == "import":
        from tests.imports.test_import import messy_customers

        extra = tmp_path / "import.xlsx"
        messy_customers(extra, n=3000, seed=9)
    for _trial in range(TRIALS):
        if workload == "edits":
            with_counts = accounts.login(db_path, "admin", ADMIN_PW)
            with with_counts.db.read() as conn:
                before = conn.execute(select(func.count()).select_from(customer)).scalar()
            accounts.logout(with_counts)
        child = _start(workload, db_path, extra)
        time.sleep(rng.uniform(0.05, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _check(db_path)
        if workload.startswith("backup"):
            for path in backups.iterdir():
                if path.name.endswith(SUFFIX):  # a complete-looking name is a sound backup
                    read_manifest(path)
                    report = service.verify_file(path, "admin", ADMIN_PW)
                    assert report.ok, report.sentence
                    path.unlink()  # verified once is enough
        if workload == "data-rotation":
            _every_value_opens(db_path)
        if workload == "import":
            session = accounts.login(db_path, "admin", ADMIN_PW)
            with session.db.read() as conn:
                count = conn.execute(select(func.count()).select_from(customer)).scalar()
            accounts.logout(session)
            assert count in (0, 3000)  # the whole file or none of it
        if workload == "erasure":
            session = accounts.login(db_path, "admin", ADMIN_PW)
            with session.db.read() as conn:
                half = conn.execute(select(func.count()).select_from(customer).where(
                    (customer.c.erased_at.is_not(None)) != (customer.c.name == "(erased)"))
                ).scalar()
            accounts.logout(session)
            assert half == 0  # no customer half erased
        if workload == "edits":
            session = accounts.login(db_path, "admin", ADMIN_PW)
            with session.db.read() as conn:
                count = conn.execute(select(func.count()).select_from(customer)).scalar()
                services = conn.execute(select(func.count(func.distinct(
                    service_table.c.customer_id)))).scalar()
            accounts.logout(session)
            assert (count - before) % 40 == 0  # whole batches only
            assert services == count  # no customer without the services of its batch


def _every_value_opens(db: Path) -> list[int]:
    """With a counter clerk's slot as it is now, every sealed value opens; returns the
    generations met."""
    from app.store.database import keyring_path
    from app.store.fields import ROW_ID, SEALED, FieldKeys
    from app.store.keyring import KeyRing
    from app.store.sealing import TABLE_ORDER

    opened = KeyRing.load(keyring_path(db)).open_account("counter", "counter-password")
    keys = FieldKeys(opened.domain_keys, active=True)
    session = accounts.login(db, "admin", ADMIN_PW)
    seen: set[int] = set()
    try:
        with session.db.read() as conn:
            for table, columns in ((t, SEALED[t]) for t in TABLE_ORDER):
                for column in columns:
                    for rid, value in conn.exec_driver_sql(
                            f"SELECT {ROW_ID.get(table, 'id')}, {column} FROM {table}"):
                        if (table, column) == ("artefact_content", "data"):
                            keys.open_bytes(table, column, rid, value)
                        else:
                            keys.open(table, column, rid, value)
                        if isinstance(value, bytes):
                            seen.add(keys.generation_of(value))
    finally:
        accounts.logout(session)
    return sorted(seen)


def test_killed_while_sealing_an_old_database_it_goes_on_at_the_next_login(tmp_path,
                                                                           monkeypatch):
    from app.store import sealing

    from ..conftest import make_old_database

    db = make_old_database(tmp_path / "old.custos", monkeypatch, customers=1500)
    # The first login makes the keys and starts sealing: a counter clerk's, in the child.
    rng = random.Random("sealing")
    for _trial in range(TRIALS):
        child = _start("sealing", db, tmp_path)
        time.sleep(rng.uniform(0.05, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _check(db)
        _every_value_opens(db)
    counter = accounts.login(db, "counter", "counter-password")  # goes on to the end
    try:
        assert sealing.is_done(counter.db)
        with counter.db.read() as conn:
            for table, columns in ((t, sealing.SEALED[t]) for t in sealing.TABLE_ORDER):
                for column in columns:
                    assert not conn.exec_driver_sql(
                        f"SELECT count(*) FROM {table} WHERE typeof({column}) = 'text'"
                        f" AND {column} != ''").scalar(), (table, column)
    finally:
        accounts.logout(counter)
