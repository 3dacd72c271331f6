"""The administrator's task list and the names staff are shown by."""

from __future__ import annotations

import pytest

from app import accounts, audit
from app.accounts.names import staff_names
from app.accounts.tasks import Place, admin_tasks
from app.backup.schedule import DESTINATIONS
from app.errors import PermissionDenied
from app.security import Role
from app.settings import LAST_BACKUP, record_value
from app.store import schema


def _set_name(session, username: str, name: str) -> None:
    with session.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == username)
                     .values(display_name=name))


def test_logins_become_names_and_unknown_logins_stay(login):
    admin = login(Role.ADMIN)
    _set_name(admin, "counter", "王芳")
    names = staff_names(login(Role.COUNTER))
    assert names("counter") == "王芳"
    assert names("COUNTER") == "王芳"
    assert names("records office") == "records office"
    assert names(None) == "" and names("admin") == "管理员甲"


def test_a_new_database_asks_for_backup_folders_first(login):
    tasks = admin_tasks(login(Role.ADMIN))
    assert tasks[0].place is Place.BACKUPS and tasks[0].urgent
    assert "No backup folder" in tasks[0].sentence


def test_accounts_that_wait_and_failed_logins_are_tasks(login, tmp_path):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "clerk2", [Role.COUNTER], "a-long-enough-pass-1",
                      display_name="李娜")
    _set_name(admin, "archive", "赵敏")
    with admin.db.write() as conn:
        record_value(conn, DESTINATIONS, f'["{tmp_path}"]')
        for _ in range(3):
            audit.append(conn, admin.db, actor="archive", action="login.failed",
                         outcome="failed")
    sentences = [t.sentence for t in admin_tasks(admin) if t.place is Place.ACCOUNTS]
    assert any(s.startswith("李娜 has not logged in yet") for s in sentences)
    assert any(s.startswith("赵敏 failed to log in 3 times") for s in sentences)
    backups = [t.sentence for t in admin_tasks(admin) if t.place is Place.BACKUPS]
    assert backups == ["No backup has been taken yet."]


def test_a_failed_test_restore_and_a_disabled_account_are_tasks(login, tmp_path):
    admin = login(Role.ADMIN)
    with admin.db.write() as conn:
        record_value(conn, DESTINATIONS, f'["{tmp_path}"]')
        record_value(conn, LAST_BACKUP, f"{audit.clock.stamp()}|{tmp_path / 'b.custos-backup'}")
        audit.append(conn, admin.db, actor="admin", action="backup.verified",
                     outcome="failed", detail={"file": "b.custos-backup", "result": "bad"})
    accounts.disable_user(admin, "archive")
    tasks = admin_tasks(admin)
    assert [t.sentence for t in tasks if t.place is Place.BACKUPS] == [
        "The test restore of b.custos-backup failed: take a new backup and verify it."]
    keys = [t.sentence for t in tasks if t.place is Place.KEYS]
    if not admin.db.is_server:
        assert keys and keys[0].startswith("archive disabled since the last key rotation")


@pytest.mark.parametrize("role", [Role.COUNTER, Role.ARCHIVE, Role.MANAGER])
def test_only_administrators_get_the_task_list(login, role):
    with pytest.raises(PermissionDenied):
        admin_tasks(login(role))
