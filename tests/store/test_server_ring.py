"""The key ring on the branch server (issue 14, items 3 and 6): a row per slot with the
server's own rules, key rotation with the same meaning as on the file, and recovery with
the printed code without any PostgreSQL superuser."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from app import accounts, audit, keys
from app.accounts import access
from app.demo import sign_confidentiality
from app.errors import DatabaseBusy, LoginFailed, ValidationError
from app.security.roles import Role
from app.store import server, server_ring
from app.store.keyring import KeyRing
from app.store.place import locate
from tests import conftest, pgserver
from tests.conftest import ADMIN_PW, PASSWORDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def where(server_db):
    return server_db


@pytest.fixture
def fresh(server_fresh):
    return server_fresh


def _staff(where: str, role: Role) -> psycopg.Connection:
    address = locate(where)
    return psycopg.connect(**address.conninfo(
        server.login_name(address.dbname, role.value),
        server.login_password(role.value, PASSWORDS[role])), autocommit=True)


def _superuser(cluster, where: str) -> psycopg.Connection:
    return cluster.connect(locate(where).dbname)


def _rows(cluster, where: str):
    with _superuser(cluster, where) as conn:
        return (conn.execute("SELECT body FROM key_ring").fetchall(),
                conn.execute("SELECT holder, body FROM key_slot ORDER BY holder").fetchall(),
                conn.execute("SELECT count(*) FROM key_ring_history").fetchone()[0])


# --- who may write which slot ---------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    # another account's slot: its key material, its grants, its name, its removal
    "UPDATE key_slot SET body = jsonb_set(body, '{wrapped}', '\"AAAA\"') "
    "WHERE holder = 'manager'",
    "UPDATE key_slot SET body = body - 'grants' WHERE holder = 'manager'",
    # a grant added by a login that is not a manager's (the manager's next login would fail)
    "UPDATE key_slot SET body = jsonb_set(body, '{grants}', COALESCE(body->'grants', "
    "'[]') || '[{\"domain\": \"names\"}]') WHERE holder = 'manager'",
    "UPDATE key_slot SET body = jsonb_set(body, '{user}', '\"counter\"') "
    "WHERE holder = 'manager'",
    "DELETE FROM key_slot WHERE holder = 'manager'",
    # the recovery slot
    "UPDATE key_slot SET body = jsonb_set(body, '{sealed}', '\"AAAA\"') WHERE holder = ''",
    "DELETE FROM key_slot WHERE holder = ''",
    # its own slot made into another kind (a second recovery slot: the ring refused)
    "UPDATE key_slot SET body = jsonb_set(body, '{kind}', '\"recovery\"') - 'user' "
    "WHERE holder = 'counter'",
    # a shadow slot, the ring-wide part, the history
    "INSERT INTO key_slot (body) SELECT jsonb_set(body, '{user}', '\"Manager2\"') "
    "FROM key_slot WHERE holder = 'counter'",
    "UPDATE key_ring SET body = '{}'",
    "DELETE FROM key_ring_history",
    "UPDATE key_ring_history SET body = ''",
    "TRUNCATE key_ring_history",
    "SELECT custos_set_recovery_login('SCRAM-SHA-256$4096:AA==$AA==:AA==')",
])
def test_a_staff_login_cannot_write_another_slot_the_ring_or_its_history(
        where, pg_cluster, statement):
    before = _rows(pg_cluster, where)
    with _staff(where, Role.COUNTER) as conn:
        try:
            conn.execute(statement)
        except psycopg.Error:
            pass  # refused outright, or (row rules) the statement touched nothing
    assert _rows(pg_cluster, where) == before
    session = accounts.login(where, "manager", PASSWORDS[Role.MANAGER])
    accounts.logout(session)


def test_an_own_password_change_writes_its_own_slot_only_and_keeps_the_old(where,
                                                                           pg_cluster):
    _ring, slots, kept = _rows(pg_cluster, where)
    session = accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    accounts.change_own_password(session, PASSWORDS[Role.COUNTER], "counter-password-2")
    accounts.logout(session)
    _ring, after, kept_after = _rows(pg_cluster, where)
    changed = [h for (h, b), (h2, b2) in zip(slots, after, strict=True) if b != b2]
    assert changed == ["counter"] and kept_after == kept + 1
    with _superuser(pg_cluster, where) as conn:
        slot, login = conn.execute("SELECT slot, login FROM key_ring_history ORDER BY id "
                                   "DESC LIMIT 1").fetchone()
    assert slot == "counter" and login.endswith(".counter")
    accounts.logout(accounts.login(where, "counter", "counter-password-2"))


def test_a_manager_approves_a_clerk_by_adding_grants_to_its_slot(where):
    admin = accounts.login(where, "admin", ADMIN_PW)
    accounts.add_user(admin, "clerk2", [Role.ARCHIVE], "clerk2-password")
    sign_confidentiality(admin, "clerk2")
    accounts.logout(admin)
    clerk = accounts.login(where, "clerk2", "clerk2-password")
    accounts.change_own_password(clerk, "clerk2-password", "clerk2-password-2")
    accounts.logout(clerk)
    manager = accounts.login(where, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert access.approve_access(manager, "clerk2") == {"names"}
    finally:
        accounts.logout(manager)
    clerk = accounts.login(where, "clerk2", "clerk2-password-2")
    try:
        assert clerk.db.fields.domains == {"names"}
    finally:
        accounts.logout(clerk)


# --- the upgrade of a database that kept its ring in one row --------------------------------

def _as_before_per_slot_rows(cluster, where: str) -> bytes:
    """What an earlier version of Custos left: the whole ring in key_ring's one row."""
    with _superuser(cluster, where) as conn:
        whole = server_ring.ring_bytes(conn.cursor())
        for statement in (
                "DROP TABLE key_slot", "DROP FUNCTION key_slot_rule()",
                "DROP FUNCTION key_slot_kept()",
                "DROP POLICY ring_read ON key_ring", "DROP POLICY ring_change ON key_ring",
                "ALTER TABLE key_ring DISABLE ROW LEVEL SECURITY",
                "DROP TRIGGER key_ring_history_fixed ON key_ring_history",
                "DROP TRIGGER key_ring_history_not_emptied ON key_ring_history",
                "DROP FUNCTION key_ring_history_fixed()",
                "ALTER TABLE key_ring_history DROP COLUMN slot",
                "DROP FUNCTION custos_recover_login(TEXT, TEXT)",
                "DROP FUNCTION custos_set_recovery_login(TEXT)"):
            conn.execute(statement)
        conn.execute("UPDATE key_ring SET body = %s", (whole,))
    return whole


def _document(raw: bytes) -> dict:
    data = json.loads(raw)
    data["slots"] = sorted(data["slots"], key=lambda s: s["id"])
    return data


def test_custos_upgrade_moves_a_one_row_ring_into_slot_rows(fresh, pg_cluster, monkeypatch):
    from app.accounts.server_init import upgrade

    where = fresh[0]  # its own staff group, as custos init made it (a clone shares one)
    whole = _as_before_per_slot_rows(pg_cluster, where)
    with pytest.raises(Exception, match="older version of Custos"):
        accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    if pg_cluster.superuser_password:
        monkeypatch.setenv("PGPASSWORD", pg_cluster.superuser_password)
    address = pgserver.owner_address(pg_cluster, locate(where).dbname)
    upgrade(locate(address))
    upgrade(locate(address))  # a second time: nothing to do
    with _superuser(pg_cluster, where) as conn:
        assert _document(server_ring.ring_bytes(conn.cursor())) == _document(whole)
        assert conn.execute("SELECT count(*) FROM key_slot").fetchone()[0] == 5
    for role in Role:
        accounts.logout(accounts.login(where, role.value, PASSWORDS[role]))
    with _staff(where, Role.COUNTER) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE key_slot SET body = body - 'grants' WHERE holder = 'manager'")


# --- rotation -------------------------------------------------------------------------------

def test_rotating_the_database_key_on_the_server(where, pg_cluster):
    with _superuser(pg_cluster, where) as conn:
        old = KeyRing.load_bytes(server_ring.ring_bytes(conn.cursor()))
    admin = accounts.login(where, "admin", ADMIN_PW)
    before = bytes(admin.db.key)
    keys.rotate_key(admin)
    assert bytes(admin.db.key) != before
    assert accounts.list_users(admin)  # the session goes on
    accounts.logout(admin)
    for role in Role:  # nobody's password was needed
        session = accounts.login(where, role.value, PASSWORDS[role])
        assert bytes(session.db.key) != old.unlock(role.value, PASSWORDS[role])
        if role is Role.MANAGER:
            assert audit.verify(session.db).intact
        accounts.logout(session)


def test_a_second_rotation_meanwhile_is_told_to_wait(where):
    admin = accounts.login(where, "admin", ADMIN_PW)
    other = accounts.login(where, "admin", ADMIN_PW)
    try:
        with admin.db.rotation_lock(), pytest.raises(DatabaseBusy, match="under way"):
            keys.rotate_key(other)
        keys.rotate_key(other)  # free again
    finally:
        accounts.logout(other)
        accounts.logout(admin)


def _generations(cluster, where: str) -> set[int]:
    with _superuser(cluster, where) as conn:
        return {r[0] for r in conn.execute(
            "SELECT DISTINCT get_byte(name, 1) * 256 + get_byte(name, 2) FROM customer")}


KILLED_ROTATION = textwrap.dedent("""
    import os, signal, sys
    from app import accounts, keys
    from app.store import sealing
    sealing.BATCH = 5
    where, password, code = sys.argv[1:4]
    admin = accounts.login(where, "admin", password)
    def progress(done, total):
        if done >= 10:
            os.kill(os.getpid(), signal.SIGKILL)  # killed between two chunks
    keys.rotate_data_keys(admin, code, progress)
""")


def test_a_killed_data_key_rotation_resumes_on_the_server(where, pg_cluster, server_template):
    import random

    from app.demo_records import fill_records

    recovery_code = conftest.RECOVERY_CODES[server_template]
    manager = accounts.login(where, "manager", PASSWORDS[Role.MANAGER])
    fill_records(manager, 24, random.Random(3))
    accounts.logout(manager)
    assert _generations(pg_cluster, where) == {1}
    run = subprocess.run([sys.executable, "-c", KILLED_ROTATION, where, ADMIN_PW,
                          recovery_code], cwd=ROOT, env=os.environ.copy(), timeout=300)
    assert run.returncode == -signal.SIGKILL
    assert _generations(pg_cluster, where) == {1, 2}  # half done
    with _superuser(pg_cluster, where) as conn:
        under_way = conn.execute("SELECT value FROM meta WHERE key = %s",
                                 (keys.ROTATING,)).fetchone()
    assert json.loads(under_way[0]) == {"names": 2, "identity": 2}
    admin = accounts.login(where, "admin", ADMIN_PW)
    try:
        assert keys.rotate_data_keys(admin, recovery_code) == {"names": 2, "identity": 2}
    finally:
        accounts.logout(admin)
    assert _generations(pg_cluster, where) == {2}
    counter = accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.current("names") == 2
    finally:
        accounts.logout(counter)
    manager = accounts.login(where, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert audit.verify(manager.db).intact
    finally:
        accounts.logout(manager)


# --- the recovery code ----------------------------------------------------------------------

def test_an_administrator_recovers_with_the_code_and_a_replaced_code_stops_working(fresh):
    where, code = fresh
    session = accounts.recover(where, code, "admin", "admin-password-2")
    assert session.username == "admin"
    accounts.logout(session)
    with pytest.raises(LoginFailed):
        accounts.login(where, "admin", ADMIN_PW)
    admin = accounts.login(where, "admin", "admin-password-2")
    new_code = keys.replace_recovery_code(admin, code)
    accounts.logout(admin)
    with pytest.raises(LoginFailed, match="not correct"):
        accounts.recover(where, code, "admin", "admin-password-3")
    accounts.logout(accounts.recover(where, new_code, "admin", "admin-password-3"))
    manager = accounts.login(where, "manager", PASSWORDS[Role.MANAGER])
    try:
        report = audit.verify(manager.db)
        assert report.intact, report.reason
    finally:
        accounts.logout(manager)


def test_the_recovery_login_sets_only_an_administrators_login(fresh, pg_cluster):
    where, code = fresh
    with pytest.raises(ValidationError, match="not an administrator"):
        accounts.recover(where, code, "counter", "counter-password-9")
    accounts.logout(accounts.login(where, "counter", PASSWORDS[Role.COUNTER]))
    address = locate(where)
    with psycopg.connect(**address.conninfo(server_ring.recovery_login(address.dbname),
                                            server_ring.recovery_password(code)),
                         autocommit=True) as conn:
        for statement in ("SELECT * FROM key_slot", "SELECT * FROM customer",
                          "SELECT custos_set_login('admin', NULL, false)",
                          "SELECT custos_set_recovery_login("
                          "'SCRAM-SHA-256$4096:AA==$AA==:AA==')",
                          "CREATE TABLE mine (x int)"):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)
    with _staff(where, Role.MANAGER) as conn, pytest.raises(psycopg.Error):
        conn.execute("SELECT custos_recover_login('admin', "
                     "'SCRAM-SHA-256$4096:AA==$AA==:AA==')")
