"""Taking, verifying, listing and pruning backups (administrators' work; restoring is in
`restoring`).

A backup copies the live database's ciphertext as it stands in a read snapshot (see
`_frozen_file`), falling back to SQLite's online backup API when that snapshot cannot be
had; either way the copy is consistent while the program is in use and never written in
plaintext. A verification restores into a temporary folder, opens the copy with its key,
runs `cipher_integrity_check` and `integrity_check`, and compares row counts and the audit
head with the manifest, and checks that the key ring in the backup is the database's own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from app import __version__, audit, clock
from app.backup.archive_file import (
    DB_NAME,
    FORMAT,
    RING_NAME,
    SUFFIX,
    Manifest,
    damaged_part,
    extract,
    file_matches,
    of_kind,
    read_manifest,
    store_bytes,
    stream_part,
    write_backup,
)
from app.backup.offsite import note_copy
from app.errors import StoreError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import LAST_BACKUP, LAST_VERIFIED, record_value
from app.store.database import (
    Database,
    _connect,
    file_salt,
    is_damage,
    keyed_connection,
    keyring_path,
)
from app.store.keyring import KeyRing

Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    sentence: str
    manifest: Manifest | None
    checked_at: str


def snapshot_facts(conn: sqlcipher.Connection, count: bool = True
                   ) -> tuple[dict[str, int], int, str]:
    """Row count of every table, and the audit chain's length and head."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")] if count else []
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    head = row[0] if row else "0:"
    seq, _sep, digest = head.partition(":")
    return counts, int(seq or 0), digest


SNAPSHOT_TRIES = 5  # each waits up to 1 s for readers: at worst ~6 s before the fallback


def _wal_is_empty(db_path: Path) -> bool:
    wal = Path(f"{db_path}-wal")
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True


@contextlib.contextmanager
def _frozen_file(db_path: Path, key: bytes) -> Iterator[sqlcipher.Connection | None]:
    """A read transaction during which the database file itself cannot change.

    After a TRUNCATE checkpoint the write-ahead log is empty; a reader that starts then
    reads the main file alone and holds WAL read lock 0, and while it does no checkpoint
    may write into that file. Other windows keep writing (into the log) meanwhile. The
    file's bytes are then exactly the snapshot: still ciphertext under the same key, one
    sequential read, nothing decrypted or re-encrypted. Yields None if the log could not be
    emptied (another program keeps reading); the caller then uses SQLite's backup API.
    """
    conn = _connect(db_path, key)
    conn.execute("PRAGMA busy_timeout = 1000")
    try:
        for attempt in range(SNAPSHOT_TRIES):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM meta").fetchone()  # the snapshot starts here
            if _wal_is_empty(db_path):
                try:
                    yield conn
                finally:
                    with contextlib.suppress(sqlcipher.Error):  # an interrupt may have ended it
                        conn.execute("ROLLBACK")
                return
            conn.execute("ROLLBACK")
            time.sleep(0.05 * (attempt + 1))
        yield None
    finally:
        conn.close()


def _facts(conn: sqlcipher.Connection) -> tuple[dict[str, int], int, str, int]:
    counts, events, head = snapshot_facts(conn)
    return counts, events, head, conn.execute("PRAGMA user_version").fetchone()[0]


def _pack(z: zipfile.ZipFile, db: Database, session: Session, work: Path,
          progress: Progress | None) -> Manifest:
    with _frozen_file(db.path, db.key) as conn:
        if conn is not None:
            # Counting rows (the manifest) and copying bytes run side by side, on one snapshot.
            ring_bytes = keyring_path(db.path).read_bytes()
            with ThreadPoolExecutor(max_workers=1) as pool:
                facts = pool.submit(_facts, conn)
                try:
                    with open(db.path, "rb") as source:
                        size = os.fstat(source.fileno()).st_size
                        db_sum = stream_part(z, DB_NAME, source, size, progress)
                except BaseException:
                    conn.interrupt()  # no need to finish counting for a backup that failed
                    with contextlib.suppress(Exception):
                        facts.result()
                    raise
                counts, events, head, version = facts.result()
            ring_sum = store_bytes(z, RING_NAME, ring_bytes)
            ring_size = len(ring_bytes)
        else:
            copy, counts, events, head, version = _copy_by_backup_api(db, work, progress)
            with open(copy, "rb") as source:
                size = copy.stat().st_size
                db_sum = stream_part(z, DB_NAME, source, size)
            # A copy made by the backup API has its own file salt: its ring must say so.
            ring_bytes = replace(KeyRing.load(keyring_path(db.path)),
                                 db_salt=file_salt(copy)).to_bytes()
            ring_sum = store_bytes(z, RING_NAME, ring_bytes)
            ring_size = len(ring_bytes)
    return Manifest(
        format=FORMAT, version=1, created_at=clock.stamp(), created_by=session.username,
        program_version=__version__, schema_version=version, db_id=db.db_id,
        source_name=db.path.name, row_counts=counts, audit_events=events, audit_head=head,
        sha256={DB_NAME: db_sum, RING_NAME: ring_sum},
        sizes={DB_NAME: size, RING_NAME: ring_size})


def _copy_by_backup_api(db: Database, work: Path, progress: Progress | None):
    copy = work / DB_NAME
    source = keyed_connection(db.path, db.key)
    dest = keyed_connection(copy, db.key)
    try:
        def step(_status, remaining, total):
            if progress is not None:
                progress(total - remaining, total)

        source.backup(dest, pages=4096, progress=step)
        counts, events, head, version = _facts(dest)
    finally:
        dest.close()
        source.close()
    return copy, counts, events, head, version


@requires(Permission.BACKUPS)
def take_backup(session: Session, destination: Path, progress: Progress | None = None) -> Path:
    """One `.custos-backup` file in `destination`; the live database is only read."""
    destination = Path(destination)
    if not destination.is_dir():
        raise StoreError(_("The backup folder {folder} does not exist or is not reachable.")
                         .format(folder=destination))
    db = session.db
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    if db.is_server:
        from app.backup import server_backup

        target = destination / f"{server_backup.file_stem(db.address)}-{stamp}{SUFFIX}"
        manifest = server_backup.take(session, target, progress)
    else:
        target = destination / f"{db.path.stem}-{stamp}{SUFFIX}"
        manifest = _take_file_backup(db, session, destination, target, progress)
    with db.write() as conn:
        record_value(conn, LAST_BACKUP, f"{manifest.created_at}|{target}")
        offsite = note_copy(conn, destination, manifest.created_at, target)
        audit.append(conn, db, actor=session.username, action="backup.created",
                     detail={"file": target.name, "events": manifest.audit_events,
                             "bytes": target.stat().st_size, "offsite": offsite})
    return target


def _take_file_backup(db: Database, session: Session, destination: Path, target: Path,
                      progress: Progress | None) -> Manifest:
    try:
        work = Path(tempfile.mkdtemp(prefix=".custos-backup-", dir=destination))
    except OSError as error:
        raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                           "database was not touched.").format(
            folder=destination, problem=error.strerror or type(error).__name__)) from None
    try:
        try:
            manifest = write_backup(target, lambda z: _pack(z, db, session, work, progress))
        except sqlcipher.OperationalError as error:
            raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                               "database was not touched.").format(
                folder=destination, problem=str(error))) from None
        except sqlcipher.DatabaseError as error:
            if is_damage(error):
                raise StoreError(_("The database {name} is damaged; restore it from a "
                                   "verified backup.").format(name=db.path.name)) from None
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


VERIFY_CACHE_KIB = 262144  # per checking connection: index checks then hit memory, not AES
SHA_JOB, CIPHER_JOB = "\x00sha256", "\x00cipher"


def _check_job(copy: Path, key: bytes, job: str, manifest: Manifest
               ) -> tuple[str, str | None, int | None]:
    """One part of the restore test: the checksum, the page authentication, or one table's
    integrity check and row count (on its own connection)."""
    if job == SHA_JOB:
        ok = file_matches(copy, manifest.sha256.get(DB_NAME))
        return job, None if ok else damaged_part(manifest.source_name, DB_NAME), None
    try:
        conn = keyed_connection(copy, key)
        try:
            conn.execute(f"PRAGMA cache_size = -{VERIFY_CACHE_KIB}")
            if job == CIPHER_JOB:
                problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
                return job, (_("The backed-up database failed its encryption integrity check "
                               "({count} damaged pages).").format(count=len(problems))
                             if problems else None), None
            result = [r[0] for r in conn.execute(f'PRAGMA integrity_check("{job}")')]
            if result != ["ok"]:
                return job, _("The backed-up database failed its integrity check."), None
            return job, None, conn.execute(f'SELECT count(*) FROM "{job}"').fetchone()[0]
        finally:
            conn.close()
    except sqlcipher.DatabaseError:
        return job, _("The backed-up database failed its integrity check."), None


def _verify_extracted(copy: Path, key: bytes, manifest: Manifest,
                      workers: int | None = None, progress: Progress | None = None
                      ) -> str | None:
    """None when the copy is sound; else the sentence saying what is wrong.

    The checksum of the file, `cipher_integrity_check` (every page authenticates) and
    `integrity_check` table by table (each with its indexes, then its row count while its
    pages are still cached) run side by side on as many connections as there are cores,
    the costliest first. A checksum that does not match is the sentence given, whatever
    else failed: it says the most.
    """
    try:
        conn = keyed_connection(copy, key)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'")]
            _counts, events, head = snapshot_facts(conn, count=False)
            row = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
            indexes = dict(conn.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'index' "
                "GROUP BY tbl_name").fetchall())
        finally:
            conn.close()
    except sqlcipher.DatabaseError:
        if not file_matches(copy, manifest.sha256.get(DB_NAME)):
            return damaged_part(manifest.source_name, DB_NAME)
        return _("The backed-up database cannot be opened with its key.")
    if row is None or row[0] != manifest.db_id:
        return _("The key ring in the backup belongs to another database than the one in it.")
    # Costliest first: the page authentication reads the whole file; tables by rows times
    # (1 + their indexes).
    costliest = sorted(tables, key=lambda t: -manifest.row_counts.get(t, 0)
                       * (1 + indexes.get(t, 0)))
    jobs = [CIPHER_JOB, *costliest, SHA_JOB]
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    # Progress in rows checked; the two whole-file jobs count as the biggest table each.
    weight = {t: max(1, manifest.row_counts.get(t, 0)) for t in tables}
    weight[CIPHER_JOB] = weight[SHA_JOB] = max(weight.values(), default=1)
    total, done = sum(weight.values()), 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_check_job, copy, key, j, manifest) for j in jobs]
        for future in as_completed(futures):
            done += weight[future.result()[0]]
            if progress is not None:
                progress(done, total)
        results = [f.result() for f in futures]
    problems = {job: problem for job, problem, _count in results if problem}
    if problems:
        return problems.get(SHA_JOB) or next(iter(problems.values()))
    counts = {job: count for job, _problem, count in results if count is not None}
    if counts != manifest.row_counts:
        return _("The row counts of the backed-up database differ from its manifest.")
    if events != manifest.audit_events or head != manifest.audit_head:
        return _("The audit log in the backup differs from its manifest.")
    return None


def verify_file(path: Path, username: str, password: str,
                key: bytes | None = None, progress: Progress | None = None) -> VerifyReport:
    """The restore test. The key comes from the backup's own ring (a user's password), or is
    given by an open session of the same database."""
    with tempfile.TemporaryDirectory(prefix="custos-verify-") as folder:
        return _verify_in(Path(path), Path(folder), username, password, key, progress)[0]


def _opens(copy: Path, key: bytes) -> bool:
    try:
        conn = keyed_connection(copy, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlcipher.DatabaseError:
        return False
    return True


def ring_mismatch(ring: KeyRing, copy: Path, manifest: Manifest) -> str | None:
    """Why the key ring cannot be the one of the database beside it, or None.

    A ring names its database twice: by id (bound into every slot) and by the file's salt.
    A restored pair that disagrees would not open; it must fail the restore test instead.
    """
    if ring.db_id != manifest.db_id or ring.db_salt != file_salt(copy):
        return _("The key ring in the backup belongs to another database than the one in it.")
    return None


def _verify_in(path: Path, folder: Path, username: str, password: str, key: bytes | None,
               progress: Progress | None) -> tuple[VerifyReport, bytes | None]:
    """Unpack into `folder` and check the copy there (it stays, for a restore to move in).

    With both a key and a username, the key is tried first and the user's slot in the
    backup's ring after it (a backup taken before a key rotation). Returns the report and
    the key that opened the copy.
    """
    of_kind(path, read_manifest(path), server=False)
    copy, ring_file, manifest = extract(path, folder, check_database=False)
    ring = KeyRing.load(ring_file)
    problem = ring_mismatch(ring, copy, manifest)
    if problem is None:
        if key is None or (username and not _opens(copy, key)):
            key = ring.unlock(username, password)
        problem = _verify_extracted(copy, key, manifest, progress=progress)
    now = clock.stamp()
    if problem:
        return VerifyReport(False, problem, manifest, now), None
    return VerifyReport(True, _sound(manifest), manifest, now), key


def _sound(manifest: Manifest) -> str:
    return _("The backup is sound: {tables} tables, {events} audit events, created "
             "{time}.").format(tables=len(manifest.row_counts), events=manifest.audit_events,
                               time=clock.local_text(manifest.created_at))


def verify_on_server(path: Path, address) -> VerifyReport:
    """The restore test of a branch server's backup, on the server at `address` (as the
    owner login: see server_backup)."""
    from app.backup import server_backup

    manifest = of_kind(Path(path), read_manifest(Path(path)), server=True)
    problem, notes = server_backup.verify(Path(path), address, manifest)
    if problem:
        return VerifyReport(False, problem, manifest, clock.stamp())
    return VerifyReport(True, " ".join([_sound(manifest), *notes]), manifest, clock.stamp())


@requires(Permission.BACKUPS)
def verify_backup(session: Session, path: Path, progress: Progress | None = None
                  ) -> VerifyReport:
    """Verify with the open database's key, and record the result."""
    manifest = of_kind(Path(path), read_manifest(Path(path)), session.db.is_server)
    if manifest.db_id != session.db.db_id:
        raise StoreError(_("{name} is a backup of another database.").format(
            name=Path(path).name))
    if session.db.is_server:
        report = verify_on_server(Path(path), session.db.address)
    else:
        report = verify_file(Path(path), "", "", key=session.db.key, progress=progress)
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
