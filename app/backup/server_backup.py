"""A branch server's backups: the same `.custos-backup` container as a file's, holding a
`pg_dump` custom-format dump (`database.pgdump`) instead of the database file.

Taking one: the acting account's own login opens a read-only transaction, exports its
snapshot, and pg_dump dumps that very snapshot while the manifest's facts (rows per
table, audit head, database id, the key ring) are read in it: the dump and the manifest
describe the same moment, and the branch's writers are not held. The key ring lives in
the database (tables `key_ring` and `key_slot`), so the dump carries it; its bytes (the
ring as one document) are also a part of their own, so that a password is checked before anything is restored.

What a staff login cannot dump: nothing in the public schema. It reads every table, and
the trail's counter (`server_change_id_seq`) since grants_sql grants it; the functions
and triggers, owned by the owner login, are dumped as definitions, as any login may.

Verifying one restores it, as the owner login (which may create databases), into a
scratch database on the same server, checks it there (pg_amcheck where the owner may
install amcheck, rows per table, audit head, the key ring, every link and signature of
the audit log), and drops it. Restoring one goes only into an empty database.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import tempfile
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from app import __version__, clock
from app.backup import server_dump
from app.backup.archive_file import (
    CHUNK,
    DUMP_NAME,
    FORMAT,
    RING_IN_DUMP,
    RING_NAME,
    SERVER_STORE,
    Manifest,
    one_line,
    read_ring,
    store_bytes,
    unpack_part,
    write_backup,
)
from app.errors import StoreError
from app.i18n import _
from app.security.session import Session
from app.store import schema, server, server_ring
from app.store.keyring import KeyRing
from app.store.place import ServerAddress

SCRATCH_PREFIX = "custos_verify_"


class ServerGone(StoreError):
    """The branch server went away while a backup was being taken."""


def _gone() -> ServerGone:
    return ServerGone(_("The branch server went away during the backup; no backup was "
                        "written. Try again when it is back."))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_stem(address: ServerAddress) -> str:
    """The database's name as a file name's start."""
    return re.sub(r"[^\w.-]", "_", address.dbname)[:60] or "branch"


# --- the facts a manifest holds -----------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    counts: dict[str, int]
    events: int
    head: str
    schema_version: int
    db_id: str
    ring: bytes


def read_facts(conn: psycopg.Connection) -> Facts:
    """Rows per table of the public schema, the audit head, the database id and its key
    ring, as the connection's transaction sees them."""
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    counts = {t: conn.execute(f"SELECT count(*) FROM {_q(t)}").fetchone()[0] for t in tables}
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN "
                             "('audit_head', 'schema_version', 'db_id')").fetchall())
    seq, _sep, digest = (meta.get("audit_head") or "0:").partition(":")
    return Facts(counts, int(seq or 0), digest, int(meta.get("schema_version") or 0),
                 meta.get("db_id") or "", server_ring.ring_bytes(conn.cursor()))


# --- taking one ---------------------------------------------------------------------------

def take(session: Session, target: Path, progress=None) -> Manifest:
    """Write the backup of the session's server database to `target` (complete, or not
    there at all); run as the session's own login."""
    db = session.db
    login, password = db.credentials()
    conn = server.connect_raw(db.address, login, password, autocommit=True)
    dump = None
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot, estimate = conn.execute(
            "SELECT pg_export_snapshot(), pg_database_size(current_database())").fetchone()
        dump = server_dump.start_dump(db.address, login, password, snapshot)
        return write_backup(target, lambda z: _pack(z, conn, dump, session, estimate,
                                                    progress))
    except psycopg.OperationalError:
        raise _gone() from None
    finally:
        if dump is not None and dump.poll() is None:
            dump.kill()
            dump.wait()
        conn.close()


def _pack(z: zipfile.ZipFile, conn: psycopg.Connection, dump, session: Session,
          estimate: int, progress) -> Manifest:
    # The manifest's facts are read in the exported snapshot while the dump streams in.
    with ThreadPoolExecutor(max_workers=1) as pool:
        facts = pool.submit(read_facts, conn)
        try:
            dump_sum, size = _stream_dump(z, dump, estimate, progress)
        except BaseException:
            dump.kill()
            with contextlib.suppress(Exception):
                conn.cancel_safe()  # no need to finish counting for a backup that failed
                facts.result()
            raise
        facts = facts.result()
    ring_sum = store_bytes(z, RING_NAME, facts.ring)
    return Manifest(
        format=FORMAT, version=1, created_at=clock.stamp(), created_by=session.username,
        program_version=__version__, schema_version=facts.schema_version,
        db_id=facts.db_id, source_name=one_line(session.db.address.name),
        row_counts=facts.counts,
        audit_events=facts.events, audit_head=facts.head,
        sha256={DUMP_NAME: dump_sum, RING_NAME: ring_sum},
        sizes={DUMP_NAME: size, RING_NAME: len(facts.ring)},
        store=SERVER_STORE, key_ring=RING_IN_DUMP)


def _stream_dump(z: zipfile.ZipFile, dump, estimate: int, progress) -> tuple[str, int]:
    """pg_dump's output into the archive, hashed on its way in; its failure in one
    sentence."""
    info = zipfile.ZipInfo(DUMP_NAME, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    digest, done = hashlib.sha256(), 0
    with z.open(info, "w", force_zip64=True) as part:
        while block := dump.stdout.read1(CHUNK):
            digest.update(block)
            part.write(block)
            done += len(block)
            if progress is not None:
                progress(done, max(done, estimate))
    if dump.wait() != 0:
        raise _dump_failure(server_dump.first_line(dump.stderr.read()))
    return digest.hexdigest(), done


def _dump_failure(problem: str) -> StoreError:
    if server_dump.went_away(problem):
        return _gone()
    denied = re.search(r"permission denied for \w+ (\S+)", problem)
    if denied:
        return StoreError(_("The branch server refused the backup: this login may not read "
                            "{name}. Nothing was written.").format(name=denied.group(1)))
    return StoreError(_("pg_dump could not back up the branch server: {problem}")
                      .format(problem=problem))


# --- checking a restored copy -------------------------------------------------------------

class _Restored:
    """A restored copy as the audit log's checker reads it, through the owner login."""

    is_server = True

    def __init__(self, address: ServerAddress) -> None:
        self.engine = create_engine(
            "postgresql+psycopg://", poolclass=NullPool,
            creator=lambda: server_dump.owner_connection(address, autocommit=False))

    @contextlib.contextmanager
    def read(self) -> Iterator:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def audit_key(self) -> bytes:
        with self.read() as conn:
            value = conn.execute(select(schema.meta.c.value)
                                 .where(schema.meta.c.key == "audit_key")).scalar_one()
        return bytes.fromhex(value)


def check_restored(address: ServerAddress, manifest: Manifest, ring: bytes,
                   with_amcheck: bool) -> tuple[str | None, list[str]]:
    """(what is wrong with the restored copy at `address`, or None; notes for a person).

    pg_amcheck (the server's work) runs beside the checks made here."""
    if not with_amcheck:
        return _check_contents(address, manifest, ring)
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = pool.submit(server_dump.amcheck, address)
        problem, notes = _check_contents(address, manifest, ring)
        sound, said = checked.result()
    if sound is False:
        return _("The restored copy failed pg_amcheck: {problem}").format(problem=said), notes
    if sound is None:
        notes.insert(0, _("pg_amcheck was not run ({reason}).").format(reason=said))
    return problem, notes


def _check_contents(address: ServerAddress, manifest: Manifest, ring: bytes
                    ) -> tuple[str | None, list[str]]:
    """Rows, audit head and key ring against the manifest; every link and signature."""
    notes: list[str] = []
    with server_dump.owner_connection(address, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        facts = read_facts(conn)
    problem = _facts_problem(facts, manifest, ring)
    if problem:
        return problem, notes
    from app.audit_verify import verify

    db = _Restored(address)
    try:
        report = verify(db)
    finally:
        db.engine.dispose()
    if report.first_broken is not None or not (report.intact or report.outside):
        return _("The audit log in the backup is broken at event {seq} ({reason}).").format(
            seq=report.first_broken, reason=report.reason), notes
    if report.outside:
        notes.append(_("The server had recorded {count} changes made outside Custos before "
                       "this backup; audit verify lists them.").format(
            count=len(report.outside)))
    return None, notes


def _facts_problem(facts: Facts, manifest: Manifest, ring: bytes) -> str | None:
    if facts.db_id != manifest.db_id or facts.ring != ring \
            or KeyRing.load_bytes(facts.ring).db_id != manifest.db_id:
        return _("The key ring in the backup belongs to another database than the one in it.")
    if facts.counts != manifest.row_counts:
        return _("The row counts of the backed-up database differ from its manifest.")
    if facts.events != manifest.audit_events or facts.head != manifest.audit_head:
        return _("The audit log in the backup differs from its manifest.")
    return None


# --- verifying one ------------------------------------------------------------------------

@contextlib.contextmanager
def unpacked(path: Path, manifest: Manifest) -> Iterator[tuple[Path, bytes]]:
    """The dump and the key ring of a server backup, each checked against the manifest;
    the dump in a folder of ours for as long as it is needed."""
    ring = read_ring(path)
    with tempfile.TemporaryDirectory(prefix="custos-restore-") as folder:
        yield unpack_part(path, manifest, DUMP_NAME, Path(folder) / DUMP_NAME), ring


def verify(path: Path, address: ServerAddress, manifest: Manifest):
    """The restore test on the server at `address`: (None or what is wrong, notes)."""
    with unpacked(path, manifest) as (dump, ring):
        owner = server_dump.owner_connection(address)
        try:
            may = owner.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles "
                                "WHERE rolname = current_user").fetchone()
            if not may or not may[0]:
                raise StoreError(_("Verifying a server backup restores it into a scratch "
                                   "database: the owner login (PGUSER/PGPASSWORD) must be "
                                   "allowed to create databases (CREATEDB)."))
            scratch = replace(address, dbname=SCRATCH_PREFIX + secrets.token_hex(6))
            owner.execute(f"CREATE DATABASE {_q(scratch.dbname)} TEMPLATE template0")
            try:
                server_dump.restore_dump(scratch, dump)
                return check_restored(scratch, manifest, ring, with_amcheck=True)
            finally:
                owner.execute(f"DROP DATABASE IF EXISTS {_q(scratch.dbname)} WITH (FORCE)")
        except psycopg.OperationalError:
            raise server.unreachable() from None
        finally:
            owner.close()
