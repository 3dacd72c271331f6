"""Administrators' work on accounts: add, roles, disable, enable, reset a password.

Each change touches the users table, the key ring and the audit log inside one write
transaction, which also serialises concurrent edits of the ring from two windows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app import audit, clock
from app.accounts import access, signing
from app.accounts.login import _roles_of, _user_row, check_username
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.passwords import check_password
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import schema

users_t, roles_t = schema.user, schema.user_role


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    roles: frozenset[Role]
    disabled: bool
    must_change_password: bool
    created_at: str
    last_login_at: str | None


def _roles(roles) -> frozenset[Role]:
    try:
        result = frozenset(Role(r) for r in roles)
    except ValueError:
        raise ValidationError(_("Unknown role; the roles are counter, archive, manager and "
                                "admin."), field="roles") from None
    if not result:
        raise ValidationError(_("Choose at least one role."), field="roles")
    return result


def _existing(conn, username: str):
    row = _user_row(conn, username)
    if row is None:
        raise NotFound(_("There is no user named {user}.").format(user=username))
    return row


@requires(Permission.ACCOUNTS_MANAGE)
def list_users(session: Session) -> list[UserInfo]:
    with session.db.read() as conn:
        rows = conn.execute(select(users_t).order_by(func.lower(users_t.c.username))).all()
        role_rows = conn.execute(select(roles_t)).all()
    by_user: dict[int, set[Role]] = {}
    for r in role_rows:
        by_user.setdefault(r.user_id, set()).add(Role(r.role))
    return [UserInfo(r.username, r.display_name, frozenset(by_user.get(r.id, ())),
                     bool(r.disabled), bool(r.must_change_password), r.created_at,
                     r.last_login_at) for r in rows]


@requires(Permission.ACCOUNTS_MANAGE)
def add_user(session: Session, username: str, roles, password: str,
             display_name: str = "") -> None:
    """A new account; it must choose its own password at first login."""
    username = check_username(username)
    role_set = _roles(roles)
    check_password(username, password)
    db = session.db
    with db.write() as conn:
        if _user_row(conn, username) is not None:
            raise Conflict(_("A user named {user} already exists.").format(user=username))
        uid = conn.execute(users_t.insert().values(
            username=username, display_name=display_name.strip() or username,
            must_change_password=1, created_at=clock.stamp())).inserted_primary_key[0]
        conn.execute(roles_t.insert(), [{"user_id": uid, "role": r.value} for r in role_set])
        audit.append(conn, db, actor=session.username, action="user.created",
                     detail={"user": username, "roles": sorted(r.value for r in role_set)})
        _new_slot(conn, session, username, password, Role.ADMIN in role_set)


def _new_slot(conn, session: Session, username: str, password: str, admin: bool) -> None:
    """A slot (with a new signing key) for `username`, its key put on record by the
    administrator who made it."""
    db = session.db
    own = audit.signer_of(db)
    # An administrator resetting their own password keeps the key their session signs with.
    mine = own is not None and own.name.casefold() == username.casefold()
    keep = own.key if mine else None
    # Another account's new slot holds no customer-data key: a manager approves it
    # (accounts.access). An administrator holds none to give, by design.
    ring = db.load_ring(conn).with_user(username, password, db.key, keep,
                                        grants=db.fields.held() if mine else ())
    signing.register_slot(conn, db, session.username, ring, username, admin)
    db.save_ring(ring, conn)
    if db.is_server:  # the account's own PostgreSQL login, its password derived
        db.set_login(conn, username, password)


def _admins_left(conn, excluding: int) -> int:
    return conn.execute(
        select(func.count()).select_from(users_t.join(roles_t))
        .where(roles_t.c.role == Role.ADMIN.value, users_t.c.disabled == 0,
               users_t.c.id != excluding)).scalar_one()


@requires(Permission.ACCOUNTS_MANAGE)
def set_roles(session: Session, username: str, roles) -> None:
    role_set = _roles(roles)
    db = session.db
    with db.write() as conn:
        row = _existing(conn, username)
        before = _roles_of(conn, row.id)
        if Role.ADMIN in before and Role.ADMIN not in role_set and not _admins_left(conn, row.id):
            raise Conflict(_("The last administrator cannot lose the administrator role."))
        conn.execute(roles_t.delete().where(roles_t.c.user_id == row.id))
        conn.execute(roles_t.insert(), [{"user_id": row.id, "role": r.value} for r in role_set])
        audit.append(conn, db, actor=session.username, action="user.roles_changed",
                     detail={"user": row.username, "before": sorted(r.value for r in before),
                             "after": sorted(r.value for r in role_set)})
        ring = access.drop_unneeded(db.load_ring(conn), row.username, role_set)
        db.save_ring(ring, conn)
        if (Role.ADMIN in before) != (Role.ADMIN in role_set):
            # Who may register keys follows the administrator role: on record, signed.
            if ring.verify_key(row.username):
                signing.register_slot(conn, db, session.username, ring, row.username,
                                      Role.ADMIN in role_set)


@requires(Permission.ACCOUNTS_MANAGE)
def disable_user(session: Session, username: str) -> None:
    """The account's key slot is destroyed; only a tombstone stays in the ring."""
    db = session.db
    with db.write() as conn:
        row = _existing(conn, username)
        if row.disabled:
            raise Conflict(_("{user} is already disabled.").format(user=row.username))
        if row.id == session.user_id:
            raise Conflict(_("You cannot disable your own account."))
        if Role.ADMIN in _roles_of(conn, row.id) and not _admins_left(conn, row.id):
            raise Conflict(_("The last administrator cannot be disabled."))
        conn.execute(users_t.update().where(users_t.c.id == row.id).values(disabled=1))
        audit.append(conn, db, actor=session.username, action="user.disabled",
                     detail={"user": row.username})
        # Its key signs nothing from now on, whatever copy of the old slot someone kept.
        audit.append(conn, db, actor=session.username, action=audit.REVOKED,
                     detail={"user": row.username})
        db.save_ring(db.load_ring(conn).without_user(row.username), conn)
        if db.is_server:  # and its PostgreSQL login cannot log in any more
            db.set_login(conn, row.username, None, can_login=False)


@requires(Permission.ACCOUNTS_MANAGE)
def enable_user(session: Session, username: str, password: str) -> None:
    """Re-enable with a new temporary password (the old slot is gone); an account that
    reads customer data only with its signed confidentiality agreement on record."""
    from app.compliance.staff import require_agreement

    require_agreement(session, username, "enable")
    db = session.db
    with db.write() as conn:
        row = _existing(conn, username)
        if not row.disabled:
            raise Conflict(_("{user} is not disabled.").format(user=row.username))
        check_password(row.username, password)
        conn.execute(users_t.update().where(users_t.c.id == row.id)
                     .values(disabled=0, must_change_password=1))
        audit.append(conn, db, actor=session.username, action="user.enabled",
                     detail={"user": row.username})
        _new_slot(conn, session, row.username, password, Role.ADMIN in _roles_of(conn, row.id))


@requires(Permission.ACCOUNTS_MANAGE)
def reset_password(session: Session, username: str, password: str) -> None:
    """A temporary password; the user must change it at next login."""
    db = session.db
    with db.write() as conn:
        row = _existing(conn, username)
        if row.disabled:
            raise Conflict(_("{user} is disabled; enable the account instead.")
                           .format(user=row.username))
        check_password(row.username, password)
        conn.execute(users_t.update().where(users_t.c.id == row.id).values(
            must_change_password=1, password_changed_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="user.password_reset",
                     detail={"user": row.username})
        _new_slot(conn, session, row.username, password, Role.ADMIN in _roles_of(conn, row.id))
