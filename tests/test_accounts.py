"""Accounts: roles, disabling, resets, forced password change, recovery, the password rule."""

from __future__ import annotations

import pytest

from app import accounts
from app.errors import AccountDisabled, Conflict, LoginFailed, PermissionDenied, ValidationError
from app.security.roles import Role
from app.store.keyring import FLOOR

from .conftest import ADMIN_PW


def test_password_rule(login):
    admin = login(Role.ADMIN)
    with pytest.raises(ValidationError, match="at least 10"):
        accounts.add_user(admin, "amy", [Role.COUNTER], "short")
    with pytest.raises(ValidationError, match="username"):
        accounts.add_user(admin, "amy-long-name", [Role.COUNTER], "AMY-LONG-NAME")
    with pytest.raises(ValidationError, match="role"):
        accounts.add_user(admin, "amy", [], "amy-password-1")
    with pytest.raises(Conflict, match="already exists"):
        accounts.add_user(admin, "Counter", [Role.COUNTER], "amy-password-1")


def test_new_user_must_change_password_first(db_path, login):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "amy", [Role.COUNTER, Role.ARCHIVE], "amy-temporary-1", "艾米")
    amy = accounts.login(db_path, "amy", "amy-temporary-1")
    try:
        assert amy.must_change_password and amy.roles == {Role.COUNTER, Role.ARCHIVE}
        with pytest.raises(PermissionDenied, match="change your password"):
            accounts.list_users(amy)
        # Only the current password was asked for: the sentence names it, and its field.
        with pytest.raises(ValidationError, match="^The current password is not correct.$") \
                as wrong:
            accounts.change_own_password(amy, "not-my-password", "amy-own-password")
        assert wrong.value.field == "current_password"
        accounts.change_own_password(amy, "amy-temporary-1", "amy-own-password")
        assert not amy.must_change_password
    finally:
        accounts.logout(amy)
    with pytest.raises(LoginFailed):
        accounts.login(db_path, "amy", "amy-temporary-1")
    accounts.logout(accounts.login(db_path, "amy", "amy-own-password"))
    users = {u.username: u for u in accounts.list_users(admin)}
    assert users["amy"].last_login_at and users["amy"].display_name == "艾米"


def test_disable_enable_and_reset(db_path, login):
    admin = login(Role.ADMIN)
    accounts.disable_user(admin, "counter")
    with pytest.raises(AccountDisabled, match="disabled"):
        accounts.login(db_path, "counter", "counter-password")
    with pytest.raises(Conflict):
        accounts.disable_user(admin, "counter")
    with pytest.raises(Conflict):
        accounts.reset_password(admin, "counter", "whatever-password")
    accounts.enable_user(admin, "counter", "counter-again-1")
    session = accounts.login(db_path, "counter", "counter-again-1")
    assert session.must_change_password
    accounts.logout(session)
    accounts.reset_password(admin, "counter", "counter-reset-1")
    with pytest.raises(LoginFailed):
        accounts.login(db_path, "counter", "counter-again-1")


def test_last_admin_is_protected(login):
    admin = login(Role.ADMIN)
    with pytest.raises(Conflict):
        accounts.disable_user(admin, "admin")
    with pytest.raises(Conflict, match="last administrator"):
        accounts.set_roles(admin, "admin", [Role.MANAGER])


def test_recovery_lets_an_administrator_back_in(tmp_path):
    path = tmp_path / "r.custos"
    created = accounts.create_database(path, "root", "root-password-1", kdf=FLOOR)
    session = accounts.recover(path, created.recovery_code, "root", "root-password-2")
    accounts.logout(session)
    with pytest.raises(LoginFailed):
        accounts.login(path, "root", "root-password-1")
    accounts.logout(accounts.login(path, "root", "root-password-2"))
    with pytest.raises(LoginFailed, match="recovery code"):
        accounts.recover(path, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "root", "root-password-3")


@pytest.mark.file_only
def test_create_refuses_existing_file_and_bad_folder(db_path, tmp_path):
    with pytest.raises(Exception, match="already exists"):
        accounts.create_database(db_path, "admin", ADMIN_PW, kdf=FLOOR)
    with pytest.raises(Exception, match="does not exist"):
        accounts.create_database(tmp_path / "no" / "x.custos", "admin", ADMIN_PW, kdf=FLOOR)


def test_lock_unlock(login):
    counter = login(Role.COUNTER)
    accounts.lock(counter, "idle")
    with pytest.raises(LoginFailed):
        accounts.unlock(counter, "wrong-password")
    accounts.unlock(counter, "counter-password")


def test_ended_session_is_refused(login):
    admin = login(Role.ADMIN)
    accounts.logout(admin)
    with pytest.raises(PermissionDenied, match="ended"):
        accounts.list_users(admin)
