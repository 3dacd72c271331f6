"""The encrypted database: SQLCipher 4 under a raw 256-bit key, reached through SQLAlchemy Core.

The key is unwrapped once per login (see keyring.py); every pooled connection is then
opened with it directly, so the slow password KDF never runs per connection. Writes run
in `BEGIN IMMEDIATE` transactions: two Custos windows on one file queue behind the busy
timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import create_engine, event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from app import clock
from app.errors import Damaged, KeyChanged, StoreError
from app.i18n import _
from app.store import migrations, schema
from app.store.failures import explain, is_damage
from app.store.fields import FieldKeys
from app.store.memory import key_literal, wipe

PAGE_SIZE = 4096
BUSY_TIMEOUT_MS = 15000
SQLITE_HEADER = b"SQLite format 3\x00"


class Sealed(StoreError):
    """The session is locked: its database key was dropped until the password is typed."""


def _quiet_sqlcipher() -> None:
    """SQLCipher's log level is process-wide: set it once here, at import, so that every
    connection of the process is quiet, including those made outside this module
    (app.backup imports this module)."""
    conn = sqlcipher.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()


_quiet_sqlcipher()


def keyring_path(db_path: Path) -> Path:
    return Path(f"{db_path}.keys")


def attempts_path(db_path) -> Path:
    """Failed logins are noted beside the file; for a branch server, on this PC (the
    server cannot be written before a login succeeds)."""
    from app.store.place import ServerAddress

    if isinstance(db_path, ServerAddress):
        import platformdirs

        folder = Path(platformdirs.user_state_dir("custos", appauthor=False)) / "servers"
        if os.environ.get("CUSTOS_STATE_DIR"):
            folder = Path(os.environ["CUSTOS_STATE_DIR"]) / "servers"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder / f"{db_path.key}.attempts"
    return Path(f"{db_path}.attempts")


def file_salt(db_path: Path) -> str:
    """The first 16 bytes of an SQLCipher file are its random salt: the file's fingerprint."""
    with open(db_path, "rb") as fh:
        return fh.read(16).hex()


def check_database_file(db_path: Path) -> None:
    """Refuse, with one sentence, a file that cannot be a Custos database — before any key work."""
    name = db_path.name
    if not db_path.exists():
        raise StoreError(_("The database file {name} does not exist.").format(name=name))
    if db_path.is_dir():
        raise StoreError(_("{name} is a folder, not a Custos database.").format(name=name))
    size = db_path.stat().st_size
    with open(db_path, "rb") as fh:
        head = fh.read(16)
    if head == SQLITE_HEADER:
        raise StoreError(_("{name} is an unencrypted SQLite file, not a Custos database.")
                         .format(name=name))
    if size < PAGE_SIZE or size % PAGE_SIZE:
        raise Damaged(_("The database file {name} is damaged (truncated or not a Custos "
                           "database).").format(name=name))


def keyed_connection(db_path: Path, key: bytes | bytearray | None) -> sqlcipher.Connection:
    """A connection with the raw key set: the first statement on it decides if the key fits.

    key=None opens a plain SQLite file: only the benchmark's unencrypted twin, the lower
    bound that the encryption overhead is measured against.
    """
    conn = sqlcipher.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000,
                             check_same_thread=False, isolation_level=None)
    # SQLCipher logs to stderr by default ("ERROR CORE sqlcipher_page_cipher: hmac check
    # failed"): what it says is ours to say, in one sentence. The level is process-wide;
    # setting it on every connection also covers connections made before this one.
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        # sqlite3_key with the x'…' literal in a buffer we clear: no SQL text (which the
        # statement cache and SQLite's heap would keep) ever carries the key.
        literal = key_literal(key)
        try:
            conn.set_key(literal)
        finally:
            wipe(literal)
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    return conn


def _connect(db_path: Path, key: bytes) -> sqlcipher.Connection:
    conn = keyed_connection(db_path, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for pragma in ("foreign_keys = ON", "secure_delete = ON", "temp_store = MEMORY",
                       "cache_size = -65536", f"busy_timeout = {BUSY_TIMEOUT_MS}",
                       "synchronous = FULL"):
            conn.execute(f"PRAGMA {pragma}")
    except sqlcipher.DatabaseError:
        conn.close()
        raise
    return conn


class KeyHolder:
    """What an open database of either store holds while unlocked: its key (and engine)."""

    _key: bytearray | None
    _audit_key: bytearray | None
    engine: Engine

    @property
    def key(self) -> bytearray:
        if self._key is None:
            raise Sealed(_("Custos is locked; unlock it to go on."))
        return self._key

    @property
    def sealed(self) -> bool:
        return self._key is None

    def close(self) -> None:
        self.engine.dispose()

    def audit_key(self) -> bytes:
        """The audit chain's HMAC key, read once from the database (both stores keep it in
        meta) and wiped with the database key at lock."""
        if self._audit_key is None:
            with self.read() as conn:
                value = conn.execute(select(schema.meta.c.value)
                                     .where(schema.meta.c.key == "audit_key")).scalar_one()
            self._audit_key = bytearray.fromhex(value)
            wipe(value)
        return self._audit_key


class Database(KeyHolder):
    """An open encrypted database. Holds the key in memory for as long as it is open.

    store/server.py's ServerDatabase has the same face for the branch server: services
    use `read`, `write`, `fields`, `load_ring`, `save_ring` and never ask which it is."""

    is_server = False

    def __init__(self, path: Path, key: bytes | bytearray, db_id: str) -> None:
        self.path = Path(path)
        self.db_id = db_id
        self._key: bytearray | None = bytearray(key)
        self._seals = _seals(self.path)
        self._audit_key: bytearray | None = None
        # The customer-data domain keys of whoever logged in (store/fields.py): none until
        # a login puts them here, wiped at lock with the database key.
        self.fields: FieldKeys = FieldKeys()
        self.engine: Engine = create_engine(
            "sqlite://", creator=lambda: _connect(self.path, self.key),
            module=sqlcipher, poolclass=QueuePool, pool_size=4, max_overflow=4,
            pool_use_lifo=True,
        )
        event.listen(self.engine, "begin", _begin)

    @property
    def keyring_path(self) -> Path:
        return keyring_path(self.path)

    @property
    def place(self) -> Path:
        return self.path

    @property
    def name(self) -> str:
        return self.path.name

    def load_ring(self, conn: Connection | None = None):
        """The ring beside the file, checked to belong to it (accounts.login.load_ring)."""
        from app.accounts.login import load_ring

        return load_ring(self.path)

    def save_ring(self, ring, conn: Connection | None = None) -> None:
        ring.save(keyring_path(self.path))

    def rotation_lock(self):
        from app.keys import rotation_lock

        return rotation_lock(self.path)

    def seal(self) -> None:
        """On lock: close every connection (SQLCipher clears its copy of the key) and zero ours.

        A connection still lent to a running task finishes its statement and is closed when
        handed back; nothing new opens until `unseal`.
        """
        self.engine.dispose()
        for secret in (self._key, self._audit_key):
            wipe(secret)
        self._key = self._audit_key = None
        self.fields.wipe()

    def unseal(self, key: bytes | bytearray) -> None:
        """On unlock: the key unwrapped again from the ring with the password just typed
        (the ring's current key: a rotation made meanwhile in another window is taken up)."""
        self._key = bytearray(key)
        self._seals = _seals(self.path)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent snapshot for reading."""
        with self._failure_said(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self, log_only: bool = False) -> Iterator[Connection]:
        """One write transaction: all of it commits, or none of it.

        `BEGIN IMMEDIATE` takes the write lock first: whatever is read inside (the next
        customer, case or file number) cannot be read by another writer at the same time.
        The file has one writer at a time anyway: `log_only` (the server's transactions
        that only append to the audit log, ServerDatabase.write) changes nothing here.
        """
        with self._failure_said(), self.engine.connect() as conn:
            conn = conn.execution_options(custos_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def in_line(self, conn: Connection, query: str) -> tuple:
        """`query`'s first row, behind the other writers: a file's write holds its lock
        already (ServerDatabase.in_line takes it for a log-only transaction)."""
        return tuple(conn.exec_driver_sql(query).first())

    @contextlib.contextmanager
    def pipelined(self, conn: Connection) -> Iterator[None]:
        """Nothing to gather on the file (ServerDatabase.pipelined sends statements together)."""
        yield

    @contextlib.contextmanager
    def _failure_said(self) -> Iterator[None]:
        """A store failure becomes one sentence, not a trace: damage (bad HMAC, malformed
        b-tree), a key changed by another session, a full disk, a lock, a read-only file."""
        try:
            yield
        except sa_exc.DBAPIError as error:
            if is_damage(error.orig):
                if self.key_changed():
                    raise KeyChanged(_("The database key was changed in another session; "
                                       "log in again.")) from None
                raise Damaged(_("The database {name} is damaged; restore it from a "
                                   "verified backup.").format(name=self.path.name)) from None
            said = explain(error.orig, self.path)
            if said is None:
                raise
            raise said from None

    def key_changed(self) -> bool:
        """True when the key ring beside the database (or the next ring of a rotation under
        way) seals a different key than when this session opened: a rotation, not damage.

        The next ring is read first: a rotation ending between the two reads renames it over
        the ring, so whichever read comes second then sees the new seals."""
        for ring in (Path(f"{keyring_path(self.path)}.next"), keyring_path(self.path)):
            now = _seals(self.path, ring)
            if any(self._seals.get(slot) not in (None, sealed) for slot, sealed in now.items()):
                return True
        return False

    def replace_key(self, key: bytes | bytearray) -> None:
        """After a rotation: new connections use the new key (the pool was emptied)."""
        self.engine.dispose()
        wipe(self._key)
        self._key = bytearray(key)
        self._seals = _seals(self.path)


def _seals(db_path: Path, ring_path: Path | None = None) -> dict[str, bytes]:
    """Slot id -> sealed database key, read from a ring file (empty if it cannot be read).

    A rotation re-seals every slot under its old id; adding a user or changing a password
    gives a new slot id instead. So a slot whose seal changed means a new database key. The
    file salt the ring names is kept too: when it changes, the file itself was replaced
    (a restore in another window), which also calls for a new login, not for "damaged".
    """
    from app.store.keyring import KeyRing

    try:
        ring = KeyRing.load_bytes(Path(ring_path or keyring_path(db_path)).read_bytes())
    except (OSError, StoreError):
        return {}
    seals = {slot.id: slot.sealed for slot in ring.slots if slot.sealed}
    seals["\x00db_salt"] = ring.db_salt.encode("ascii", "replace")
    return seals


def _begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("custos_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def open_with_key(db_path: Path, key: bytes, expected_db_id: str | None = None) -> Database:
    """Open and migrate. Wrong key, damage or a mismatched ring: StoreError, nothing written."""
    db_path = Path(db_path)
    try:
        probe = _connect(db_path, key)
    except sqlcipher.DatabaseError as error:
        said = explain(error, db_path)
        if said is not None:
            raise said from None
        raise Damaged(_("The database {name} cannot be read with this key ring: it is damaged "
                           "or belongs to another key ring.").format(name=db_path.name)) from None
    try:
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        if version > migrations.LATEST:
            raise StoreError(_("The database {name} was written by a newer version of Custos.")
                             .format(name=db_path.name))
        db_id = None
        if version >= 1:
            row = probe.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
            db_id = row[0] if row else None
    except sqlcipher.DatabaseError as error:
        said = explain(error, db_path)
        if said is not None:
            raise said from None
        raise Damaged(_("The database file {name} is damaged.").format(name=db_path.name)) \
            from None
    finally:
        probe.close()
    if expected_db_id is not None and db_id != expected_db_id:
        raise StoreError(_("The key ring does not belong to the database {name}.")
                         .format(name=db_path.name))
    if version < migrations.LATEST:
        backup_before_migration(db_path, key, version)
    db = Database(db_path, key, db_id or "")
    migrate(db, version)
    return db


def migrate(db: Database, current: int) -> None:
    for target, _description, script in migrations.MIGRATIONS:
        if target <= current:
            continue
        with db.write() as conn:
            for statement in migrations.statements(script):
                if _already_there(conn, statement):
                    continue  # a database brought back to an earlier step keeps its objects
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {target}")


def _already_there(conn: Connection, statement: str) -> bool:
    """Is `statement` an ALTER TABLE … ADD COLUMN whose column exists already, or a CREATE
    TABLE/INDEX/TRIGGER/VIEW whose object does (a database whose version number was set
    back: the step runs again and must not fail on what it made the first time)?"""
    text = statement.strip()
    found = re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", text, re.I)
    if found:
        table, column = found.groups()
        return any(row[1] == column
                   for row in conn.exec_driver_sql(f"PRAGMA table_info({table})"))
    found = re.match(r"CREATE (?:UNIQUE )?(TABLE|INDEX|TRIGGER|VIEW) (?!IF NOT EXISTS)(\w+)",
                     text, re.I)
    if found:
        kind, name = found.groups()
        return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?",
                                    (kind.lower(), name)).first() is not None
    return False


def backup_before_migration(db_path: Path, key: bytes, version: int) -> Path:
    """A consistent copy of the database and its ring, taken before its schema changes."""
    folder = db_path.parent / f"{db_path.name}.migration-backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink():  # planted beside the database: our copy must not go elsewhere
        raise StoreError(_("{name} is a link, not a folder; move it away first.").format(
            name=folder.name))
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{db_path.stem}.v{version}.{stamp}.custos"
    copy_database(db_path, key, target)
    ring = keyring_path(db_path)
    if ring.exists():
        from dataclasses import replace

        from app.store.keyring import KeyRing

        # The copy has a file salt of its own; its ring must name it, or it would not open.
        replace(KeyRing.load(ring), db_salt=file_salt(target)).save(keyring_path(target))
    return target


def copy_database(source: Path, key: bytes, target: Path) -> None:
    """SQLite's online backup: consistent while others use the source; encrypted the same."""
    src = _connect(source, key)
    dst = keyed_connection(target, key)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)


def audit_key_from(key: bytes) -> bytes:
    """The audit chain's HMAC key, derived from the database key once, at creation.

    It is stored inside the encrypted database so that a later key rotation does not
    break the chain already written.
    """
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"custos audit chain v1").derive(key)


def create_empty(db_path: Path) -> tuple[Database, bytes]:
    """A new encrypted database with the current schema; returns it and its fresh key."""
    key = secrets.token_bytes(32)
    conn = keyed_connection(db_path, key)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    os.chmod(db_path, 0o600)
    db = Database(db_path, key, secrets.token_hex(16))
    migrate(db, 0)
    with db.write() as conn:
        conn.execute(schema.meta.insert(), [
            {"key": "db_id", "value": db.db_id},
            {"key": "created_at", "value": clock.stamp()},
            {"key": "audit_key", "value": audit_key_from(key).hex()},
        ])
    return db, key
