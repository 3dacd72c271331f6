"""Opening the store: good and bad files, migrations with their backup, concurrent windows."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
from sqlalchemy import text

from app import accounts, audit
from app.errors import LoginFailed, StoreError, TooManyAttempts
from app.store import database, migrations
from app.store.keyring import FLOOR

from ..conftest import ADMIN_PW


def _snapshot(path):
    return {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}


def test_pragmas_on_every_connection(db_path):
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "foreign_keys", "secure_delete", "temp_store",
                                   "user_version", "cipher_version")}
    finally:
        accounts.logout(session)
    assert values["journal_mode"] == "wal"
    assert values["foreign_keys"] == 1 and values["secure_delete"] == 1
    assert values["temp_store"] == 2  # MEMORY
    assert values["user_version"] == migrations.LATEST
    assert values["cipher_version"].startswith("4.")


def test_file_is_not_plain_sqlite(db_path):
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db_path).execute("SELECT * FROM sqlite_master").fetchall()


@pytest.mark.parametrize("damage", ["random", "truncated", "plain", "empty", "folder"])
def test_bad_database_files_get_one_sentence_and_stay_untouched(db_path, damage):
    if damage == "random":
        db_path.write_bytes(bytes(range(256)) * 64)
    elif damage == "truncated":
        data = db_path.read_bytes()
        db_path.write_bytes(data[: len(data) // 2 + 100])
    elif damage == "plain":
        db_path.unlink()
        sqlite3.connect(db_path).execute("CREATE TABLE t(x)").connection.close()
    elif damage == "empty":
        db_path.write_bytes(b"")
    else:
        db_path.unlink()
        db_path.mkdir()
    before = _snapshot(db_path) if db_path.is_file() else None
    with pytest.raises(StoreError) as caught:
        accounts.login(db_path, "admin", ADMIN_PW)
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")
    if before is not None:
        assert _snapshot(db_path) == before


def test_missing_and_mismatched_key_ring(db_path, tmp_path):
    other = tmp_path / "other" / "b.custos"
    other.parent.mkdir()
    accounts.create_database(other, "admin", ADMIN_PW, kdf=FLOOR)
    shutil.copy(database.keyring_path(other), database.keyring_path(db_path))
    before = _snapshot(db_path)
    with pytest.raises(StoreError, match="does not belong"):
        accounts.login(db_path, "admin", ADMIN_PW)
    assert _snapshot(db_path) == before
    database.keyring_path(db_path).unlink()
    with pytest.raises(StoreError, match="missing"):
        accounts.login(db_path, "admin", ADMIN_PW)


def test_wrong_password_writes_nothing_to_db_or_ring(db_path):
    ring = database.keyring_path(db_path)
    before_db, before_ring = db_path.read_bytes(), ring.read_bytes()
    for user, pw in (("admin", "wrong-password"), ("nobody", ADMIN_PW)):
        with pytest.raises(LoginFailed, match="^Wrong username or password.$"):
            accounts.login(db_path, user, pw)
    assert db_path.read_bytes() == before_db and ring.read_bytes() == before_ring
    assert not database.attempts_path(db_path).read_text() == ""


def test_escalating_delay_then_failures_become_audit_events(db_path, monkeypatch):
    for _i in range(3):
        with pytest.raises(LoginFailed):
            accounts.login(db_path, "counter", "not-the-password")
    with pytest.raises(TooManyAttempts) as caught:
        accounts.login(db_path, "counter", "counter-password")
    assert caught.value.retry_after > 0
    monkeypatch.setattr("app.accounts.attempts.wait_seconds", lambda *_a: 0.0)
    session = accounts.login(db_path, "counter", "counter-password")
    accounts.logout(session)
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            failed = conn.execute(text("SELECT actor FROM audit_event WHERE action = "
                                       "'login.failed'")).scalars().all()
    finally:
        accounts.logout(session)
    assert failed == ["counter"] * 3
    assert not database.attempts_path(db_path).exists()


def test_migration_takes_a_backup_first(db_path, monkeypatch):
    nxt = migrations.LATEST + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS,
                                                   (nxt, "extra", "CREATE TABLE extra (x INTEGER);")])
    monkeypatch.setattr(migrations, "LATEST", nxt)
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == nxt
            conn.exec_driver_sql("SELECT count(*) FROM extra").scalar()
        key = session.db.key
    finally:
        accounts.logout(session)
    backups = list((db_path.parent / f"{db_path.name}.migration-backups").glob("*.custos"))
    assert len(backups) == 1
    copy = database.open_with_key(backups[0], key)  # opens, and is itself migrated on open
    copy.close()
    assert database.keyring_path(backups[0]).exists()


def test_newer_database_is_refused(db_path, monkeypatch):
    monkeypatch.setattr(migrations, "LATEST", 0)
    with pytest.raises(StoreError, match="newer version"):
        accounts.login(db_path, "admin", ADMIN_PW)


def test_two_windows_write_concurrently_without_locked_errors(db_path):
    first = accounts.login(db_path, "admin", ADMIN_PW)
    second = accounts.login(db_path, "admin", ADMIN_PW)
    errors = []

    def work(session, tag):
        try:
            for i in range(40):
                audit.record(session.db, actor=session.username, action="session.locked",
                             detail={"reason": f"{tag}{i}"})
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, t)) for s, t in ((first, "a"), (second, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert audit.verify(first.db).intact
    finally:
        accounts.logout(first)
        accounts.logout(second)


def test_migrations_yield_exactly_the_core_tables(db_path):
    import importlib
    import pkgutil

    import app.compliance

    for feature in ("archive", "customers", "oversight", "retention", "rights"):
        importlib.import_module(f"app.{feature}.tables")  # each registers its tables
    for part in pkgutil.iter_modules(app.compliance.__path__):  # the compliance file's
        if part.name.endswith("tables"):
            importlib.import_module(f"app.compliance.{part.name}")
    from app.store.schema import metadata

    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            names = [r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            actual = {n: {r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{n}")')}
                      for n in names}
    finally:
        accounts.logout(session)
    expected = {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    assert actual == expected


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
