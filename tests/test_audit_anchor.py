"""Rollback: a database put back from an older copy is noticed at login and by verify;
a restore done through Custos is not mistaken for one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts, audit, audit_anchor
from app.backup import restoring, service
from app.cli import main
from app.integrity import verify_audit_log
from app.oversight.tables import alert
from app.security.roles import Role
from app.store import schema
from app.store.database import keyring_path
from app.store.keyring import KeyRing

from .conftest import ADMIN_PW, PASSWORDS

OLDER = "This database is older than the one opened on"


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", ".keys", "-wal", "-shm"):
        src, dst = Path(f"{source}{suffix}"), Path(f"{target}{suffix}")
        if dst.exists():
            dst.unlink()
        if src.exists():
            shutil.copyfile(src, dst)


def _work(path: Path, role: Role = Role.MANAGER, times: int = 3) -> None:
    session = accounts.login(path, role.value, PASSWORDS[role])
    for i in range(times):
        audit.record(session.db, actor=session.username, action="session.locked", detail={"reason": f"w{i}"})
    accounts.logout(session)


@pytest.fixture
def older(db_path, tmp_path) -> Path:
    """A copy of the database (and its ring) taken before more work was done."""
    _work(db_path)
    saved = tmp_path / "saved.custos"
    _copy(db_path, saved)
    _work(db_path)
    return saved


def _rollbacks(session) -> tuple[list, list]:
    with session.db.read() as conn:
        events = conn.execute(select(schema.audit_event).where(
            schema.audit_event.c.action == audit_anchor.ROLLBACK)).all()
        alerts = conn.execute(select(alert).where(alert.c.rule == "rollback")).all()
    return events, alerts


def test_an_older_copy_put_back_is_said_at_login(db_path, older):
    _copy(older, db_path)
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert len(session.notices) == 1 and session.notices[0].startswith(OLDER)
        assert session.notices[0].endswith("it may have been replaced by an older copy.")
        events, alerts = _rollbacks(session)
        assert len(events) == 1 and len(alerts) == 1
        # ... and by verify in the same session, though the chain itself is sound.
        report = verify_audit_log(session)
        assert not report.intact and report.reason == "rollback"
        assert report.notice.startswith(OLDER)
    finally:
        accounts.logout(session)
    # Said once: the anchors moved to the database as it is, the alert waits for a manager.
    session = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert session.notices == []
    finally:
        accounts.logout(session)


def test_the_rings_anchor_catches_it_on_a_pc_that_never_opened_it(db_path, older,
                                                                  tmp_path, monkeypatch):
    shutil.copyfile(older, db_path)  # the database only: the ring is today's
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    monkeypatch.setenv(audit_anchor.ENV, str(tmp_path / "another-pc"))
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert session.notices and session.notices[0].startswith(OLDER)
    finally:
        accounts.logout(session)


def test_cli_verify_says_so(db_path, older, monkeypatch, capsys):
    _copy(older, db_path)
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    code = main(["audit", "verify", "--db", str(db_path), "--user", "manager"])
    err = capsys.readouterr().err
    assert code != 0 and OLDER in err and "(rollback)" in err


def test_a_database_up_to_date_says_nothing(db_path):
    _work(db_path)
    _work(db_path, Role.COUNTER)
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert session.notices == []
        assert verify_audit_log(session).intact
        assert KeyRing.load(keyring_path(db_path)).audit_head is not None
        assert audit_anchor.read_local(session.db.db_id) is not None
    finally:
        accounts.logout(session)


def test_a_restore_through_custos_is_not_a_rollback(db_path, tmp_path, monkeypatch):
    _work(db_path)
    folder = tmp_path / "usb"
    folder.mkdir()
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    backup = service.take_backup(admin, folder)
    accounts.logout(admin)
    manifest = service.read_manifest(backup)  # the backup carries the head as an anchor
    assert manifest.audit_events > 0 and len(manifest.audit_head) == 64
    _work(db_path)
    # Another PC opened the database at its newest, before the restore.
    other = tmp_path / "another-pc"
    monkeypatch.setenv(audit_anchor.ENV, str(other))
    _work(db_path, Role.COUNTER)
    monkeypatch.setenv(audit_anchor.ENV, str(tmp_path / "pc-anchors"))
    restoring.restore(backup, db_path, "admin", ADMIN_PW)
    for pc in (tmp_path / "pc-anchors", other):
        monkeypatch.setenv(audit_anchor.ENV, str(pc))
        session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
        try:
            assert session.notices == []
            assert verify_audit_log(session).intact
        finally:
            accounts.logout(session)


def test_a_backups_manifest_is_an_anchor_too(db_path, older, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "usb"
    folder.mkdir()
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    backup = service.take_backup(admin, folder)
    accounts.logout(admin)
    # Put back the older database and its ring, on a PC that never opened it.
    _copy(older, db_path)
    monkeypatch.setenv(audit_anchor.ENV, str(tmp_path / "another-pc"))
    shutil.rmtree(tmp_path / "pc-anchors", ignore_errors=True)
    ring = KeyRing.load(keyring_path(db_path))
    from dataclasses import replace

    replace(ring, audit_head=None).save(keyring_path(db_path))
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    base = ["audit", "verify", "--db", str(db_path), "--user", "manager"]
    assert main(base) == 0  # nothing on this PC or in the ring says otherwise
    capsys.readouterr()
    assert main([*base, "--backup", str(backup)]) != 0
    assert OLDER in capsys.readouterr().err


def test_an_older_copy_from_after_a_restore_is_still_noticed(db_path, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    _work(db_path, times=6)  # the head the restore will replace is far ahead
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    backup = service.take_backup(admin, folder)
    accounts.logout(admin)
    _work(db_path, times=20)
    restoring.restore(backup, db_path, "admin", ADMIN_PW)
    _work(db_path, times=1)
    saved = tmp_path / "after-restore.custos"
    _copy(db_path, saved)
    _work(db_path, times=2)
    _copy(saved, db_path)
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        assert session.notices and session.notices[0].startswith(OLDER)
    finally:
        accounts.logout(session)


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
