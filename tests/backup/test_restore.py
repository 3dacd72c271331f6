"""Restore is an administrator's act on this database: who may restore what, and the trace."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts
from app.accounts import users
from app.audit import ev
from app.backup import restoring, service
from app.backup.archive_file import DB_NAME, MANIFEST_NAME, RING_NAME, read_manifest
from app.cli import main
from app.errors import (
    DatabaseBusy,
    DiskFull,
    KeyChanged,
    LoginFailed,
    PermissionDenied,
    ReadOnly,
    StoreError,
    ValidationError,
)
from app.security.roles import Role
from app.store import database
from app.store.keyring import FLOOR, KeyRing

from ..conftest import ADMIN_PW, PASSWORDS


def _events(db_path: Path, action: str, user: str = "admin", password: str = ADMIN_PW
            ) -> list:
    session = accounts.login(db_path, user, password)
    try:
        with session.db.read() as conn:
            return conn.execute(select(ev).where(ev.c.action == action)).all()
    finally:
        accounts.logout(session)


@pytest.fixture
def backup(login, tmp_path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    path = service.take_backup(login(Role.ADMIN), folder)
    return path


@pytest.fixture
def other_db(tmp_path) -> Path:
    """An unrelated database, whose administrator is "chief"."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = folder / "branch.custos"
    accounts.create_database(path, "chief", "chief-password-1", kdf=FLOOR)
    return path


def _untouched(db_path: Path, before: bytes) -> None:
    """The same database file (its salt) and ring; nothing moved aside or unpacked beside.
    (Its pages do change: the refusal itself is written into its audit log.)"""
    assert db_path.read_bytes()[:16] == before[:16]
    assert not list(db_path.parent.glob("*.before-restore-*"))
    assert not list(db_path.parent.glob(".custos-restore-*"))


def test_a_counter_clerk_is_refused_and_the_refusal_is_on_record(db_path, backup):
    before = db_path.read_bytes()
    with pytest.raises(PermissionDenied, match="^Your role does not allow you to manage "
                                               "backups.$"):
        restoring.restore(backup, db_path, "counter", PASSWORDS[Role.COUNTER])
    _untouched(db_path, before)
    denied = _events(db_path, "permission.denied")
    assert [e.actor for e in denied] == ["counter"]
    assert "restoring.restore" in denied[0].detail


def test_the_administrator_of_another_database_is_refused(db_path, other_db, tmp_path):
    chief = accounts.login(other_db, "chief", "chief-password-1")
    theirs = service.take_backup(chief, other_db.parent)
    accounts.logout(chief)
    before = db_path.read_bytes()
    # Their password opens no slot in our ring.
    with pytest.raises(LoginFailed, match="^Wrong username or password.$"):
        restoring.restore(theirs, db_path, "chief", "chief-password-1")
    # And our own administrator cannot put their database in place of ours either.
    with pytest.raises(StoreError, match="is a backup of another database; it is never "
                                         "restored over this one.$"):
        restoring.restore(theirs, db_path, "admin", ADMIN_PW)
    _untouched(db_path, before)
    refused = _events(db_path, "backup.restore")
    assert [(e.actor, e.outcome) for e in refused] == [("admin", "refused")]
    # The GUI's test refuses it the same way, while the session is open.
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with pytest.raises(StoreError, match="another database"):
            restoring.check_restore(session, theirs, ADMIN_PW)
        with pytest.raises(ValidationError, match="^Wrong password.$"):
            restoring.check_restore(session, theirs, "wrong-password")
    finally:
        accounts.logout(session)
    # Into a new, empty path it may go, by its own administrator.
    fresh = tmp_path / "fresh" / "theirs.custos"
    fresh.parent.mkdir()
    assert restoring.restore(theirs, fresh, "chief", "chief-password-1") is None
    assert [e.actor for e in _events(fresh, "backup.restored", "chief",
                                     "chief-password-1")] == ["chief"]


def test_restore_is_on_record_before_and_after(db_path, backup):
    aside = restoring.restore(backup, db_path, "admin", ADMIN_PW)
    manifest = read_manifest(backup)
    restored = _events(db_path, "backup.restored")
    assert len(restored) == 1
    detail = json.loads(restored[0].detail)
    assert restored[0].actor == "admin"
    assert detail["file"] == backup.name and detail["sha256"] == manifest.sha256[DB_NAME]
    assert detail["backup_created_at"] == manifest.created_at
    assert detail["previous"] == aside.name
    # The database that was replaced says so too, before the swap.
    before = _events(aside / db_path.name, "backup.restore")
    assert [(e.actor, e.outcome) for e in before] == [("admin", "ok")]
    assert json.loads(before[0].detail)["sha256"] == manifest.sha256[DB_NAME]


def test_the_gui_check_needs_the_admins_own_password(login, backup):
    admin = login(Role.ADMIN)
    assert restoring.check_restore(admin, backup, ADMIN_PW).ok
    # Only the password was asked for: the sentence names it, and the field it belongs to.
    with pytest.raises(ValidationError, match="^Wrong password.$") as wrong:
        restoring.check_restore(admin, backup, "counter-password")
    assert wrong.value.field == "password"
    with pytest.raises(PermissionDenied):
        restoring.check_restore(login(Role.COUNTER), backup, PASSWORDS[Role.COUNTER])


def _unexpected(*args, **kwargs):
    raise AssertionError("unpacked before the password was checked")


def test_into_an_empty_path_only_the_backups_own_administrator(backup, tmp_path,
                                                              monkeypatch):
    target = tmp_path / "new" / "branch.custos"
    target.parent.mkdir()
    with monkeypatch.context() as patch:  # the password is checked before anything is unpacked
        patch.setattr("app.backup.restoring.tempfile.mkdtemp", _unexpected)
        with pytest.raises(LoginFailed):
            restoring.restore(backup, target, "admin", "wrong-password")
    with pytest.raises(PermissionDenied, match="^Only an administrator of this database can "
                                               "restore a backup over it.$"):
        restoring.restore(backup, target, "counter", PASSWORDS[Role.COUNTER])
    assert list(target.parent.iterdir()) == []
    assert restoring.restore(backup, target, "admin", ADMIN_PW) is None
    assert [e.actor for e in _events(target, "backup.restored")] == ["admin"]
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(
        ("-wal", "-shm"))) == ["branch.custos", "branch.custos.keys"]


def test_over_a_damaged_database_the_live_ring_still_decides(db_path, backup):
    db_path.write_bytes(db_path.read_bytes()[:5000])  # truncated: it will not open
    with pytest.raises(PermissionDenied, match="^Only an administrator"):
        restoring.restore(backup, db_path, "counter", PASSWORDS[Role.COUNTER])
    with pytest.raises(LoginFailed):
        restoring.restore(backup, db_path, "admin", "wrong-password")
    from app.accounts import attempts

    assert [a.username for a in attempts.read(db_path)] == ["admin"]  # throttled as a login
    attempts.clear(db_path)
    aside = restoring.restore(backup, db_path, "admin", ADMIN_PW)
    assert (aside / db_path.name).stat().st_size == 5000
    assert _events(db_path, "backup.restored")


def test_cli_restore_keeps_its_syntax_and_refuses_a_clerk(db_path, backup, monkeypatch,
                                                          capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    args = ["backup", "restore", str(backup), "--db", str(db_path)]
    assert main([*args, "--user", "counter"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("Your role does not allow you to manage backups.")
    assert len(err.splitlines()) == 1
    monkeypatch.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    assert main([*args, "--user", "admin"]) == 0
    assert "The previous database was kept in" in capsys.readouterr().err


def _rewrite(path: Path, ring: bytes) -> None:
    """The same backup with another key ring, its manifest's checksum made to match."""
    import hashlib

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    manifest = json.loads(parts[MANIFEST_NAME])
    manifest["sha256"][RING_NAME] = hashlib.sha256(ring).hexdigest()
    manifest["sizes"][RING_NAME] = len(ring)
    parts[RING_NAME], parts[MANIFEST_NAME] = ring, json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.mark.parametrize("change", ["another file's salt", "another database id"])
def test_verify_fails_when_the_ring_is_not_the_databases(backup, other_db, change):
    with zipfile.ZipFile(backup) as z:
        ring = KeyRing.load_bytes(z.read(RING_NAME))
    if change == "another file's salt":
        ring = replace(ring, db_salt=KeyRing.load(Path(f"{other_db}.keys")).db_salt)
    else:
        ring = replace(ring, db_id=KeyRing.load(Path(f"{other_db}.keys")).db_id)
    _rewrite(backup, ring.to_bytes())
    report = service.verify_file(backup, "admin", ADMIN_PW)
    assert not report.ok
    assert report.sentence == ("The key ring in the backup belongs to another database than "
                               "the one in it.")


def test_a_backup_from_before_a_key_rotation_is_restored_with_the_ring_of_then(login, db_path,
                                                                             backup):
    from app.keys import rotate_key

    admin = login(Role.ADMIN)
    rotate_key(admin)
    accounts.change_own_password(admin, ADMIN_PW, "a-new-admin-password")
    accounts.logout(admin)
    with pytest.raises(StoreError, match="^This backup was taken under an earlier key"):
        restoring.restore(backup, db_path, "admin", "a-new-admin-password")
    assert not list(db_path.parent.glob("*.before-restore-*"))


def test_after_a_rotation_the_same_password_still_restores_an_older_backup(login, db_path,
                                                                          backup):
    from app.keys import rotate_key

    rotate_key(login(Role.ADMIN))
    aside = restoring.restore(backup, db_path, "admin", ADMIN_PW)
    assert (aside / db_path.name).exists() and _events(db_path, "backup.restored")


# What an SQLite process in an EXCLUSIVE lock holds: PENDING, RESERVED and the SHARED range.
HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 512, 0x40000000)
print("held", flush=True)
time.sleep(60)
"""


def _demoted_admin_backup(db_path: Path, tmp_path: Path) -> Path:
    """A backup taken while "counter" was an administrator; they are a clerk again since."""
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        users.set_roles(admin, "counter", [Role.ADMIN, Role.COUNTER])
        folder = tmp_path / "old"
        folder.mkdir()
        path = service.take_backup(admin, folder)
        users.set_roles(admin, "counter", [Role.COUNTER])
    finally:
        accounts.logout(admin)
    return path


def test_a_live_database_in_use_by_another_program_is_not_restored_over(
        db_path, tmp_path, monkeypatch, capsys):
    old = _demoted_admin_backup(db_path, tmp_path)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    before = db_path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy, match="is in use by another program"):
            restoring.restore(old, db_path, "counter", PASSWORDS[Role.COUNTER])
        assert main(["backup", "restore", str(old), "--db", str(db_path),
                     "--user", "counter"]) == 1
        assert "in use by another program" in capsys.readouterr().err
        _untouched(db_path, before)
    finally:
        holder.kill()
        holder.wait()
    # Once the lock is gone they log in to the live database, where they are a clerk.
    with pytest.raises(PermissionDenied):
        restoring.restore(old, db_path, "counter", PASSWORDS[Role.COUNTER])
    _untouched(db_path, before)


@pytest.mark.parametrize("error", [ReadOnly, DiskFull, KeyChanged, StoreError])
def test_only_damage_lets_a_restore_skip_the_live_login(db_path, backup, monkeypatch, error):
    def failing(*_args):
        raise error("said")

    monkeypatch.setattr(restoring, "login", failing)
    before = db_path.read_bytes()
    with pytest.raises(error, match="^said$"):
        restoring.restore(backup, db_path, "admin", ADMIN_PW)
    _untouched(db_path, before)


# Another Custos window: logged in, idle, its connections open.
OTHER_WINDOW = """
import sys, time
from app import accounts
session = accounts.login(sys.argv[1], "manager", sys.argv[2])
with session.db.read() as conn:
    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
print("held", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("holder", ["a lock on a damaged file", "another Custos window"])
def test_a_file_open_in_another_program_is_not_moved_aside(db_path, backup, holder):
    if holder == "a lock on a damaged file":
        db_path.write_bytes(db_path.read_bytes()[:5000])  # truncated: the live ring decides
        command = [sys.executable, "-c", HOLD_LOCK, str(db_path)]
    else:
        command = [sys.executable, "-c", OTHER_WINDOW, str(db_path), PASSWORDS[Role.MANAGER]]
    before = db_path.read_bytes()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).parents[2])
    try:
        assert process.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy, match="is in use by another program"):
            restoring.restore(backup, db_path, "admin", ADMIN_PW)
        assert db_path.read_bytes()[:16] == before[:16]
        assert [p.name for p in db_path.parent.iterdir()
                if "before-restore" in p.name or p.name.startswith(".custos-restore-")] == []
    finally:
        process.kill()
        process.wait()
    assert restoring.restore(backup, db_path, "admin", ADMIN_PW) is not None
