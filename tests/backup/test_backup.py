"""Backups: one file, verified by a real restore test, partial files never complete-looking."""

from __future__ import annotations

import errno
import io
import zipfile

import pytest

from app import accounts
from app.backup import restoring, service
from app.backup.archive_file import DB_NAME, SUFFIX, read_manifest
from app.errors import LoginFailed, PermissionDenied, StoreError
from app.security.roles import Role
from app.store.database import _connect, file_salt
from app.store.keyring import KeyRing

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
    report = service.verify_file(path, "admin", ADMIN_PW)
    assert not report.ok and "damaged" in report.sentence and "checksum" in report.sentence
    with pytest.raises(StoreError, match="damaged"):
        restoring.restore(path, tmp_path / "elsewhere.custos", "admin", ADMIN_PW)


class _FillsUp(io.FileIO):
    """A file on a disk that is full after 64 KiB."""

    def write(self, data) -> int:
        if self.tell() + len(data) > 65536:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize("path", ["raw snapshot", "backup API"])
def test_full_disk_leaves_no_partial_and_live_db_untouched(login, db_path, tmp_path,
                                                           monkeypatch, path):
    admin = login(Role.ADMIN)
    dest = tmp_path / "full"
    dest.mkdir()
    # A backup may move the log's pages into the file (a checkpoint: same content); start
    # from there so that any other change to the bytes shows.
    conn = _connect(db_path, admin.db.key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db_path.read_bytes()
    if path == "backup API":
        monkeypatch.setattr(service, "SNAPSHOT_TRIES", 0)
    monkeypatch.setattr("app.backup.archive_file.open",
                        lambda name, mode: io.BufferedWriter(_FillsUp(name, "w")),
                        raising=False)
    with pytest.raises(StoreError, match="No space left"):
        service.take_backup(admin, dest)
    assert list(dest.iterdir()) == []
    assert db_path.read_bytes() == before
    with pytest.raises(StoreError, match="does not exist"):
        service.take_backup(admin, tmp_path / "vanished")


def test_backup_is_the_snapshot_while_others_write(login, db_path, tmp_path):
    """Writes made while the file is being copied go to the log, not into the backup."""
    admin = login(Role.ADMIN)
    other = accounts.login(db_path, "admin", ADMIN_PW)  # another window on the same file
    added = []

    def meanwhile(done, total):
        if not added:
            added.append(accounts.add_user(other, "during", [Role.COUNTER], "during-pass-1"))

    path = service.take_backup(admin, tmp_path, progress=meanwhile)
    accounts.logout(other)
    assert added
    manifest = read_manifest(path)
    assert manifest.row_counts["user"] == 4  # the user added meanwhile is not in it
    with zipfile.ZipFile(path) as z:
        ring = z.read("database.custos.keys")
    # The bytes of the live file, not a re-encrypted copy: same salt; and the ring as it
    # was at the snapshot (no slot yet for the user added meanwhile).
    assert KeyRing.load_bytes(ring).db_salt == file_salt(db_path)
    live = KeyRing.load(db_path.parent / f"{db_path.name}.keys")
    assert len(KeyRing.load_bytes(ring).slots) == len(live.slots) - 1
    report = service.verify_backup(admin, path)
    assert report.ok, report.sentence


def test_backup_api_fallback_when_the_log_cannot_be_emptied(login, tmp_path, monkeypatch):
    admin = login(Role.ADMIN)
    monkeypatch.setattr(service, "SNAPSHOT_TRIES", 0)
    path = service.take_backup(admin, tmp_path)
    assert service.verify_backup(admin, path).ok


def test_restore_keeps_the_current_database_aside(login, db_path, tmp_path):
    admin = login(Role.ADMIN)
    path = service.take_backup(admin, tmp_path)
    accounts.add_user(admin, "late", [Role.COUNTER], "late-password-1")
    accounts.logout(admin)
    aside = restoring.restore(path, db_path, "admin", ADMIN_PW)
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
        restoring.restore(path, db_path, "admin", ADMIN_PW, crash_after=crash_after)
    session = accounts.login(db_path, "admin", ADMIN_PW)  # settles the swap first
    try:
        assert "late" not in {u.username for u in accounts.list_users(session)}
        with session.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        accounts.logout(session)


def test_verify_reports_progress_until_done(login, tmp_path):
    admin = login(Role.ADMIN)
    path = service.take_backup(admin, tmp_path)
    seen: list[tuple[int, int]] = []
    report = service.verify_backup(admin, path, progress=lambda d, t: seen.append((d, t)))
    assert report.ok, report.sentence
    assert seen and seen[-1][0] == seen[-1][1]  # ends at the total
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)  # never goes back


def test_a_long_reader_elsewhere_leads_to_the_fallback(login, db_path, tmp_path, monkeypatch):
    """Another window in the middle of a long read keeps the log from being emptied: the
    backup then goes through SQLite's backup API and is just as sound."""
    admin = login(Role.ADMIN)
    monkeypatch.setattr(service, "SNAPSHOT_TRIES", 1)
    used = []
    real = service._copy_by_backup_api
    monkeypatch.setattr(service, "_copy_by_backup_api",
                        lambda *a: used.append(1) or real(*a))
    accounts.add_user(admin, "reader", [Role.COUNTER], "reader-pass-1")  # the log has frames
    other = _connect(db_path, admin.db.key)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM user").fetchone()  # a read holding its snapshot
    try:
        path = service.take_backup(admin, tmp_path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert used == [1]
    assert service.verify_backup(admin, path).ok
