"""Recovery: the printed recovery code lets an administrator back in with a new password.

On the file the code opens the ring's recovery slot, and with it the database. On the
branch server the administrator who forgot their password has no login to connect with,
and no PostgreSQL superuser is needed either: the code has a login of its own (its
password derived from the code, as an account's is from its password; made at `custos
init` and whenever an administrator replaces the code). That login may do one thing
(custos_recover_login, a SECURITY DEFINER function): give an administrator account's
login a new password, as a SCRAM verifier made on this PC. Then the administrator logs in
with it, the code opens the recovery slot in the ring, and the rest is as on the file: a
new slot under the new password, put on record under the recovery slot's signature.

Cut short after the login's password was set, the slot still opens with the old password
only: using the code again finishes it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from app import audit, clock
from app.accounts import attempts, signing
from app.accounts.login import (
    _after_login,
    _open_settling_rotation,
    _roles_of,
    _sign_as,
    _start_session,
    _throttle,
    _user_row,
    load_ring,
    users_t,
)
from app.errors import LoginFailed, ValidationError
from app.i18n import _
from app.security.passwords import check_password
from app.security.roles import Role
from app.security.session import Session
from app.store.keyring import RECOVERY_SIGNER
from app.store.place import ServerAddress, is_server, locate


def recover(path, code: str, admin: str, new_password: str) -> Session:
    """The recovery code lets an administrator back in with a new password."""
    if is_server(path):
        return _recover_on_server(locate(path), code, admin, new_password)
    path = Path(path)
    ring = load_ring(path)
    _throttle(path, attempts.RECOVERY)
    check_password(admin, new_password)
    try:
        opened = ring.open_recovery(code)
    except LoginFailed:
        attempts.note_failure(path, attempts.RECOVERY)
        raise
    db = _open_settling_rotation(path, opened.db_key, ring.db_id,
                                 lambda r: r.unlock_recovery(code))
    return _back_in(db, ring, opened, admin, new_password)


def _back_in(db, ring, opened, admin: str, new_password: str) -> Session:
    """Signed as the recovery slot: the administrator gets a new slot, then a session."""
    _sign_as(db, None, opened)
    try:
        with db.write() as conn:
            row = _user_row(conn, admin)
            if row is None or Role.ADMIN not in _roles_of(conn, row.id):
                raise _not_an_admin(admin)
            conn.execute(users_t.update().where(users_t.c.id == row.id).values(
                disabled=0, must_change_password=0, password_changed_at=clock.stamp()))
            audit.append(conn, db, actor=row.username, action="recovery.used",
                         detail={"user": row.username})
            new_ring = db.load_ring(conn).with_user(row.username, new_password,
                                                    opened.db_key)
            signing.register_slot(conn, db, RECOVERY_SIGNER, new_ring, row.username, admin=True)
            db.save_ring(new_ring, conn)
        _sign_as(db, row.username, new_ring.open_account(row.username, new_password))
    except BaseException:
        db.close()
        raise
    return _after_login(_start_session(db, row.username, action="login.recovery", ring=ring))


def _not_an_admin(admin: str) -> ValidationError:
    return ValidationError(_("{user} is not an administrator of this database.")
                           .format(user=admin), field="username")


def _recover_on_server(address: ServerAddress, code: str, admin: str,
                       new_password: str) -> Session:
    from app.accounts.server_init import check_schema
    from app.store import server

    _throttle(address, attempts.RECOVERY)
    check_password(admin, new_password)
    try:
        _set_admin_login(address, code, admin, new_password)
    except LoginFailed:
        attempts.note_failure(address, attempts.RECOVERY)
        raise
    db = server.open_as(address, admin, new_password)
    try:
        with db.read() as conn:
            check_schema(conn)
        ring = db.load_ring()
        opened = ring.open_recovery(code)
        db.db_id = ring.db_id
        db.unseal(opened.db_key)
    except BaseException:
        db.close()
        raise
    return _back_in(db, ring, opened, admin, new_password)


def _set_admin_login(address: ServerAddress, code: str, admin: str,
                     new_password: str) -> None:
    """As the recovery login: `admin`'s login opens with `new_password` from now on."""
    from app.store import server, server_ring

    login = server_ring.recovery_login(address.dbname)
    try:
        conn = server.connect_raw(address, login, server_ring.recovery_password(code),
                                  autocommit=True)
    except LoginFailed:
        raise LoginFailed(_("The recovery code is not correct, or recovery was not set up "
                            "on this branch server (an administrator sets it up by "
                            "replacing the recovery code).")) from None
    verifier = server.scram_verifier(server.login_password(admin, new_password))
    try:
        conn.execute("SELECT custos_recover_login(%s, %s)", (admin.strip(), verifier))
    except psycopg.errors.InsufficientPrivilege:
        raise _not_an_admin(admin) from None
    except psycopg.OperationalError:
        raise server.unreachable() from None
    finally:
        conn.close()
