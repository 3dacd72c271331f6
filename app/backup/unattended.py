"""Scheduled backups with nobody logged in: a backup-only credential for the OS scheduler.

An administrator makes the credential once (`custos backup credential --out FILE`): a
random secret written to a key file readable only by the user the scheduler runs as
(mode 0600 on Linux; on Windows the file goes in that user's profile, whose folder only
they and administrators may read). The secret opens one slot of the key ring, named
BACKUP_SIGNER ("(scheduled backup)": a name with a space, which no account may take).

What the slot holds: the database key, so that the run can take a consistent copy of the
ciphertext, test-restore it and put both on record; and its own audit signing key,
registered by the administrator who made it, so every event the run writes is signed as
the scheduled backup. What it does not hold: any customer-data key. Names, ID numbers,
phone numbers and addresses are sealed under those keys (store/fields.py), so the
credential reads no customer data; there is no account behind it, so it cannot log in to
the window or the CLI as a person. No password is stored anywhere: the crontab line or
scheduled task names only the key file. The file store only: a branch server is backed up
by its own scheduled `pg_dump` (README).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from app import audit, clock
from app.accounts import signing
from app.backup.schedule import (
    DestinationResult,
    back_up_everywhere,
    due_actions,
    load_schedule,
    newest_backup,
)
from app.backup.service import VerifyReport, verify_backup
from app.errors import LoginFailed, StoreError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store.database import Database, open_with_key
from app.store.keyring import KeyRing
from app.store.memory import wipe
from app.store.place import is_server

BACKUP_SIGNER = "(scheduled backup)"
FORMAT = "custos-backup-credential"


def _write_private(path: Path, text: str) -> None:
    """A new file only its owner may read (never an existing file: the old secret would
    linger in a copy somewhere)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise StoreError(_("{name} already exists; name a new file for the credential.")
                         .format(name=path.name)) from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


@requires(Permission.BACKUPS)
def make_credential(session: Session, key_file: Path) -> Path:
    """A new backup-only slot and its key file; an earlier credential stops working."""
    db = session.db
    if db.is_server:
        raise StoreError(_("A branch server is backed up by its own scheduled pg_dump; see "
                           "the README."))
    secret = secrets.token_urlsafe(32)
    key_file = Path(key_file)
    _write_private(key_file, json.dumps({"format": FORMAT, "db_id": db.db_id,
                                         "secret": secret}))
    try:
        with db.write() as conn:
            ring = db.load_ring(conn).with_user(BACKUP_SIGNER, secret, db.key)
            signing.register_slot(conn, db, session.username, ring, BACKUP_SIGNER, False)
            db.save_ring(ring, conn)
            audit.append(conn, db, actor=session.username, action="backup.credential_made",
                         detail={"file": key_file.name})
    except BaseException:
        key_file.unlink(missing_ok=True)
        raise
    return key_file


@requires(Permission.BACKUPS)
def revoke_credential(session: Session) -> bool:
    """The slot removed: every key file made so far opens nothing. False if there was none."""
    db = session.db
    with db.write() as conn:
        ring = db.load_ring(conn)
        if ring.slot_for(BACKUP_SIGNER) is None:
            return False
        db.save_ring(ring.without_user(BACKUP_SIGNER, tombstone=False), conn)
        audit.append(conn, db, actor=session.username, action="backup.credential_revoked")
    return True


def _read_key_file(key_file: Path) -> dict:
    key_file = Path(key_file)
    try:
        mode = key_file.stat().st_mode
        data = json.loads(key_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreError(_("The backup credential {name} cannot be read.").format(
            name=key_file.name)) from None
    if sys.platform != "win32" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(_("The backup credential {name} may be read by other users; allow "
                           "only its owner (chmod 600).").format(name=key_file.name))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(_("{name} is not a backup credential.").format(name=key_file.name))
    return data


def open_unattended(db_path: Path, key_file: Path) -> Session:
    """The scheduled run's session: the database opened through the backup slot."""
    from app.accounts.login import load_ring

    if is_server(db_path):
        raise StoreError(_("A branch server is backed up by its own scheduled pg_dump; see "
                           "the README."))
    data = _read_key_file(key_file)
    ring: KeyRing = load_ring(Path(db_path))
    if data.get("db_id") != ring.db_id:
        raise StoreError(_("The backup credential {name} belongs to another database.")
                         .format(name=Path(key_file).name))
    try:
        opened = ring.open_account(BACKUP_SIGNER, str(data.get("secret", "")))
    except LoginFailed:
        raise StoreError(_("The backup credential {name} was revoked or replaced; an "
                           "administrator makes a new one.").format(
            name=Path(key_file).name)) from None
    try:
        db: Database = open_with_key(Path(db_path), opened.db_key, ring.db_id)
    finally:
        wipe(opened.db_key)
    audit.set_signer(db, BACKUP_SIGNER, opened.signing)
    return Session(db=db, user_id=0, username=BACKUP_SIGNER,
                   display_name=_("Scheduled backup"), roles=frozenset({Role.ADMIN}))


@dataclass(frozen=True)
class RunResult:
    backups: list[DestinationResult]
    verified: VerifyReport | None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.backups) and (
            self.verified is None or self.verified.ok)


def run_scheduled(session: Session) -> RunResult:
    """What the OS scheduler starts: a backup in every folder (pruned to the keep counts),
    then the restore test of the newest when the weekly one is due; all on record."""
    if not load_schedule(session.db).destinations:
        raise StoreError(_("No backup folder is set; an administrator adds one in Backups."))
    results = back_up_everywhere(session)
    plan = load_schedule(session.db)
    report = None
    if "verify" in due_actions(clock.now_utc(), plan):
        path = newest_backup(plan, session.db.db_id)
        if path is not None:
            report = verify_backup(session, path)
    return RunResult(results, report)


def close_unattended(session: Session) -> None:
    """The end of a scheduled run (no logout event: no one logged in)."""
    session.ended = True
    audit.drop_signer(session.db)
    session.db.close()
