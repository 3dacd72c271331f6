"""`custos migrate-to-server`: a one-PC branch's file moves to its server — every record,
account, key slot and the whole audit history (still verifiable), with progress, and
nothing changed in the file."""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import accounts, audit
from app.customers.records import open_customer
from app.customers.search import find_customers
from app.customers.tables import customer
from app.demo_records import fill_records
from app.security.roles import Role
from app.store.schema import audit_event
from tests.conftest import PASSWORDS, make_database

pytestmark = pytest.mark.file_only  # it starts from a file; the server is its own cluster
_names = itertools.count(1)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def branch_file(tmp_path) -> Path:
    path = make_database(tmp_path / "branch.custos")
    manager = accounts.login(path, "manager", PASSWORDS[Role.MANAGER])
    fill_records(manager, 40, random.Random(3))
    accounts.logout(manager)
    accounts.logout(accounts.login(path, "counter", PASSWORDS[Role.COUNTER]))
    admin = accounts.login(path, "admin", PASSWORDS[Role.ADMIN])
    with admin.db.write() as conn:  # as a version before this one left it: nothing known
        conn.exec_driver_sql("DELETE FROM meta WHERE key = 'server_login:archive'")
    accounts.logout(admin)
    return path


def _empty_server_db(cluster) -> str:
    name = f"moved_{os.getpid()}_{next(_names)}"
    with cluster.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return cluster.address(name)


def _owner_env(cluster, role: Role) -> dict:
    """The owner login (as for custos init) and the file's account's password."""
    return {**os.environ, "PGUSER": cluster.superuser,
            "PGPASSWORD": cluster.superuser_password or "", "CUSTOS_PASSWORD": PASSWORDS[role]}


def _run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_a_file_moves_to_the_server_whole_and_is_left_unchanged(branch_file, pg_cluster):
    admin = accounts.login(branch_file, "admin", PASSWORDS[Role.ADMIN])
    with admin.db.read() as conn:
        customers = conn.execute(select(func.count()).select_from(customer)).scalar()
        events = conn.execute(select(func.count()).select_from(audit_event)).scalar()
    accounts.logout(admin)
    before = (_digest(branch_file), _digest(Path(f"{branch_file}.keys")))
    where = _empty_server_db(pg_cluster)
    env = _owner_env(pg_cluster, Role.ADMIN)
    done = _run("migrate-to-server", "--from", str(branch_file), "--db", where,
                "--user", "admin", env=env)
    assert done.returncode == 0, done.stderr
    assert "customer: 40 of 40" in done.stderr and "unchanged" in done.stderr
    ready = {line.split("\t")[1] for line in done.stdout.splitlines()
             if line.startswith("ready")}
    assert {"admin", "counter", "manager"} <= ready  # they logged in on the file
    # No login on the file since this version came: its login waits for a reset.
    assert "reset\tarchive" in done.stdout
    assert (_digest(branch_file), _digest(Path(f"{branch_file}.keys"))) == before

    counter = accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    try:
        with counter.db.read() as conn:
            assert conn.execute(select(func.count()).select_from(customer)).scalar() \
                == customers
            assert conn.execute(select(func.count()).select_from(audit_event)).scalar() \
                > events
        record = open_customer(counter, "C000000001", "counter_service")
        assert isinstance(record.identity.name, str) and record.identity.name  # same keys
        assert find_customers(counter, record.identity.name).ids  # and the same tokens
        report = audit.verify(counter.db)
        assert report.intact, report
    finally:
        accounts.logout(counter)


def test_a_server_database_that_is_not_empty_is_refused(branch_file, pg_cluster):
    where = _empty_server_db(pg_cluster)
    env = _owner_env(pg_cluster, Role.ADMIN)
    first = _run("migrate-to-server", "--from", str(branch_file), "--db", where,
                 "--user", "admin", env=env)
    assert first.returncode == 0, first.stderr
    again = _run("migrate-to-server", "--from", str(branch_file), "--db", where,
                 "--user", "admin", env=env)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_only_an_administrator_of_the_file_may_move_it(branch_file, pg_cluster):
    where = _empty_server_db(pg_cluster)
    env = _owner_env(pg_cluster, Role.MANAGER)
    done = _run("migrate-to-server", "--from", str(branch_file), "--db", where,
                "--user", "manager", env=env)
    assert done.returncode == 1 and "administrator" in done.stderr


def test_the_files_recovery_code_opens_the_server_when_asked(branch_file, pg_cluster):
    from tests.conftest import RECOVERY_CODES

    code = RECOVERY_CODES[str(branch_file)]
    where = _empty_server_db(pg_cluster)
    wrong = _run("migrate-to-server", "--from", str(branch_file), "--db", where, "--user",
                 "admin", "--with-recovery-code",
                 env={**_owner_env(pg_cluster, Role.ADMIN), "CUSTOS_RECOVERY_CODE": "X" * 20})
    assert wrong.returncode == 1 and "recovery code" in wrong.stderr.lower()
    done = _run("migrate-to-server", "--from", str(branch_file), "--db", where, "--user",
                "admin", "--with-recovery-code",
                env={**_owner_env(pg_cluster, Role.ADMIN), "CUSTOS_RECOVERY_CODE": code})
    assert done.returncode == 0, done.stderr  # the wrong code moved nothing
    assert "does not open the server" not in done.stderr
    session = accounts.recover(where, code, "admin", "admin-password-9")
    try:
        assert session.username == "admin"
        assert audit.verify(session.db).intact
    finally:
        accounts.logout(session)


def test_without_the_code_the_move_says_how_recovery_comes_to_the_server(branch_file,
                                                                        pg_cluster):
    where = _empty_server_db(pg_cluster)
    done = _run("migrate-to-server", "--from", str(branch_file), "--db", where, "--user",
                "admin", env=_owner_env(pg_cluster, Role.ADMIN))
    assert done.returncode == 0 and "custos keys recovery-code" in done.stderr
