"""Taking, verifying, listing, pruning and restoring backups (administrators' work).

A backup never touches the live database beyond reading it through SQLite's online backup
API; a verification restores into a temporary folder, opens the copy with its key, runs
`cipher_integrity_check` and `integrity_check`, and compares row counts and the audit head
with the manifest. Restoring keeps the current database aside, never deletes it.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from app import __version__, audit, clock
from app.backup import swap
from app.backup.archive_file import (
    DB_NAME,
    FORMAT,
    RING_NAME,
    SUFFIX,
    Manifest,
    extract,
    read_manifest,
    sha256_file,
    write_backup,
)
from app.errors import StoreError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import LAST_BACKUP, LAST_VERIFIED, record_value
from app.store import migrations
from app.store.database import PAGE_SIZE, file_salt, keyring_path
from app.store.keyring import KeyRing

Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    sentence: str
    manifest: Manifest | None
    checked_at: str


def _keyed(path: Path, key: bytes) -> sqlcipher.Connection:
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    return conn


def snapshot_facts(conn: sqlcipher.Connection) -> tuple[dict[str, int], int, str]:
    """Row count of every table, and the audit chain's length and head."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    head = row[0] if row else "0:"
    seq, _sep, digest = head.partition(":")
    return counts, int(seq or 0), digest


@requires(Permission.BACKUPS)
def take_backup(session: Session, destination: Path, progress: Progress | None = None) -> Path:
    """One `.custos-backup` file in `destination`; the live database is only read."""
    destination = Path(destination)
    if not destination.is_dir():
        raise StoreError(_("The backup folder {folder} does not exist or is not reachable.")
                         .format(folder=destination))
    db = session.db
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    target = destination / f"{db.path.stem}-{stamp}{SUFFIX}"
    try:
        work = Path(tempfile.mkdtemp(prefix=".custos-backup-", dir=destination))
    except OSError as error:
        raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                           "database was not touched.").format(
            folder=destination, problem=error.strerror or type(error).__name__)) from None
    try:
        copy, ring = work / DB_NAME, work / RING_NAME
        try:
            source = _keyed(db.path, db.key)
            dest = _keyed(copy, db.key)
            try:
                def step(_status, remaining, total):
                    if progress is not None:
                        progress(total - remaining, total)

                source.backup(dest, pages=4096, progress=step)
                counts, events, head = snapshot_facts(dest)
                version = dest.execute("PRAGMA user_version").fetchone()[0]
            finally:
                dest.close()
                source.close()
            # A copy made by the backup API has its own file salt: its ring must say so.
            original = KeyRing.load(keyring_path(db.path))
            replace(original, db_salt=file_salt(copy)).save(ring)
        except (OSError, sqlcipher.OperationalError) as error:
            problem = getattr(error, "strerror", None) or str(error)
            raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                               "database was not touched.").format(
                folder=destination, problem=problem)) from None
        manifest = Manifest(
            format=FORMAT, version=1, created_at=clock.stamp(), created_by=session.username,
            program_version=__version__, schema_version=version, db_id=db.db_id,
            source_name=db.path.name, row_counts=counts, audit_events=events, audit_head=head,
            sha256={DB_NAME: sha256_file(copy), RING_NAME: sha256_file(ring)},
            sizes={DB_NAME: copy.stat().st_size, RING_NAME: ring.stat().st_size})
        write_backup(target, copy, ring, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with db.write() as conn:
        record_value(conn, LAST_BACKUP, f"{manifest.created_at}|{target}")
        audit.append(conn, db, actor=session.username, action="backup.created",
                     detail={"file": target.name, "events": events,
                             "bytes": target.stat().st_size})
    return target


def _verify_extracted(copy: Path, key: bytes, manifest: Manifest) -> str | None:
    """None when the copy is sound; else the sentence saying what is wrong."""
    try:
        conn = _keyed(copy, key)
        try:
            problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            if problems:
                return _("The backed-up database failed its encryption integrity check "
                         "({count} damaged pages).").format(count=len(problems))
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                return _("The backed-up database failed its integrity check.")
            counts, events, head = snapshot_facts(conn)
        finally:
            conn.close()
    except sqlcipher.DatabaseError:
        return _("The backed-up database cannot be opened with its key.")
    if counts != manifest.row_counts:
        return _("The row counts of the backed-up database differ from its manifest.")
    if events != manifest.audit_events or head != manifest.audit_head:
        return _("The audit log in the backup differs from its manifest.")
    return None


def verify_file(path: Path, username: str, password: str,
                key: bytes | None = None) -> VerifyReport:
    """The restore test. The key comes from the backup's own ring (a user's password), or is
    given by an open session of the same database."""
    path = Path(path)
    manifest = read_manifest(path)
    with tempfile.TemporaryDirectory(prefix="custos-verify-") as folder:
        copy, ring_file, manifest = extract(path, Path(folder))
        if key is None:
            key = KeyRing.load(ring_file).unlock(username, password)
        problem = _verify_extracted(copy, key, manifest)
    now = clock.stamp()
    if problem:
        return VerifyReport(False, problem, manifest, now)
    return VerifyReport(True, _("The backup is sound: {tables} tables, {events} audit events, "
                                "created {time}.").format(
        tables=len(manifest.row_counts), events=manifest.audit_events,
        time=clock.local_text(manifest.created_at)), manifest, now)


@requires(Permission.BACKUPS)
def verify_backup(session: Session, path: Path) -> VerifyReport:
    """Verify with the open database's key, and record the result."""
    manifest = read_manifest(Path(path))
    if manifest.db_id != session.db.db_id:
        raise StoreError(_("{name} is a backup of another database.").format(
            name=Path(path).name))
    report = verify_file(Path(path), "", "", key=session.db.key)
    with session.db.write() as conn:
        if report.ok:
            record_value(conn, LAST_VERIFIED, f"{report.checked_at}|{Path(path).name}")
        audit.append(conn, session.db, actor=session.username, action="backup.verified",
                     outcome="ok" if report.ok else "failed",
                     detail={"file": Path(path).name, "result": report.sentence})
    return report


@dataclass(frozen=True)
class BackupEntry:
    path: Path
    manifest: Manifest | None
    problem: str | None


def list_backups(folder: Path) -> list[BackupEntry]:
    """Complete backups in a folder, newest first (partial files are never listed)."""
    out = []
    for path in sorted(Path(folder).glob(f"*{SUFFIX}"), reverse=True):
        try:
            out.append(BackupEntry(path, read_manifest(path), None))
        except StoreError as error:
            out.append(BackupEntry(path, None, str(error)))
    return sorted(out, key=lambda e: e.manifest.created_at if e.manifest else "", reverse=True)


def prune(folder: Path, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Keep the newest of each of the last N days, weeks and months; delete the rest."""
    keep: set[Path] = set()
    entries = [e for e in list_backups(folder) if e.manifest]
    for count, key in ((daily, "%Y-%m-%d"), (weekly, "%G-%V"), (monthly, "%Y-%m")):
        seen: list[str] = []
        for e in entries:
            bucket = datetime.fromisoformat(e.manifest.created_at.rstrip("Z")).strftime(key)
            if bucket not in seen and len(seen) < count:
                seen.append(bucket)
                keep.add(e.path)
    removed = [e.path for e in entries if e.path not in keep]
    for path in removed:
        with contextlib.suppress(OSError):
            path.unlink()
    return removed


def restore(path: Path, db_path: Path, username: str, password: str,
            crash_after: int | None = None) -> Path:
    """Replace the database by a verified backup; the current one is kept aside.

    Returns the folder the previous database was moved to. The program must reopen and
    log in again afterwards (the backup's key ring is the one in force).
    """
    path, db_path = Path(path), Path(db_path)
    report = verify_file(path, username, password)
    if not report.ok:
        raise StoreError(report.sentence)
    if report.manifest.schema_version > migrations.LATEST:
        raise StoreError(_("The backup was written by a newer version of Custos."))
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    aside = db_path.parent / f"{db_path.name}.before-restore-{stamp}"
    incoming = Path(tempfile.mkdtemp(prefix=".custos-restore-", dir=db_path.parent))
    try:
        extract(path, incoming)  # beside the target, so the final moves are renames
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    # From here a crash is finished by the next login (swap.settle): never half a database.
    swap.begin(db_path, incoming, aside)
    swap.settle(db_path, crash_after)
    return aside
