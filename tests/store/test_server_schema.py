"""One schema source, two stores: the file and the server hold the same tables, columns,
nullability, defaults, keys, indexes and triggers (store/server_schema.py says the
differences, and this test holds it to them)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import inspect

from app import accounts
from app.security.roles import Role
from app.store import server_schema
from app.store.fields import SEALED
from app.store.keyring import FLOOR
from app.store.sealing import PLAINTEXT_INDEXES
from tests import pgserver
from tests.conftest import PASSWORDS, make_database

SERVER_ONLY_TABLES = {*server_schema.SERVER_ONLY, "key_ring", "key_slot", "key_ring_history"}
# The server's stamp on each audit event: its transaction (store/server_trail.py).
SERVER_ONLY_COLUMNS = {("audit_event", "txid"), ("audit_event", "tx_at")}
SERVER_ONLY_INDEXES = {"audit_event_txid"}


@pytest.fixture(scope="module")
def stores(pg_cluster, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "branch.custos"
    accounts.create_database(path, "admin", PASSWORDS[Role.ADMIN], kdf=FLOOR)
    where = pgserver.clone(pg_cluster, pgserver.new_template(pg_cluster, make_database),
                           PASSWORDS)
    file_session = accounts.login(path, "admin", PASSWORDS[Role.ADMIN])
    server_session = accounts.login(where, "admin", PASSWORDS[Role.ADMIN])
    yield file_session.db, server_session.db
    accounts.logout(file_session)
    accounts.logout(server_session)


def _catalogue(db) -> dict:
    with db.engine.connect() as conn:
        found = inspect(conn)
        out = {}
        for table in found.get_table_names():
            if table in SERVER_ONLY_TABLES:
                continue
            columns = {c["name"]: (not c["nullable"],
                                   _default(c["default"]))
                       for c in found.get_columns(table)
                       if (table, c["name"]) not in SERVER_ONLY_COLUMNS}
            out[table] = {
                "columns": columns,
                "primary_key": tuple(found.get_pk_constraint(table)["constrained_columns"]),
                "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                        tuple(f["referred_columns"]))
                                       for f in found.get_foreign_keys(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in found.get_indexes(table)
                                  if not i["name"].endswith("_nocase")
                                  and i["name"] not in SERVER_ONLY_INDEXES
                                  and not i.get("duplicates_constraint")
                                  and None not in i["column_names"]),
                "uniques": sorted(tuple(u["column_names"])
                                  for u in found.get_unique_constraints(table)),
            }
        return out


def _default(text):
    """A default as both stores spell it: 0, 'active', ''."""
    if text is None:
        return None
    text = str(text).split("::")[0].strip("()")
    return text


def test_both_stores_have_the_same_tables_columns_keys_and_indexes(stores):
    file_db, server_db = stores
    on_file, on_server = _catalogue(file_db), _catalogue(server_db)
    assert sorted(on_file) == sorted(on_server)
    for table, want in on_file.items():
        got = on_server[table]
        for name, (notnull, default) in want["columns"].items():
            sealed = name in SEALED.get(table, {})
            assert name in got["columns"], (table, name)
            assert got["columns"][name][0] == notnull, (table, name)
            if not sealed:  # sealed columns are BYTEA on the server: no text default
                assert got["columns"][name][1] == default, (table, name)
        assert set(got["columns"]) == set(want["columns"]), table
        assert got["primary_key"] == want["primary_key"], table
        assert got["foreign_keys"] == want["foreign_keys"], table
        assert got["indexes"] == [i for i in want["indexes"]
                                  if i[0] not in PLAINTEXT_INDEXES], table
        # user.username: unique ignoring case in both (NOCASE, lower() index)
        assert set(got["uniques"]) | ({("username",)} if table == "user" else set()) \
            == set(want["uniques"]), table


def test_both_stores_have_the_same_triggers(stores):
    file_db, server_db = stores
    with file_db.engine.connect() as conn:
        on_file = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    with server_db.engine.connect() as conn:
        on_server = {r[0] for r in conn.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert on_file <= on_server
    extra = on_server - on_file
    assert all("_trail_" in t or t.endswith(("_rowid", "_no_truncate", "_kept", "_rule",
                                              "_fixed", "_not_emptied", "_stamp"))
               for t in extra), extra
    with server_db.engine.connect() as conn:
        trailed = {r[0] for r in conn.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass")}
    assert "audit_event_stamp" in trailed and not any("_trail_" in t for t in trailed)


def test_sealed_columns_are_bytes_on_the_server(stores):
    _file_db, server_db = stores
    with server_db.engine.connect() as conn:
        types = {(r[0], r[1]): r[2] for r in conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public'")}
    for table, columns in SEALED.items():
        if table == "audit_detail":
            continue
        for column in columns:
            assert types[(table, column)] == "bytea", (table, column)
    assert types[("customer_token", "token")] == "bigint"


def _columns(cluster, dbname: str) -> set:
    with cluster.connect(dbname) as conn:
        return {tuple(r) for r in conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public'")}


def test_an_older_server_database_is_upgraded_to_the_same_schema(pg_cluster, monkeypatch):
    """custos upgrade: what migration 13 added reaches a server database made at step 12
    exactly as a new one has it."""
    from app.accounts.server_init import upgrade
    from app.store import server
    from app.store.migrations import LATEST
    from app.store.place import locate

    names = {}
    for kind, upto in (("old", 12), ("new", None)):
        name = f"upgrade_{kind}_{os.getpid()}"
        with pg_cluster.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        staff = server.staff_group(name)
        with pg_cluster.connect(name) as conn:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                (staff,)).fetchone():
                conn.execute(f'CREATE ROLE "{staff}" NOLOGIN')
            for statement in server_schema.build_sql(staff, upto):
                conn.execute(statement)
            conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', %s)",
                         (str(upto or LATEST),))
        names[kind] = name
    if pg_cluster.superuser_password:
        monkeypatch.setenv("PGPASSWORD", pg_cluster.superuser_password)
    address = locate(pgserver.owner_address(pg_cluster, names["old"]))
    assert upgrade(address) == (12, LATEST)
    assert _columns(pg_cluster, names["old"]) == _columns(pg_cluster, names["new"])
    assert upgrade(address) == (LATEST, LATEST)  # twice: nothing more to do
