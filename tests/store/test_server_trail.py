"""The server's own trail (store/server_trail.py): whatever a staff login does with psql is
either refused or reported by `custos audit verify`, and Custos's own work reports nothing.
The insider here knows their own Custos password, so their PostgreSQL login's too."""

from __future__ import annotations

import os

import psycopg
import pytest

from app import accounts, audit
from app.archive import loans, registry
from app.cli import main
from app.security.roles import Role
from app.store import server
from app.store.place import locate
from app.store.server_trail import NOTE_HISTORY, OPERATIONS, TRAIL
from tests import pgserver
from tests.conftest import PASSWORDS
from tests.store.test_server import _customer, _login
from tests.store.test_server import _staff_conn as _psql  # an insider's own login, by hand


@pytest.fixture
def where(server_db):
    return server_db  # a fresh clone of this module's server template (tests/conftest.py)


def _records(where) -> None:
    """A customer (with its consent), a paper file for it, lent: Custos's own work."""
    counter = _login(where, Role.COUNTER)
    number = _customer(counter)
    accounts.logout(counter)
    archive = _login(where, Role.ARCHIVE)
    loans.lend(archive, registry.register_file(archive, "service_agreement",
                                               customer_no=number, box="B-01"),
               "counter", "Contract check")
    accounts.logout(archive)


def _verify(where, capsys, monkeypatch) -> tuple[int, str]:
    """`custos audit verify` as the manager: (exit code, what it said on stderr)."""
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    code = main(["audit", "verify", "--db", where, "--user", "manager"])
    return code, capsys.readouterr().err


FORGED_EVENT = ("INSERT INTO audit_event (seq, at, actor, action, outcome, detail, prev_hash, "
                "hash, signer, signature, txid) SELECT max(seq) + 1, '2026-01-01T00:00:00Z', "
                "{who!r}, 'customer.viewed', 'ok', '{{}}', 'x', 'y', {who!r}, 'z', 1 "
                "FROM audit_event")

# (what the insider runs in one transaction, the kind and table verify must name)
REPORTED = [
    ("SELECT set_config('custos.app', 'on', true); UPDATE customer SET status = 'closed'",
     "UPDATE customer"),
    ("SET LOCAL custos.resealing = 'on'; UPDATE consent_event SET note = '\\x00'::bytea",
     "UPDATE consent_event"),
    ("UPDATE customer SET street = 'x', email = NULL", "UPDATE customer"),
    ("DELETE FROM loan", "DELETE loan"),
    ("UPDATE rights_request SET status = status", None),  # none there: nothing changed
]


@pytest.mark.parametrize(("statement", "named"), REPORTED)
def test_a_change_by_hand_is_reported_by_audit_verify(where, statement, named, capsys,
                                                      monkeypatch):
    _records(where)
    first = _verify(where, capsys, monkeypatch)
    assert first[0] == 0, first[1]
    with _psql(where, Role.COUNTER) as conn, conn.transaction():
        conn.execute(statement)
    code, said = _verify(where, capsys, monkeypatch)
    login = server.login_name(locate(where).dbname, "counter")
    if named is None:
        assert code == 0 and "outside" not in said
        return
    assert code == 1
    lines = [ln for ln in said.splitlines() if ln.startswith("changed outside Custos:")]
    assert len(lines) == 1 and f"{login}: {named} (" in lines[0], said
    assert "chain intact" in said


REFUSED = [
    # an event under another account's name, or under none
    FORGED_EVENT.format(who="manager"),
    FORGED_EVENT.replace("{who!r}, 'z'", "NULL, NULL").format(who="counter"),
    # the ledger's other columns, whatever the transaction says of itself
    "SET LOCAL custos.resealing = 'on'; UPDATE consent_event SET granted = 1 - granted",
    # the owner's notes and the history: read only
    f"INSERT INTO {OPERATIONS} (kind) VALUES ('init')",
    f"DELETE FROM {NOTE_HISTORY}",
    f"UPDATE {TRAIL} SET login = 'someone'",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_stamp",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_what_would_hide_a_change_is_refused(where, statement):
    _records(where)
    with _psql(where, Role.COUNTER) as conn, pytest.raises(psycopg.Error), conn.transaction():
        conn.execute(statement)


def test_a_rewritten_consent_note_keeps_its_former_ciphertext(where):
    _records(where)
    with _psql(where, Role.COUNTER) as conn:
        before = conn.execute("SELECT id, note FROM consent_event").fetchall()
        conn.execute("UPDATE consent_event SET note = '\\x00'::bytea")
        kept = conn.execute(f"SELECT consent_id, note, login FROM {NOTE_HISTORY}").fetchall()
    login = server.login_name(locate(where).dbname, "counter")
    assert sorted((i, bytes(n), login) for i, n in before) == \
        sorted((i, bytes(n), who) for i, n, who in kept)


def test_each_event_carries_its_transaction_and_the_changes_of_it(where):
    """The stamp is the server's, not what a client sent; Custos's changes share it."""
    _records(where)
    with _psql(where, Role.MANAGER) as conn:
        events = conn.execute("SELECT txid, tx_at FROM audit_event WHERE action = "
                              "'customer.created'").fetchall()
        assert len(events) == 1 and events[0][0] is not None
        changed = {r[0] for r in conn.execute(
            f"SELECT table_name FROM {TRAIL} WHERE txid = %s AND at = %s", events[0])}
        assert conn.execute(f"SELECT count(*) FROM {TRAIL} WHERE table_name = "
                            "'audit_event'").fetchone()[0] == 0  # the log: stamped instead
    assert {"customer", "consent_event"} <= changed


def test_custos_itself_leaves_nothing_outside(where, capsys, monkeypatch):
    _records(where)
    manager = _login(where, Role.MANAGER)
    try:
        report = audit.verify(manager.db)
    finally:
        accounts.logout(manager)
    assert report.intact and not report.outside
    assert _verify(where, capsys, monkeypatch)[0] == 0


def test_the_owner_operations_are_noted_not_reported(where):
    with _psql(where, Role.MANAGER) as conn:
        kinds = {r[0] for r in conn.execute(f"SELECT kind FROM {OPERATIONS}")}
    assert kinds == {"init"}


# --- a database as issue 14 left it (trail level 1) is brought to this one ---------------

def _fn(name: str, body: str, definer: str = "SECURITY DEFINER") -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {definer} "
            f"SET search_path = pg_catalog, public, pg_temp AS $$ {body} $$")


LEVEL_1 = [
    "SET LOCAL session_replication_role = replica",
    "DROP TRIGGER audit_event_stamp ON audit_event", "DROP FUNCTION audit_event_stamp_fn()",
    "ALTER TABLE audit_event DROP COLUMN txid, DROP COLUMN tx_at",
    f"DROP TABLE {OPERATIONS}", f"DROP TABLE {NOTE_HISTORY}", f"DROP INDEX {TRAIL}_at",
    f"DELETE FROM {TRAIL}", "DELETE FROM meta WHERE key = 'server_trail'",
    f"ALTER TABLE {TRAIL} ALTER COLUMN at SET DEFAULT clock_timestamp()",
    _fn("custos_trail", "DECLARE n BIGINT; BEGIN IF COALESCE(current_setting('custos.app', "
        "true), '') = 'on' THEN RETURN NULL; END IF; IF TG_OP = 'DELETE' THEN SELECT count(*) "
        "INTO n FROM old_rows; ELSIF TG_OP = 'TRUNCATE' THEN n := -1; ELSE SELECT count(*) "
        "INTO n FROM new_rows; END IF; IF n <> 0 THEN INSERT INTO public.server_change "
        "(table_name, op, row_count) VALUES (TG_TABLE_NAME, TG_OP, n); END IF; RETURN NULL; "
        "END"),
    _fn("consent_event_no_update_fn", "BEGIN IF COALESCE(current_setting('custos.resealing', "
        "true), '') = 'on' AND (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN "
        "RETURN NEW; END IF; RAISE EXCEPTION 'the consent ledger is append-only'; END", ""),
    *(f"CREATE TRIGGER audit_event_trail_{op.lower()} AFTER {op} ON audit_event {ref} FOR "
      "EACH STATEMENT EXECUTE FUNCTION custos_trail()"
      for op, ref in (("INSERT", "REFERENCING NEW TABLE AS new_rows"),
                      ("DELETE", "REFERENCING OLD TABLE AS old_rows"), ("TRUNCATE", ""))),
]


def _shape(cluster, dbname: str) -> tuple:
    with cluster.connect(dbname) as conn:
        return tuple(sorted(tuple(map(str, r)) for r in conn.execute(query)) for query in (
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT tgname, tgrelid::regclass, tgtype FROM pg_trigger WHERE NOT tgisinternal",
            "SELECT proname, prosrc, prosecdef FROM pg_proc WHERE pronamespace = "
            "'public'::regnamespace AND proname NOT IN ('custos_login_name', "
            "'custos_set_login', 'custos_set_recovery_login', 'custos_recover_login')",
            # these name their database
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))


def test_custos_upgrade_brings_an_issue_14_trail_to_this_one(pg_cluster, server_template,
                                                             capsys, monkeypatch):
    from app.accounts.server_init import upgrade
    from app.errors import StoreError

    old, new = (pgserver.clone(pg_cluster, server_template, PASSWORDS) for _ in range(2))
    old_name, new_name = (locate(w).dbname for w in (old, new))
    with pg_cluster.connect(old_name) as conn, conn.transaction():
        for statement in LEVEL_1:
            conn.execute(statement)
        # A clone's logins are in its template's group; upgrade grants to the clone's own.
        staff = server.staff_group(old_name)
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (staff,)).fetchone():
            conn.execute(f'CREATE ROLE "{staff}" NOLOGIN')
        conn.execute(f'GRANT "{staff}" TO "{pgserver._staff_of(old)}"')
    with pytest.raises(StoreError, match="older version"):
        _login(old, Role.COUNTER)
    if pg_cluster.superuser_password:
        monkeypatch.setenv("PGPASSWORD", pg_cluster.superuser_password)
    upgrade(locate(pgserver.owner_address(pg_cluster, old_name)))
    got, want = _shape(pg_cluster, old_name), _shape(pg_cluster, new_name)
    for part_got, part_want in zip(got, want, strict=True):
        assert set(part_got) ^ set(part_want) == set()
    _records(old)
    assert _verify(old, capsys, monkeypatch)[0] == 0  # the upgrade: the owner's, noted
    with _psql(old, Role.COUNTER) as conn, conn.transaction():
        conn.execute("SELECT set_config('custos.app', 'on', true)")
        conn.execute("DELETE FROM loan")
    code, said = _verify(old, capsys, monkeypatch)
    assert code == 1 and "DELETE loan (1 rows)" in said


def test_the_trail_expires_with_the_audit_log_and_no_sooner(where, pg_cluster):
    """custos_expire_audit takes the trail of the transactions it expires, nothing younger
    than three years (retention's own tests cover the chain's base)."""
    from app.store.server_trail import outside_sql

    _records(where)
    name = locate(where).dbname
    with pg_cluster.connect(name) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # as if years went by
        upto, until = conn.execute(
            "SELECT max(seq), max(tx_at) FROM audit_event WHERE tx_at <= "
            "(SELECT tx_at FROM audit_event WHERE seq = 5)").fetchone()
        conn.execute("UPDATE audit_event SET at = '2020-01-01T00:00:00Z', "
                     "tx_at = tx_at - interval '4 years' WHERE seq <= %s", (upto,))
        for table in (TRAIL, OPERATIONS):
            conn.execute(f"UPDATE {table} SET at = at - interval '4 years' WHERE at <= %s",
                         (until,))
        younger = {r[0] for r in conn.execute(f"SELECT id FROM {TRAIL} WHERE at > %s",
                                              (until,))}
    with _psql(where, Role.MANAGER) as conn:
        conn.execute("SELECT custos_expire_audit(%s, %s, '{}')", (upto, f"{upto}:x"))
    with pg_cluster.connect(name) as conn:
        left = {r[0]: r[1] for r in conn.execute(f"SELECT id, at FROM {TRAIL}")}
        assert younger and younger <= set(left) and min(left.values()) > until
        assert conn.execute(f"SELECT count(*) FROM {OPERATIONS}").fetchone()[0] == 0
        # what is reported: the expiry itself, called by hand here without an event
        assert {r[3] for r in conn.execute(outside_sql())} == {"audit_purge_gate", "meta"}


def test_the_demo_on_the_server_leaves_nothing_outside(pg_cluster, monkeypatch):
    """`custos demo --db postgresql://…`: half a year of other accounts' events (written by
    the owner login, each still signed by its account) and today's records, all on record:
    verify finds the chain intact and no change made outside Custos."""
    from app.demo import create_demo

    name = f"demo_{os.getpid()}"
    with pg_cluster.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    if pg_cluster.superuser_password:
        monkeypatch.setenv("PGPASSWORD", pg_cluster.superuser_password)
    create_demo(pgserver.owner_address(pg_cluster, name), customers=60)
    manager = accounts.login(pg_cluster.address(name), "manager", "manager-demo-1")
    try:
        report = audit.verify(manager.db)
    finally:
        accounts.logout(manager)
    assert report.intact and not report.outside, report.outside
