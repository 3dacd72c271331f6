"""The branch server as its users, its IT and an insider meet it: TLS with the certificate
checked, logins that own nothing, changes made outside Custos on record, ciphertext only
for the server's superuser, one clock, and a server that goes away mid-save."""

from __future__ import annotations

import datetime as real_datetime
import os
import subprocess

import psycopg
import pytest

from app import accounts, audit, clock
from app.customers import editing
from app.errors import LoginFailed, StoreError
from app.security.roles import Role
from app.store import server
from app.store.place import ServerAddress, locate
from tests import pgserver
from tests.conftest import PASSWORDS, make_database

NAME, ID_NUMBER, PHONE = "欧阳明月", "11010519491231002X", "13912345678"


@pytest.fixture(scope="module")
def cluster(pg_cluster):
    return pg_cluster


@pytest.fixture(scope="module")
def template(cluster):
    return pgserver.new_template(cluster, make_database)


@pytest.fixture
def where(cluster, template):
    return pgserver.clone(cluster, template, PASSWORDS)


def _started(cluster):
    if not isinstance(cluster, pgserver.Started):
        pytest.skip("needs a cluster this run started (TLS, stop and start)")
    return cluster.cluster


def _login(where, role: Role):
    return accounts.login(where, role.value, PASSWORDS[role])


def _staff_conn(where: str, role: Role) -> psycopg.Connection:
    """What a script does with one account's password: its own PostgreSQL login."""
    address = locate(where)
    password = server.login_password(role.value, PASSWORDS[role])
    return psycopg.connect(**address.conninfo(server.login_name(address.dbname, role.value),
                                              password), autocommit=True)


def _customer(session, name=NAME, id_number=ID_NUMBER, phone=PHONE):
    return editing.create_customer(session, editing.NewCustomer(
        name=name, id_type="resident_id", id_number=id_number, phone=phone,
        original_checked=True, consents={"contract": True},
        email="ouyang.mingyue@example.cn", province="北京市", city="北京市",
        district="朝阳区", street="建国路88号"))


# --- TLS: verify-full over TCP, the socket only without it ---------------------------------

def _tcp_address(cluster, dbname: str, ca=True) -> str:
    c = _started(cluster)
    base = f"postgresql://localhost:{c.port}/{dbname}"
    return base + (f"?sslrootcert={c.ca_file}" if ca else "")


def test_init_and_login_over_tls_with_the_certificate_checked(cluster, tmp_path, monkeypatch):
    c = _started(cluster)
    monkeypatch.setenv("CUSTOS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("PGPASSWORD", c.superuser_password)
    c.createdb("tls_branch")
    where = _tcp_address(cluster, "tls_branch") + f"&user={c.superuser}"
    created = accounts.create_database(where, "admin", PASSWORDS[Role.ADMIN])
    assert len(created.recovery_code) > 20
    monkeypatch.delenv("PGPASSWORD")
    # The CA was given once: the address alone now reaches the server.
    session = accounts.login(f"postgresql://localhost:{c.port}/tls_branch", "admin",
                             PASSWORDS[Role.ADMIN])
    with session.db.read() as conn:
        assert conn.exec_driver_sql("SELECT ssl FROM pg_stat_ssl WHERE pid = "
                                    "pg_backend_pid()").scalar() is True
    accounts.logout(session)
    with pytest.raises(LoginFailed):
        accounts.login(f"postgresql://localhost:{c.port}/tls_branch", "admin", "wrong-pass-1")


def test_a_tcp_address_without_a_ca_is_refused(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTOS_STATE_DIR", str(tmp_path))
    with pytest.raises(StoreError, match="CA file"):
        accounts.login(_tcp_address(cluster, "postgres", ca=False), "admin", "x-password-1")


def test_a_certificate_for_another_name_is_refused(cluster, tmp_path, monkeypatch):
    c = _started(cluster)
    monkeypatch.setenv("CUSTOS_STATE_DIR", str(tmp_path))
    c.use_wrong_cert(True)
    try:
        with pytest.raises(StoreError, match="certificate"):
            accounts.login(_tcp_address(cluster, "postgres"), "admin", "x-password-1")
    finally:
        c.use_wrong_cert(False)


def test_a_server_without_tls_is_refused(cluster, tmp_path, monkeypatch):
    c = _started(cluster)
    monkeypatch.setenv("CUSTOS_STATE_DIR", str(tmp_path))
    c.set_hba_plain_tcp(True, tls=False)
    try:
        with pytest.raises(StoreError, match="TLS"):
            accounts.login(_tcp_address(cluster, "postgres"), "admin", "x-password-1")
    finally:
        c.set_hba_plain_tcp(False, tls=True)


def test_an_address_with_unknown_settings_is_refused():
    with pytest.raises(StoreError, match="sslmode"):
        locate("postgresql://localhost/branch?sslmode=disable")
    with pytest.raises(StoreError, match="branch server address"):
        locate("postgresql://")


# --- what a staff login may do -------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET actor = 'someone'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "DELETE FROM consent_event",
    "TRUNCATE consent_event",
    "DELETE FROM paper_file",
    "ALTER TABLE customer ADD COLUMN note TEXT",
    "DROP TABLE customer_token",
    "CREATE TABLE mine (x int)",
    "DROP TRIGGER audit_event_no_update ON audit_event",
    "DELETE FROM server_change",
    "ALTER ROLE CURRENT_USER SUPERUSER",
    # What an insider tried against the first version (an attacker's review, issue 14):
    "CREATE TEMP TABLE server_change (x int)",  # shadowing our tables in a definer function
    "INSERT INTO audit_purge_gate (upto) VALUES (1000000)",
    "INSERT INTO user_role (user_id, role) VALUES (2, 'admin')",
    "INSERT INTO meta (key, value) VALUES ('audit_base', '99:x')",
    "SELECT custos_expire_audit(1000000, '1:x', '{}')",  # fresh events never expire
    "SELECT custos_set_login('admin', NULL, false)",  # another account's login
    "SELECT pg_advisory_unlock_all(); SELECT custos_set_login('nobody', NULL, false)",
])
def test_a_staff_login_cannot_change_the_log_the_ledgers_or_the_schema(where, statement):
    with _staff_conn(where, Role.MANAGER) as conn, pytest.raises(psycopg.Error):
        conn.execute(statement)


def test_the_consent_ledger_refuses_updates_even_where_granted(where):
    session = _login(where, Role.COUNTER)
    _customer(session)
    accounts.logout(session)
    with _staff_conn(where, Role.COUNTER) as conn, pytest.raises(psycopg.Error,
                                                                 match="append-only"):
        conn.execute("UPDATE consent_event SET granted = 1 - granted")


def test_a_change_made_outside_custos_is_recorded_and_reported(where):
    session = _login(where, Role.COUNTER)
    _customer(session)
    accounts.logout(session)
    with _staff_conn(where, Role.COUNTER) as conn:
        conn.execute("UPDATE customer SET status = 'closed'")
    manager = _login(where, Role.MANAGER)
    try:
        report = audit.verify(manager.db)
        assert not report.intact
        assert report.outside and "customer" in report.outside[0]
        assert server.login_name(locate(where).dbname, "counter") in report.outside[0]
    finally:
        accounts.logout(manager)


def test_custos_own_writes_leave_no_outside_change(where):
    session = _login(where, Role.COUNTER)
    _customer(session)
    assert audit.verify(session.db).intact
    accounts.logout(session)


# --- the server's superuser sees ciphertext ------------------------------------------------

def test_a_whole_dump_holds_no_customer_plaintext(where, cluster, tmp_path):
    session = _login(where, Role.COUNTER)
    _customer(session)
    accounts.logout(session)
    c = _started(cluster)
    dump = tmp_path / "all.sql"
    subprocess.run([str(c.bindir / "pg_dump"), "-h", str(c.socket_dir), "-p", str(c.port),
                    "-U", c.superuser, "-f", str(dump), locate(where).dbname],
                   check=True, env={**os.environ, "PGPASSWORD": c.superuser_password})
    text = dump.read_bytes()
    assert len(text) > 10_000
    for secret in (NAME, ID_NUMBER, PHONE, "ouyang.mingyue", "建国路88号", "朝阳区",
                   "ouyang", "mingyue"):
        assert secret.encode("utf-8") not in text, secret


# --- one clock -----------------------------------------------------------------------------

def test_every_stamp_follows_the_server_clock_not_the_pcs(where, monkeypatch):
    class Wrong(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime.now(tz) + real_datetime.timedelta(hours=5)

    session = _login(where, Role.COUNTER)
    try:
        monkeypatch.setattr(clock, "datetime", Wrong)
        audit.record(session.db, actor="counter", action="session.locked")
        with session.db.read() as conn:
            at = conn.exec_driver_sql("SELECT at FROM audit_event ORDER BY seq DESC "
                                      "LIMIT 1").scalar()
            now = conn.exec_driver_sql("SELECT clock_timestamp()").scalar()
        drift = abs((clock.parse_stamp(at) - now).total_seconds())
        assert drift < 60, drift
    finally:
        monkeypatch.undo()
        clock.follow_own_clock()
        accounts.logout(session)


# --- the network fails politely ------------------------------------------------------------

def test_a_server_stopped_mid_work_loses_nothing_and_work_resumes(where, cluster):
    c = _started(cluster)
    session = _login(where, Role.COUNTER)
    try:
        c.stop("immediate")
        try:
            with pytest.raises(StoreError, match="cannot be reached; nothing was saved"):
                _customer(session)
        finally:
            c.start_again()
        made = _customer(session, name="司马光", id_number="110105194912310046",
                         phone="13912345679")
        assert made.startswith("C")
    finally:
        accounts.logout(session)


def test_the_address_carries_no_secret():
    address = ServerAddress(host="branch.example", port=5432, dbname="b1",
                            owner="it", owner_password="s3cret")
    assert "s3cret" not in address.url() and "s3cret" not in repr(address)


@pytest.mark.parametrize("statement", [
    "UPDATE meta SET value = 'x' WHERE key IN ('audit_key', 'audit_base', 'db_id')",
    "UPDATE meta SET value = 'x' WHERE key LIKE 'keyroot:%'",
    "DELETE FROM meta WHERE key LIKE 'keyroot:%' OR key = 'audit_key'",
    "UPDATE \"user\" SET disabled = 1 WHERE username = 'admin'",
    "DELETE FROM user_role",
])
def test_a_staff_login_changes_no_protected_row(where, statement):
    """Row-level rules: the statement runs, and touches nothing it may not."""
    def snapshot(conn):
        return (conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall(),
                conn.execute('SELECT * FROM "user" ORDER BY id').fetchall(),
                conn.execute("SELECT * FROM user_role ORDER BY user_id, role").fetchall())

    with _staff_conn(where, Role.MANAGER) as conn:
        before = snapshot(conn)
        conn.execute(statement)
        assert snapshot(conn) == before


def test_a_held_write_lock_is_said_not_waited_for_forever(where, monkeypatch):
    from app.errors import DatabaseBusy

    monkeypatch.setattr(server, "LOCK_WAIT_S", 1)
    session = _login(where, Role.COUNTER)
    try:
        with _staff_conn(where, Role.ARCHIVE) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (server.WRITE_LOCK,))
            with pytest.raises(DatabaseBusy, match="has not finished"):
                _customer(session)
        assert _customer(session, name="司马光", id_number="110105194912310046",
                         phone="13912345679").startswith("C")  # and once it is free: saved
    finally:
        accounts.logout(session)
