"""Backups of the branch server, against a real one: `custos backup --db postgresql://…`
writes the same container (a pg_dump of the database, its key ring, the manifest), taken
as the acting account's own login; `backup verify` restores it into a scratch database
and checks it there; `backup restore` fills an empty database only; bad input, one
sentence each."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import psycopg
import pytest

from app import accounts, audit
from app.backup import server_dump
from app.backup.archive_file import DUMP_NAME, MANIFEST_NAME, RING_NAME, read_manifest
from app.cli import main
from app.errors import StoreError
from app.security.roles import Role
from app.store import server
from app.store.keyring import FLOOR
from app.store.place import locate
from tests import pgserver
from tests.conftest import ADMIN_PW, PASSWORDS, make_database


@pytest.fixture(scope="module")
def cluster(pg_cluster):
    return pg_cluster


@pytest.fixture(scope="module")
def template(cluster):
    return pgserver.new_template(cluster, make_database)


@pytest.fixture
def where(cluster, template):
    return pgserver.clone(cluster, template, PASSWORDS)


@pytest.fixture
def as_admin(monkeypatch):
    monkeypatch.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)


def _as_owner(monkeypatch, cluster) -> None:
    monkeypatch.setenv("PGUSER", cluster.superuser)
    monkeypatch.setenv("PGPASSWORD", cluster.superuser_password)


def _backup(where: str, folder: Path, capsys) -> Path:
    assert main(["backup", "--db", where, "--user", "admin", "--to", str(folder)]) == 0
    return Path(capsys.readouterr().out.strip())


def _new_database(cluster, name: str) -> str:
    with cluster.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return cluster.address(name)


def _spy_tools(monkeypatch) -> list[tuple[list[str], dict]]:
    runs: list[tuple[list[str], dict]] = []
    real = server_dump.subprocess.Popen

    def spy(args, **kw):
        runs.append((list(args), dict(kw.get("env") or {})))
        return real(args, **kw)

    monkeypatch.setattr(server_dump.subprocess, "Popen", spy)
    return runs


def _with_manifest(path: Path, change) -> Path:
    """A copy of the backup whose manifest `change(fields)` edited."""
    edited = path.with_name("edited-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(edited, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == MANIFEST_NAME:
                fields = json.loads(data)
                change(fields)
                data = json.dumps(fields).encode()
            dst.writestr(info, data)
    return edited


# --- taking one ----------------------------------------------------------------------------

def test_a_server_backup_is_the_same_container_taken_as_the_accounts_own_login(
        where, tmp_path, capsys, monkeypatch, as_admin):
    runs = _spy_tools(monkeypatch)
    path = _backup(where, tmp_path, capsys)
    manifest = read_manifest(path)
    assert path.name.startswith(locate(where).dbname) and path.suffix == ".custos-backup"
    assert manifest.is_server and manifest.created_by == "admin"
    assert manifest.key_ring.startswith("table key_ring")
    assert manifest.row_counts["key_ring"] == 1 and manifest.row_counts["user"] == 4
    assert set(manifest.sha256) == {DUMP_NAME, RING_NAME}
    with zipfile.ZipFile(path) as z:
        assert z.read(DUMP_NAME)[:5] == b"PGDMP"  # pg_dump's custom format
    session = accounts.login(where, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            at_head = conn.exec_driver_sql("SELECT hash FROM audit_event WHERE seq = %s",
                                           (manifest.audit_events,)).scalar()
            taken = conn.exec_driver_sql("SELECT seq, detail FROM audit_event WHERE action "
                                         "= 'backup.created'").one()
    finally:
        accounts.logout(session)
    assert at_head == manifest.audit_head and taken.seq == manifest.audit_events + 1
    assert json.loads(taken.detail)["file"] == path.name
    (args, env), = runs
    address = locate(where)
    derived = server.login_password("admin", ADMIN_PW)
    assert Path(args[0]).name == "pg_dump" and "--format=custom" in args
    assert env["PGUSER"] == server.login_name(address.dbname, "admin")
    assert env["PGPASSWORD"] == derived
    assert not any(derived in arg or ADMIN_PW in arg for arg in args)


def test_backup_and_verify_over_tls_check_the_certificate(cluster, tmp_path, capsys,
                                                          monkeypatch, as_admin):
    if not isinstance(cluster, pgserver.Started):
        pytest.skip("needs a cluster this run started (TLS)")
    c = cluster.cluster
    c.createdb("tls_backup")
    tcp = f"postgresql://localhost:{c.port}/tls_backup?sslrootcert={c.ca_file}"
    _as_owner(monkeypatch, cluster)
    accounts.create_database(tcp, "admin", ADMIN_PW, kdf=FLOOR)
    monkeypatch.delenv("PGUSER")
    monkeypatch.delenv("PGPASSWORD")
    runs = _spy_tools(monkeypatch)
    path = _backup(tcp, tmp_path, capsys)
    (_args, env), = runs
    assert env["PGSSLMODE"] == "verify-full" and env["PGSSLROOTCERT"] == str(c.ca_file)
    assert env["PGHOST"] == "localhost"
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "verify", str(path), "--db", tcp]) == 0
    assert "sound" in capsys.readouterr().out


def test_a_server_that_goes_away_mid_backup_is_one_sentence_and_leaves_no_file(
        where, cluster, tmp_path, capsys, monkeypatch, as_admin):
    if not isinstance(cluster, pgserver.Started):
        pytest.skip("needs a cluster this run started (stop and start)")
    real = server_dump.start_dump

    def server_stops(*args, **kw):  # the snapshot is exported; then the server goes
        cluster.cluster.stop("immediate")
        return real(*args, **kw)

    monkeypatch.setattr(server_dump, "start_dump", server_stops)
    out = tmp_path / "out"
    out.mkdir()
    try:
        assert main(["backup", "--db", where, "--user", "admin", "--to", str(out)]) == 1
    finally:
        cluster.cluster.start_again()
    err = capsys.readouterr().err
    assert "went away during the backup; no backup was written" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(out.iterdir()) == []
    monkeypatch.setattr(server_dump, "start_dump", real)
    assert read_manifest(_backup(where, out, capsys)).is_server  # and works again


# --- verifying one -------------------------------------------------------------------------

def _scratch_databases(cluster) -> list[str]:
    with cluster.connect() as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname "
                                           "LIKE 'custos_verify_%'")]


def test_verify_restores_into_a_scratch_database_checks_it_and_drops_it(
        where, cluster, tmp_path, capsys, monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "verify", str(path), "--db", where]) == 0
    out = capsys.readouterr().out
    assert "The backup is sound" in out and "pg_amcheck was not run" not in out
    assert _scratch_databases(cluster) == []


def test_verify_finds_counts_that_differ_from_the_manifest(where, cluster, tmp_path, capsys,
                                                           monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    edited = _with_manifest(path, lambda m: m["row_counts"].update(customer=5))
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "verify", str(edited), "--db", where]) == 1
    assert "row counts" in capsys.readouterr().err
    assert _scratch_databases(cluster) == []


def test_verify_walks_the_audit_chain_and_its_signatures(where, cluster, tmp_path, capsys,
                                                         monkeypatch, as_admin):
    with cluster.connect(locate(where).dbname) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # no triggers, no trail
        conn.execute("UPDATE audit_event SET actor = 'someone' WHERE seq = 3")
    path = _backup(where, tmp_path, capsys)
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "verify", str(path), "--db", where]) == 1
    assert "The audit log in the backup is broken at event 3" in capsys.readouterr().err


def test_verify_without_createdb_says_so(where, cluster, tmp_path, capsys, monkeypatch,
                                         as_admin):
    path = _backup(where, tmp_path, capsys)
    with cluster.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS it_nocreate")
        conn.execute("CREATE ROLE it_nocreate LOGIN NOCREATEDB PASSWORD 'it-password-1'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{locate(where).dbname}" TO it_nocreate')
    monkeypatch.setenv("PGUSER", "it_nocreate")
    monkeypatch.setenv("PGPASSWORD", "it-password-1")
    assert main(["backup", "verify", str(path), "--db", where]) == 1
    err = capsys.readouterr().err
    assert "CREATEDB" in err and len(err.strip().splitlines()) == 1


def test_an_owner_who_is_not_a_superuser_verifies_without_amcheck_and_says_so(
        where, cluster, tmp_path, capsys, monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    with cluster.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS it_owner")
        conn.execute("CREATE ROLE it_owner LOGIN CREATEDB CREATEROLE "
                     "PASSWORD 'it-password-1'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{locate(where).dbname}" TO it_owner')
    monkeypatch.setenv("PGUSER", "it_owner")
    monkeypatch.setenv("PGPASSWORD", "it-password-1")
    assert main(["backup", "verify", str(path), "--db", where]) == 0
    out = capsys.readouterr().out
    assert "The backup is sound" in out and "pg_amcheck was not run" in out
    assert _scratch_databases(cluster) == []


# --- restoring one -------------------------------------------------------------------------

def test_restore_fills_an_empty_database_and_the_restorer_can_let_the_others_back_in(
        where, cluster, tmp_path, capsys, monkeypatch, as_admin):
    counter = accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    accounts.logout(counter)
    path = _backup(where, tmp_path, capsys)
    target = _new_database(cluster, "restored_branch")
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "restore", str(path), "--db", target, "--user", "admin"]) == 0
    err = capsys.readouterr().err
    assert "Restored into restored_branch" in err
    assert "archive, counter, manager" in err  # no logins under this database's name yet
    monkeypatch.delenv("PGUSER")
    monkeypatch.delenv("PGPASSWORD")
    admin = accounts.login(target, "admin", ADMIN_PW)
    try:
        assert audit.verify(admin.db).intact
        with admin.db.read() as conn:
            restored = conn.exec_driver_sql("SELECT detail FROM audit_event WHERE action = "
                                            "'backup.restored'").scalar()
        assert json.loads(restored)["file"] == path.name
        accounts.reset_password(admin, "counter", "counter-new-password-1")
    finally:
        accounts.logout(admin)
    accounts.logout(accounts.login(target, "counter", "counter-new-password-1"))
    # The compliance file's rules (store/server_guards.py) hold in the copy too: the
    # dump keeps no grants, the restore gives them again.
    name = locate(target).dbname
    with cluster.connect(name) as conn:
        assert conn.execute("SELECT has_function_privilege(%s, 'custos_login_holds(text)', "
                            "'EXECUTE')", (server.staff_group(name),)).fetchone()[0]
        assert conn.execute("SELECT relrowsecurity FROM pg_class WHERE relname = "
                            "'export_approval'").fetchone()[0]
    with psycopg.connect(**locate(target).conninfo(
            server.login_name(name, "counter"),
            server.login_password("counter", "counter-new-password-1")),
            autocommit=True) as conn, pytest.raises(psycopg.Error):
        conn.execute("DELETE FROM export_approval")


def test_restore_refuses_a_database_that_is_not_empty(where, cluster, tmp_path, capsys,
                                                      monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "restore", str(path), "--db", where, "--user", "admin"]) == 1
    assert "is not empty; a backup is restored only into an empty database" in \
        capsys.readouterr().err


def test_restore_checks_the_password_before_anything_is_written(where, cluster, tmp_path,
                                                                capsys, monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    target = _new_database(cluster, "restored_wrong_pw")
    _as_owner(monkeypatch, cluster)
    monkeypatch.setenv("CUSTOS_PASSWORD", "not-the-password-1")
    assert main(["backup", "restore", str(path), "--db", target, "--user", "admin"]) == 1
    assert "Wrong username or password" in capsys.readouterr().err
    with cluster.connect("restored_wrong_pw") as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                            ).fetchone()[0] == 0


# --- bad input -----------------------------------------------------------------------------

@pytest.fixture
def file_backup(tmp_path, capsys, as_admin) -> Path:
    db = tmp_path / "one-pc.custos"
    accounts.create_database(db, "admin", ADMIN_PW, kdf=FLOOR)
    folder = tmp_path / "file-backups"
    folder.mkdir()
    return _backup(str(db), folder, capsys)


def test_a_file_backup_given_to_a_server_and_a_server_backup_given_as_a_file(
        where, cluster, file_backup, tmp_path, capsys, monkeypatch):
    server_backup = _backup(where, tmp_path, capsys)
    _as_owner(monkeypatch, cluster)
    for argv, said in (
            (["backup", "verify", str(file_backup), "--db", where],
             "is a backup of a database file, not of a branch server"),
            (["backup", "restore", str(file_backup), "--db", where, "--user", "admin"],
             "is a backup of a database file, not of a branch server"),
            (["backup", "verify", str(server_backup), "--user", "admin"],
             "is a backup of a branch server, not of a database file"),
            (["backup", "restore", str(server_backup), "--db", str(tmp_path / "x.custos"),
              "--user", "admin"],
             "is a backup of a branch server, not of a database file")):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert said in err and len(err.strip().splitlines()) == 1, err


def test_a_truncated_server_backup_is_one_sentence(where, cluster, tmp_path, capsys,
                                                   monkeypatch, as_admin):
    path = _backup(where, tmp_path, capsys)
    cut = tmp_path / "cut.custos-backup"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _as_owner(monkeypatch, cluster)
    for argv in (["backup", "verify", str(cut), "--db", where],
                 ["backup", "restore", str(cut), "--db", where, "--user", "admin"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "is damaged or is not a Custos backup" in err, err


def test_a_damaged_dump_part_is_named(where, cluster, tmp_path, capsys, monkeypatch,
                                      as_admin):
    path = _backup(where, tmp_path, capsys)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(DUMP_NAME)
    middle = info.header_offset + 30 + len(DUMP_NAME) + info.file_size // 2
    raw[middle] ^= 0xFF
    flipped = tmp_path / "flipped.custos-backup"
    flipped.write_bytes(bytes(raw))
    _as_owner(monkeypatch, cluster)
    assert main(["backup", "verify", str(flipped), "--db", where]) == 1
    assert f"{DUMP_NAME} does not match its checksum" in capsys.readouterr().err


def test_pg_dump_refused_a_table_is_named(where, cluster, tmp_path, capsys, as_admin):
    grant = f'SELECT ON SEQUENCE server_change_id_seq {{}} "{pgserver._staff_of(where)}"'
    with cluster.connect(locate(where).dbname) as conn:
        conn.execute("REVOKE " + grant.format("FROM"))
        out = tmp_path / "out"
        out.mkdir()
        try:
            assert main(["backup", "--db", where, "--user", "admin", "--to", str(out)]) == 1
        finally:
            conn.execute("GRANT " + grant.format("TO"))
    err = capsys.readouterr().err
    assert "may not read" in err and "server_change_id_seq" in err
    assert list(out.iterdir()) == []


def test_no_pg_dump_on_this_pc_is_one_sentence(where, tmp_path, capsys, monkeypatch,
                                               as_admin):
    monkeypatch.setenv("CUSTOS_PG_BINDIR", "")
    monkeypatch.setattr(server_dump.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(server_dump.shutil, "which", lambda name: None)
    assert main(["backup", "--db", where, "--user", "admin", "--to", str(tmp_path)]) == 1
    assert "client tools (pg_dump) are not installed" in capsys.readouterr().err


def test_a_file_backups_manifest_reads_as_before_and_a_strange_store_is_refused(
        file_backup, tmp_path):
    with zipfile.ZipFile(file_backup) as z:
        fields = json.loads(z.read(MANIFEST_NAME))
    assert "store" not in fields and "key_ring" not in fields  # older versions read it
    assert not read_manifest(file_backup).is_server
    strange = _with_manifest(file_backup, lambda m: m.update(store="cloud"))
    with pytest.raises(StoreError, match="manifest of the backup .* is damaged"):
        read_manifest(strange)
