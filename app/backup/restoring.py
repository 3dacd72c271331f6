"""Restoring a backup: an administrator's act on the database it replaces, on record.

Who may restore what:
- Over an existing database: an administrator of THAT database — they log in to it (their
  slot in its key ring opens with their password, with the usual throttle) and their
  account holds the backups permission — and only a backup of that same database (the same
  database id). The restore is an audit event in the live database before the swap
  (`backup.restore`) and in the restored one after it (`backup.restored`): which file, its
  database part's checksum, when it was taken, by whom it was restored.
- Over a database that can no longer be read (damaged: the usual reason to restore; never
  one that is only in use by another program, read-only or on a full disk): the
  slot in its key ring must still open with the password, the ring must name the same
  database id, and the account must be an administrator in the backup. Only the restored
  database can then record the event.
- Into an empty path (no database and no key ring there): an administrator of the backed-up
  database, by their password in the backup's own ring (as it was when the backup was
  taken). The event is written in the restored database.

The current files are moved into a new folder beside the database, never deleted; the swap
is journalled (`swap`) so that a crash at any moment leaves a database that opens. A file
another program still has open (another Custos window, a lock) is not moved: that program
would go on writing to the copy moved aside.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from app import audit, clock
from app.accounts import attempts, login, logout
from app.backup import swap
from app.backup.archive_file import (
    DB_NAME,
    Manifest,
    of_kind,
    one_line,
    read_manifest,
    read_ring,
)
from app.backup.service import Progress, VerifyReport, _verify_in
from app.errors import (
    Damaged,
    LoginFailed,
    PermissionDenied,
    StoreError,
    TooManyAttempts,
    ValidationError,
)
from app.i18n import _
from app.security import guard
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import migrations
from app.store.database import keyed_connection, keyring_path, open_with_key
from app.store.failures import busy, in_use_elsewhere
from app.store.keyring import KeyRing

ENTRY = "app.backup.restoring.restore"


def _is_empty_target(db_path: Path) -> bool:
    return not any(Path(f"{db_path}{suffix}").exists() or Path(f"{db_path}{suffix}").is_symlink()
                   for suffix in swap.SUFFIXES)


def _other_database(path: Path) -> StoreError:
    return StoreError(_("{name} is a backup of another database; it is never restored over "
                        "this one.").format(name=one_line(path.name)))


def _not_an_administrator() -> PermissionDenied:
    return PermissionDenied(_("Only an administrator of this database can restore a backup "
                              "over it."))


def _event(path: Path, manifest: Manifest, username: str) -> dict:
    return {"file": one_line(path.name), "sha256": manifest.sha256.get(DB_NAME, ""),
            "backup_created_at": manifest.created_at, "db_id": manifest.db_id,
            "by": username}


def _same_database(session: Session, manifest: Manifest, path: Path) -> None:
    """The administrator's own database only; an attempt with another one is on record."""
    guard.check(session, Permission.BACKUPS, ENTRY)
    if manifest.db_id != session.db.db_id:
        audit.record(session.db, actor=session.username, action="backup.restore",
                     outcome="refused", detail={**_event(path, manifest, session.username),
                                                "reason": "another database"})
        raise _other_database(path)


def _admin_in(copy: Path, key: bytes, username: str) -> bool:
    """Is `username` an enabled administrator in the (unpacked, verified) database?"""
    conn = keyed_connection(copy, key)
    try:
        row = conn.execute(
            'SELECT 1 FROM "user" u JOIN user_role r ON r.user_id = u.id WHERE '
            "lower(u.username) = lower(?) AND r.role = ? AND NOT u.disabled",
            (username.strip(), Role.ADMIN.value)).fetchone()
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()
    return row is not None


def _live_session(db_path: Path, username: str, password: str,
                  manifest: Manifest, path: Path) -> Session | None:
    """The administrator logged in to the live database; None when it cannot be opened but
    its key ring still vouches for them (see the module's docstring)."""
    try:
        session = login(db_path, username, password)
    except Damaged:  # only a file that cannot be read; "in use", read-only, a full disk,
        # a changed key or a wrong password are refused with their own sentence
        ring = KeyRing.load(keyring_path(db_path))  # a missing or damaged ring: its sentence
        noted = attempts.label(ring, username)  # never a mistyped password in clear
        wait = attempts.wait_seconds(db_path, noted)
        if wait > 0:  # the same throttle as a login
            raise TooManyAttempts(_("Too many failed attempts; try again in {seconds} "
                                    "seconds.").format(seconds=int(wait) + 1),
                                  retry_after=wait) from None
        try:
            ring.unlock(username, password)
        except LoginFailed:
            attempts.note_failure(db_path, noted)
            raise
        if ring.db_id != manifest.db_id:
            raise _other_database(path) from None
        return None
    try:
        _same_database(session, manifest, path)
    except BaseException:
        logout(session)
        raise
    return session


def _record_restored(copy: Path, key: bytes, db_id: str, username: str, password: str,
                     detail: dict, live: audit.Signer | None = None) -> tuple[int, str]:
    """The restored database's own record of the restore, written into the verified copy
    before it is moved in: it arrives with the swap, whenever a crash finishes that.

    It is signed by the administrator's key from the backup's own ring (restoring into an
    empty folder has no live session), names the head it replaced (so the anchors of the
    replaced database do not report a rollback), and moves the restored ring's anchor.
    Returns the restored database's new head."""
    from app import audit_anchor
    from app.accounts import signing

    try:
        opened = KeyRing.load(keyring_path(copy)).open_account(username, password)
    except LoginFailed:
        # The backup's slot has an older password: sign with the live session's key (known
        # to the restored log if it was registered before the backup was taken).
        opened = None
    db = open_with_key(copy, key, db_id)
    try:
        if opened is not None:
            signing.start(db, username, opened, keyring_path(copy))
        elif live is not None:
            audit.set_signer(db, live.name, live.key)
        audit.record(db, actor=username, action="backup.restored", detail=detail)
        audit_anchor.move_ring(db)
        with db.read() as conn:
            head = audit.head(conn)
        with db.engine.connect() as conn:  # into the file itself: only the file is moved
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{copy}{suffix}")
    return head


def _tighten(db_path: Path) -> None:
    """The database, its log and its ring readable by this account alone, whatever the
    umask or the backup's file modes said."""
    for suffix in swap.SUFFIXES:
        part = Path(f"{db_path}{suffix}")
        if part.exists() and not part.is_symlink():
            os.chmod(part, 0o600)


def restore(path: Path, db_path: Path, username: str, password: str,
            crash_after: int | None = None) -> Path | None:
    """Replace the database at `db_path` by a verified backup; the current one is kept aside.

    Returns the folder the previous database was moved to (None for an empty target). The
    program must reopen and log in again afterwards: the backup's key ring is in force.
    """
    path, db_path = Path(path), Path(db_path)
    manifest = of_kind(path, read_manifest(path), server=False)
    if manifest.schema_version > migrations.LATEST:
        raise StoreError(_("The backup was written by a newer version of Custos."))
    swap.settle(db_path)  # a restore cut off earlier is finished (or refused) first
    empty = _is_empty_target(db_path)
    if empty and not db_path.parent.is_dir():
        raise StoreError(_("The folder {folder} does not exist.").format(folder=db_path.parent))
    if empty:  # the password is checked before anything is unpacked beside the target
        session, key = None, KeyRing.load_bytes(read_ring(path)).unlock(username, password)
    else:
        session = _live_session(db_path, username, password, manifest, path)
        key = session.db.key if session is not None else None
    event = _event(path, manifest, username)
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    # Unpacked and verified once, beside the target, so the final moves are renames.
    incoming = Path(tempfile.mkdtemp(prefix=swap.INCOMING_PREFIX, dir=db_path.parent))
    try:
        try:
            report, key = _verify_in(path, incoming, "" if empty else username, password, key,
                                     None)
        except LoginFailed:  # the current key does not open it, nor the password then
            raise StoreError(_("This backup was taken under an earlier key of the database, "
                               "and your password of that time does not open it.")) from None
        if not report.ok or key is None:
            raise StoreError(report.sentence)
        if session is None and not _admin_in(incoming / DB_NAME, key, username):
            raise _not_an_administrator()
        replaced = {}
        if session is not None:
            audit.record(session.db, actor=session.username, action="backup.restore",
                         detail=event)
            with session.db.read() as conn:
                replaced = {"replaced": "{}:{}".format(*audit.head(conn))}
        aside = swap.make_aside(db_path, stamp)
        head = _record_restored(incoming / DB_NAME, key, manifest.db_id, username, password,
                                {**event, "previous": "" if empty else aside.name,
                                 **replaced},
                                audit.signer_of(session.db) if session is not None else None)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    finally:
        if session is not None:
            logout(session)  # its files must be closed before they are moved
    if not empty and in_use_elsewhere(db_path):
        # Another program has the file open: it would go on writing to the file moved aside.
        # Checked once this process's own connections are closed (theirs never count).
        shutil.rmtree(incoming, ignore_errors=True)
        with contextlib.suppress(OSError):
            aside.rmdir()
        raise busy(db_path)
    # From here a crash is finished by the next login (swap.settle): never half a database.
    swap.begin(db_path, incoming, aside)
    swap.settle(db_path, crash_after)
    _tighten(db_path)
    from app import audit_anchor

    # This PC's anchor moves with the restore it saw (other PCs: `replaced` explains it).
    audit_anchor.write_local(manifest.db_id, *head)
    if empty:
        with contextlib.suppress(OSError):
            aside.rmdir()
        return None
    return aside


@requires(Permission.BACKUPS)
def check_restore(session: Session, path: Path, password: str,
                  progress: Progress | None = None) -> VerifyReport:
    """What `restore` will check, run while the session is still open (the dialog's test):
    the session's own password, a backup of this database, and the restore test."""
    path = Path(path)
    manifest = read_manifest(path)
    from app.accounts.login import load_ring

    try:
        load_ring(session.db.path).unlock(session.username, password)
    except LoginFailed:  # the dialog asks for the password only: the name is not in doubt
        raise ValidationError(_("Wrong password."), field="password") from None
    _same_database(session, manifest, path)
    with tempfile.TemporaryDirectory(prefix="custos-verify-") as folder:
        return _verify_in(path, Path(folder), session.username, password, session.db.key,
                          progress)[0]
