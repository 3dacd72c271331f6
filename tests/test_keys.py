"""Key rotation and recovery-code replacement: every user keeps access, old rings do not,
and an interrupted rotation leaves a database that opens."""

from __future__ import annotations

import shutil

import pytest

from app import accounts, keys
from app.errors import LoginFailed, PermissionDenied, StoreError
from app.security.roles import Role
from app.store.database import keyring_path
from app.store.keyring import FLOOR, KeyRing

from .conftest import ADMIN_PW, PASSWORDS


def _all_users_log_in(db_path):
    for role in Role:
        accounts.logout(accounts.login(db_path, role.value, PASSWORDS[role]))


def test_rotation_keeps_every_user_and_kills_old_rings(db_path, tmp_path):
    old_ring = tmp_path / "old.keys"
    shutil.copy(keyring_path(db_path), old_ring)
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    old_key = admin.db.key
    keys.rotate_key(admin)
    assert admin.db.key != old_key
    assert accounts.list_users(admin)  # the open session goes on with the new key
    accounts.logout(admin)
    _all_users_log_in(db_path)  # nobody's password was needed to re-seal their slot
    shutil.copy(old_ring, keyring_path(db_path))
    with pytest.raises(StoreError):
        accounts.login(db_path, "admin", ADMIN_PW)


def test_only_administrators_rotate(login):
    with pytest.raises(PermissionDenied):
        keys.rotate_key(login(Role.MANAGER))


@pytest.mark.parametrize("crash_at", ["after_next_ring", "after_rekey"])
def test_interrupted_rotation_still_opens(db_path, crash_at):
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    ring = KeyRing.load(keyring_path(db_path))
    with pytest.raises(SystemExit):
        keys.rekey_database(admin.db, ring, crash_at=crash_at)
    admin.db.close()
    _all_users_log_in(db_path)
    assert not keys.next_ring_path(db_path).exists()
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        from app import audit
        assert audit.verify(session.db).intact
    finally:
        accounts.logout(session)


def test_replacing_the_recovery_code(tmp_path):
    path = tmp_path / "r.custos"
    created = accounts.create_database(path, "root", "root-password-1", kdf=FLOOR)
    session = accounts.login(path, "root", "root-password-1")
    new_code = keys.replace_recovery_code(session)
    accounts.logout(session)
    with pytest.raises(LoginFailed):
        accounts.recover(path, created.recovery_code, "root", "root-password-2")
    accounts.logout(accounts.recover(path, new_code, "root", "root-password-2"))


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
