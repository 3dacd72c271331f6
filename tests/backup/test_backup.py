"""Backups: one file, verified by a real restore test, partial files never complete-looking."""

from __future__ import annotations

import errno
import zipfile

import pytest

from app import accounts
from app.backup import service
from app.backup.archive_file import DB_NAME, SUFFIX, read_manifest
from app.errors import LoginFailed, PermissionDenied, StoreError
from app.security.roles import Role

from ..conftest import ADMIN_PW


def test_take_verify_list(login, tmp_path):
    admin = login(Role.ADMIN)
    dest = tmp_path / "usb"
    dest.mkdir()
    path = service.take_backup(admin, dest)
    assert path.name.endswith(SUFFIX) and [p.name for p in dest.iterdir()] == [path.name]
    m = read_manifest(path)
    assert m.row_counts["user"] == 4 and m.audit_events > 0 and len(m.audit_head) == 64
    report = service.verify_backup(admin, path)
    assert report.ok, report.sentence
    assert service.verify_file(path, "admin", ADMIN_PW).ok
    with pytest.raises(LoginFailed):
        service.verify_file(path, "admin", "wrong-password")
    assert [e.path for e in service.list_backups(dest)] == [path]
    with pytest.raises(PermissionDenied):
        service.take_backup(login(Role.MANAGER), dest)


def test_damaged_backup_is_named_as_such(login, tmp_path):
    admin = login(Role.ADMIN)
    path = service.take_backup(admin, tmp_path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(DB_NAME)
    data[info.header_offset + 200 + 4096 * 3] ^= 0x10  # a byte inside the database part
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        service.verify_file(path, "admin", ADMIN_PW)


def test_full_disk_leaves_no_partial_and_live_db_untouched(login, db_path, tmp_path,
                                                           monkeypatch):
    admin = login(Role.ADMIN)
    dest = tmp_path / "full"
    dest.mkdir()
    before = db_path.read_bytes()
    real_write = zipfile.ZipFile.write

    def full(self, *args, **kwargs):
        real_write(self, *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    with pytest.raises(StoreError, match="No space left"):
        service.take_backup(admin, dest)
    assert list(dest.iterdir()) == []
    assert db_path.read_bytes() == before
    with pytest.raises(StoreError, match="does not exist"):
        service.take_backup(admin, tmp_path / "vanished")


def test_restore_keeps_the_current_database_aside(login, db_path, tmp_path):
    admin = login(Role.ADMIN)
    path = service.take_backup(admin, tmp_path)
    accounts.add_user(admin, "late", [Role.COUNTER], "late-password-1")
    accounts.logout(admin)
    aside = service.restore(path, db_path, "admin", ADMIN_PW)
    assert (aside / db_path.name).exists()
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        assert "late" not in {u.username for u in accounts.list_users(session)}
    finally:
        accounts.logout(session)


def test_prune_keeps_daily_weekly_monthly(tmp_path, monkeypatch):
    from app.backup import archive_file

    made = []
    for day in ("2026-01-05", "2026-01-20", "2026-02-10", "2026-03-01", "2026-03-02",
                "2026-03-03"):
        path = tmp_path / f"b-{day}{SUFFIX}"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("manifest.json", archive_file.Manifest(
                "custos-backup", 1, f"{day}T01:00:00.000000Z", "admin", "0", 4, "x", "b",
                {}, 0, "", {}, {}).to_json())
        made.append(path)
    removed = service.prune(tmp_path, daily=2, weekly=1, monthly=2)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [f"b-2026-02-10{SUFFIX}", f"b-2026-03-02{SUFFIX}", f"b-2026-03-03{SUFFIX}"]
    assert len(removed) == 3


@pytest.mark.parametrize("crash_after", [1, 2])
def test_restore_cut_off_is_finished_at_the_next_login(login, db_path, tmp_path, crash_after):
    admin = login(Role.ADMIN)
    path = service.take_backup(admin, tmp_path)
    accounts.add_user(admin, "late", [Role.COUNTER], "late-password-1")
    accounts.logout(admin)
    with pytest.raises(SystemExit):
        service.restore(path, db_path, "admin", ADMIN_PW, crash_after=crash_after)
    session = accounts.login(db_path, "admin", ADMIN_PW)  # settles the swap first
    try:
        assert "late" not in {u.username for u in accounts.list_users(session)}
        with session.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        accounts.logout(session)
