"""Creating a database, logging in and out, locking and unlocking, recovery.

Order matters for "nothing written on failure": every check that can fail on a person's
input (file, ring, delay, password) runs before the database is opened for writing.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

import app.oversight.alerts  # noqa: F401 - every session's events reach the alert rules
from app import audit, clock
from app.accounts import attempts, signing
from app.errors import AccountDisabled, LoginFailed, StoreError, TooManyAttempts, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.passwords import check_password
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import keychecks, schema, sealing
from app.store.database import (
    Database,
    check_database_file,
    create_empty,
    file_salt,
    keyring_path,
    open_with_key,
)
from app.store.fields import FieldKeys
from app.store.keyring import RECOVERY_SIGNER, KdfParams, KeyRing, new_recovery_code, tune_kdf
from app.store.memory import wipe
from app.store.place import ServerAddress, is_server, locate

users_t, roles_t = schema.user, schema.user_role


@dataclass(frozen=True)
class DatabaseCreated:
    path: Path
    recovery_code: str
    kdf: KdfParams


def check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or any(ch.isspace() or ch in "\t\n" for ch in name):
        raise ValidationError(_("A username is 1 to 64 characters without spaces."),
                              field="username")
    return name


def create_database(path, admin: str, password: str, display_name: str = "",
                    kdf: KdfParams | None = None) -> DatabaseCreated:
    """A new encrypted database, its key ring, and its first administrator: a file, or an
    empty database on the branch server (accounts/server_init.py)."""
    admin = check_username(admin)
    check_password(admin, password)
    if is_server(path):
        from app.accounts.server_init import create_on_server

        return create_on_server(locate(path), admin, password, display_name, kdf)
    path = Path(path)
    if path.exists() or keyring_path(path).exists():
        raise StoreError(_("{name} already exists; choose another file name.")
                         .format(name=path.name))
    if not path.parent.is_dir():
        raise StoreError(_("The folder {folder} does not exist.").format(folder=path.parent))
    kdf = kdf or tune_kdf()
    code = new_recovery_code()
    signing, recovery_signing = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data_keys = sealing.new_domain_keys()
    try:
        db, key = create_empty(path)
        try:
            first_records(db, admin, display_name, kdf, signing, recovery_signing, data_keys)
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        ring = KeyRing(db_id=db.db_id, db_salt=file_salt(path), slots=(), kdf=kdf)
        # The customer-data keys: only the printed recovery slot holds them at first; the
        # first manager is approved with it (accounts.access).
        ring = ring.with_user(admin, password, key, signing).with_recovery(
            code, key, recovery_signing, grants=data_keys)
        ring.save(keyring_path(path))
    except BaseException:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), keyring_path(path)):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    return DatabaseCreated(path, code, kdf)


def first_records(db, admin: str, display_name: str, kdf: KdfParams,
                  signing: Ed25519PrivateKey, recovery_signing: Ed25519PrivateKey,
                  data_keys, in_same_write=None) -> None:
    """What every new database starts with, on the file and on the server alike.
    `in_same_write(conn)`: more of the first write (the server's key slots), so that it is
    on record with these events (store/server_trail.py wants each change under an event)."""
    audit.set_signer(db, admin, signing)
    with db.write() as conn:
        # The log's first event puts the creator's key on record, signed by itself.
        audit.register_key(conn, db, actor=admin, user=admin, admin=True,
                           key_hex=audit.public_hex(signing))
        audit.register_key(conn, db, actor=admin, user=RECOVERY_SIGNER, admin=True,
                           key_hex=audit.public_hex(recovery_signing))
        uid = conn.execute(users_t.insert().values(
            username=admin, display_name=display_name or admin,
            created_at=clock.stamp(), password_changed_at=clock.stamp())
        ).inserted_primary_key[0]
        conn.execute(roles_t.insert().values(user_id=uid, role=Role.ADMIN.value))
        audit.append(conn, db, actor=admin, action="database.created",
                     detail={"kdf": kdf.as_dict()})
        audit.append(conn, db, actor=admin, action="user.created",
                     detail={"user": admin, "roles": [Role.ADMIN.value]})
        # The customer-data keys' check values: what proves them at every login.
        audit.append(conn, db, actor=admin, action=keychecks.KEYS_MADE,
                     detail=keychecks.roots_detail(data_keys, db.db_id))
        keychecks.record_roots(conn, data_keys, db.db_id)
        if sealing.ENABLED or db.is_server:  # sealed from the first customer on
            sealing.activate(conn)
            sealing.finish(conn)
        if in_same_write is not None:
            in_same_write(conn)


def load_ring(path: Path) -> KeyRing:
    """The database's ring, after checking that file and ring exist and belong together."""
    path = Path(path)
    from app.backup.swap import settle

    settle(path)  # a restore cut off by a crash is finished before anything else
    check_database_file(path)
    ring = KeyRing.load(keyring_path(path))
    if file_salt(path) != ring.db_salt:
        raise StoreError(_("The key ring does not belong to the database {name}.")
                         .format(name=path.name))
    return ring


def _throttle(path: Path, name: str) -> None:
    """`name` as the failed-login note keeps it (attempts.label)."""
    wait = attempts.wait_seconds(path, name)
    if wait > 0:
        raise TooManyAttempts(_("Too many failed attempts; try again in {seconds} seconds.")
                              .format(seconds=int(wait) + 1), retry_after=wait)


def _user_row(conn, username: str):
    return conn.execute(select(users_t).where(
        func.lower(users_t.c.username) == username.strip().lower())).first()


def _roles_of(conn, user_id: int) -> frozenset[Role]:
    rows = conn.execute(select(roles_t.c.role).where(roles_t.c.user_id == user_id)).scalars()
    return frozenset(Role(r) for r in rows)


def login(path, username: str, password: str, progress=None) -> Session:
    """Unwrap the key with the password, open the database, start a session."""
    if is_server(path):
        return _server_login(locate(path), username, password, progress)
    path = Path(path)
    ring = load_ring(path)
    noted = attempts.label(ring, username)
    _throttle(path, noted)
    if ring.is_disabled(username):
        raise AccountDisabled(_("This account is disabled; ask an administrator."))
    try:
        opened = ring.open_account(username, password)
    except LoginFailed:
        attempts.note_failure(path, noted)
        raise
    try:
        db = _open_settling_rotation(path, opened.db_key, ring.db_id,
                                     lambda r: r.unlock(username, password))
    finally:
        wipe(opened.db_key)  # the open database holds its own copy, zeroed on lock
    _sign_as(db, username, opened)
    return _after_login(_start_session(db, username, action="login", ring=ring,
                                       password=password), progress)


def _server_login(address: ServerAddress, username: str, password: str,
                  progress=None) -> Session:
    """On the branch server the account's own login comes first (its password derived from
    the one typed); then its slot in the ring, read from the database, as on the file."""
    from app.store import server

    noted = attempts.UNKNOWN  # no ring to tell names from typing mistakes before a login
    _throttle(address, noted)
    try:
        db = server.open_as(address, username, password)
    except LoginFailed:
        attempts.note_failure(address, noted)
        raise
    try:
        from app.accounts.server_init import check_schema

        with db.read() as conn:
            check_schema(conn)
        ring = db.load_ring()
        if ring.is_disabled(username):
            raise AccountDisabled(_("This account is disabled; ask an administrator."))
        opened = ring.open_account(username, password)
        db.db_id = ring.db_id
        db.unseal(opened.db_key)
        wipe(opened.db_key)
    except LoginFailed:
        db.close()
        attempts.note_failure(address, noted)
        raise
    except BaseException:
        db.close()
        raise
    _sign_as(db, username, opened)
    return _after_login(_start_session(db, username, action="login", ring=ring), progress)


def _sign_as(db: Database, username: str | None, opened) -> None:
    try:
        signing.start(db, username, opened)
    except BaseException:
        db.close()
        raise


def _after_login(session: Session, progress=None) -> Session:
    """The anchors of the audit head: a database behind one says so; then they move. A
    database from before role keys is sealed (accounts.access.ensure_sealed)."""
    from app import audit_anchor
    from app.accounts.access import ensure_sealed

    own = audit.signer_of(session.db)
    if own is not None and own.name.casefold() == session.username.casefold():
        audit.set_signer(session.db, session.username, own.key)  # the name as on record
    try:
        audit_anchor.at_login(session)
        ensure_sealed(session, progress)
    except BaseException:
        session.db.close()
        raise
    return session


def _open_settling_rotation(path: Path, key: bytes, db_id: str, unlock) -> Database:
    """Open with the ring's key; after a rotation cut short, finish or discard it.

    `unlock(ring)` gives the key a ring holds for the person logging in. A rotation under
    way in another process is waited for (keys.rotation_lock), never settled halfway.
    """
    from app.keys import next_ring_path, rotation_lock

    pending = next_ring_path(path)
    if not pending.exists():
        try:
            return open_with_key(path, key, db_id)
        except StoreError:
            if not pending.exists() and _ring_unchanged(path, key, unlock):
                raise
    with rotation_lock(path):
        key = unlock(KeyRing.load(keyring_path(path)))  # a rotation may have just ended
        try:
            db = open_with_key(path, key, db_id)
        except StoreError:
            if not pending.exists():
                raise
            # The database was re-keyed but the new ring not yet put in place: do it now.
            db = open_with_key(path, unlock(KeyRing.load(pending)), db_id)
            os.replace(pending, keyring_path(path))
            return db
        if pending.exists():
            pending.unlink()  # the rotation stopped before re-keying: the old ring stands
        return db


def _ring_unchanged(path: Path, key: bytes, unlock) -> bool:
    """False when the ring beside the database now holds another key (a rotation ended
    between reading the ring and opening the database): then it is tried again."""
    try:
        return unlock(KeyRing.load(keyring_path(path))) == key
    except (StoreError, LoginFailed):
        return True


def _start_session(db: Database, username: str, action: str, ring: KeyRing,
                   password: str | None = None) -> Session:
    path = db.path
    pending = attempts.read(path)
    try:
        with db.write() as conn:
            row = _user_row(conn, username)
            if row is None or row.disabled:
                raise AccountDisabled(_("This account is disabled; ask an administrator."))
            for failure in pending:
                # label() again: a note written by an older version may hold names in clear.
                audit.append(conn, db, actor=attempts.label(ring, failure.username) or "?",
                             action="login.failed",
                             outcome="failed", at=failure.at)
            conn.execute(users_t.update().where(users_t.c.id == row.id)
                         .values(last_login_at=clock.stamp()))
            if password is not None and not db.is_server:
                remember_server_login(conn, row.username, password, row.password_changed_at)
            audit.append(conn, db, actor=row.username, action=action)
            roles = _roles_of(conn, row.id)
    except BaseException:
        db.close()
        raise
    if pending:
        attempts.clear(path)
    return Session(db=db, user_id=row.id, username=row.username,
                   display_name=row.display_name, roles=roles,
                   must_change_password=bool(row.must_change_password))


SERVER_LOGIN = "server_login:"


def remember_server_login(conn, username: str, password: str, changed_at: str | None) -> None:
    """On the file: what the account's login on a branch server will need, a SCRAM verifier
    of the password derived from its Custos password (store/server.py), kept so that
    `custos migrate-to-server` can bring every account's login along. Made once per
    password (at its first login or change); it opens nothing a slot does not already."""
    from app.store import dialect, server

    key = SERVER_LOGIN + username.strip().casefold()
    known = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()
    if known and json.loads(known).get("changed") == changed_at:
        return
    value = json.dumps({"verifier": server.scram_verifier(
        server.login_password(username, password)), "changed": changed_at})
    conn.execute(dialect.insert(conn, schema.meta).values(key=key, value=value)
                 .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def logout(session: Session) -> None:
    if session.ended:
        return
    with contextlib.suppress(Exception):
        audit.record(session.db, actor=session.username, action="logout")
    with contextlib.suppress(Exception):
        from app import audit_anchor

        audit_anchor.note_head(session.db)  # this PC's anchor follows the log to the end
    session.ended = True
    session.purposes.clear()
    session.db.close()


def lock(session: Session, reason: str = "manual") -> None:
    """Log the lock, then drop the key: nothing on the locked screen can read the database."""
    try:
        audit.record(session.db, actor=session.username, action="session.locked",
                     detail={"reason": reason})
    finally:
        audit.drop_signer(session.db)
        session.db.seal()


def unlock(session: Session, password: str) -> None:
    """The same user proves the password again, which unwraps the key once more.

    While locked the database is closed, so a failed try is noted beside it like a failed
    login and becomes an "unlock.failed" event when the session is unlocked.
    """
    db = session.db
    _throttle(db.path, session.username)
    try:
        if db.is_server:
            from app.store import server

            derived = server.login_password(session.username, password)
            probe = server.ServerDatabase(db.place, db.login, derived, key=None)
            try:
                ring = probe.load_ring()  # LoginFailed when the login refuses the password
            finally:
                probe.close()
        else:
            ring = load_ring(db.path)
        opened = ring.open_account(session.username, password)
    except LoginFailed:
        attempts.note_failure(db.path, session.username)
        # Only the password was asked for: the sentence says so (the name is not in doubt).
        raise LoginFailed(_("Wrong password.")) from None
    try:
        if db.is_server:
            db.unseal(opened.db_key, derived)
        else:
            db.unseal(opened.db_key)
    finally:
        wipe(opened.db_key)
    signing.start(db, session.username, opened)  # the signing key, dropped at lock, again
    pending = attempts.read(db.path)
    with db.write() as conn:
        for failure in pending:
            mine = failure.username == session.username
            audit.append(conn, db, actor=failure.username or "?", outcome="failed",
                         action="unlock.failed" if mine else "login.failed", at=failure.at)
        audit.append(conn, db, actor=session.username, action="session.unlocked")
    if pending:
        attempts.clear(db.path)


@requires(Permission.OWN_ACCOUNT)
def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    check_password(session.username, new_password)
    if old_password == new_password:
        raise ValidationError(_("The new password must differ from the old one."),
                              field="password")
    db = session.db
    with db.write() as conn:
        ring = db.load_ring(conn)
        # LoginFailed: nothing changes. The keys come from the slot as it is now: a manager
        # may have approved this account since it logged in.
        try:
            opened = ring.open_account(session.username, old_password)
        except LoginFailed:  # only the password was asked for, the name is not in doubt
            raise ValidationError(_("The current password is not correct."),
                                  field="current_password") from None
        conn.execute(users_t.update().where(users_t.c.id == session.user_id).values(
            must_change_password=0, password_changed_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="user.password_changed",
                     detail={"user": session.username})
        # The account keeps its signing key (its session signs with it): the same person.
        own = audit.signer_of(db)
        db.save_ring(ring.with_user(session.username, new_password, db.key,
                                    own.key if own is not None else None,
                                    grants=opened.domain_keys), conn)
        if db.is_server:
            db.set_login(conn, session.username, new_password)
        else:
            changed = conn.execute(select(users_t.c.password_changed_at)
                                   .where(users_t.c.id == session.user_id)).scalar()
            remember_server_login(conn, session.username, new_password, changed)
        wipe(opened.db_key)
    if set(opened.domain_keys) != set(db.fields.held()):
        active = db.fields.active
        db.fields.wipe()
        db.fields = FieldKeys(opened.domain_keys, active=active)
    session.must_change_password = False

