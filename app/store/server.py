"""The branch server: the same records, services and rules on PostgreSQL (15 or later).

Who connects as whom
--------------------
Every Custos account has a PostgreSQL login of its own, `<database>.<username>`, member of
the group `<database>.staff`, which owns nothing and may only read and write rows (never
the schema, never change or delete the audit log or the ledgers: server_schema.grants_sql).
Its password is derived from the Custos password (Argon2id, salted with the database
and the account's name), so a person types only their Custos name and password, no PC
stores a shared secret, and the server keeps only a SCRAM verifier of a derived value.
The key ring lives in the database, a row per slot (store/server_ring.py); each slot
still opens only with its own password, so the server's administrator holds no key to customer data: sealed
columns are BYTEA ciphertext and search tokens.

The owner login that branch IT creates (with CREATEROLE) is used once, by `custos init`,
to make the schema and the first administrator's login. Logins for later accounts are
made and changed through `custos_set_login`, a SECURITY DEFINER function owned by that
owner which lets an administrator set any account's login and anyone set their own.

Writers and time
----------------
Every write transaction takes one advisory lock first: writers queue one behind the other
as they do on the file (BEGIN IMMEDIATE), so "the highest number plus one" and the audit
chain's next link are never taken twice, and whatever a service checks before it writes
still holds when it writes. The same first statement reads the server's clock; every
stamp written in the transaction follows it (clock.follow_server), so a PC whose clock is
wrong cannot reorder the log.

Most transactions only read and register the reading (searches, opens, logins): those
(`write(log_only=True)`) take the same lock only for their audit event, at the end, so
they overlap with each other but for that last link. Still no deadlock: one lock only, and
a log-only transaction takes no row lock before it, while every row lock a full writer
holds was taken after it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import time
from collections.abc import Iterator
from datetime import datetime

import psycopg
from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from app import clock
from app.errors import AccountDisabled, DatabaseBusy, LoginFailed, StoreError
from app.i18n import _
from app.store.database import KeyHolder, Sealed
from app.store.fields import FieldKeys
from app.store.kdf import KdfParams, derive
from app.store.memory import wipe
from app.store.place import ServerAddress

# The cost of deriving a login's password: paid once per login and unlock, before the
# connection. Tests lower it (tests/conftest.py).
LOGIN_KDF = KdfParams(time_cost=3, memory_kib=65536)
if os.environ.get("CUSTOS_TEST_LOGIN_KDF_FLOOR") == "1":  # the test suite's processes only:
    LOGIN_KDF = KdfParams(time_cost=1, memory_kib=8)  # thousands of throwaway logins
WRITE_LOCK = 0x437573746F73  # "Custos": the one advisory lock every writer takes first
RING_TABLE = "key_ring"
ROLE_MAX = 63  # PostgreSQL's identifier length
LOCK_WAIT_S = 30  # a save waits this long for the one before it, then says so
PING_AFTER_S = 5.0  # a pooled connection idle this long is checked before it is used


class ServerUnreachable(StoreError):
    """The branch server did not answer (stopped, network down): nothing was saved."""


def unreachable() -> ServerUnreachable:
    return ServerUnreachable(_("The branch server cannot be reached; nothing was saved. "
                               "Try again when it is back."))


def _ascii_lower(text: str) -> str:
    """As PostgreSQL's lower() under COLLATE "C" and SQLite's NOCASE: ASCII letters only."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def login_name(dbname: str, username: str) -> str:
    """The PostgreSQL login of a Custos account (custos_login_name in SQL says the same)."""
    name = f"{dbname}.{_ascii_lower(username.strip())}"
    if len(name.encode("utf-8")) <= ROLE_MAX:
        return name
    # Too long for a role name: a digest of the whole database and account names (two
    # branches whose names share a beginning must not share a login).
    whole = f"{dbname}\x01{_ascii_lower(username.strip())}".encode()
    return "c_" + hashlib.sha256(whole).hexdigest()[:40]


def staff_group(dbname: str) -> str:
    return f"{dbname.encode('utf-8')[:56].decode('utf-8', 'ignore')}.staff"


def login_password(username: str, password: str) -> str:
    """The login's password: derived from the Custos password, never stored anywhere.

    Salted with the account's name only, not the database's: a file moved to its server
    (custos migrate-to-server) can bring each account's login with it, made from the
    password as typed at a login on the file (accounts/login.py)."""
    salt = hashlib.sha256(b"custos server login\0"
                          + _ascii_lower(username.strip()).encode("utf-8")).digest()[:16]
    raw = derive(password, salt, LOGIN_KDF)
    try:
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    finally:
        wipe(raw)


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """What the server keeps of a password (RFC 5802/7677), made here so that the derived
    password itself never travels in a statement the server might log."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
            f"{b64(hashlib.sha256(client).digest()).decode()}:{b64(server).decode()}")


def _is_auth_failure(error: BaseException) -> bool:
    text = str(error)
    return ("password authentication failed" in text or "no password supplied" in text
            or "role \"" in text and "does not exist" in text)


def _is_tls_refusal(error: BaseException) -> bool:
    text = str(error).lower()
    return "server does not support ssl" in text or "ssl" in text and "certificate" in text


def connect_error(error: BaseException, address: ServerAddress) -> Exception:
    """One sentence for a connection that failed."""
    text = str(error).lower()
    if _is_auth_failure(error):
        return LoginFailed(_("Wrong username or password."))
    if "not permitted to log in" in text:  # a disabled account's login (NOLOGIN)
        return AccountDisabled(_("This account is disabled; ask an administrator."))
    if "server does not support ssl" in text or "ssl was required" in text:
        return StoreError(_("The branch server {name} does not offer TLS; Custos does not "
                            "send records over an unprotected connection.")
                          .format(name=address.name))
    if "certificate" in text or "ssl" in text and "verify" in text:
        return StoreError(_("The branch server's certificate does not match {host} or was "
                            "not signed by the CA file given; the connection was refused.")
                          .format(host=address.host))
    if "database" in text and "does not exist" in text:
        return StoreError(_("The branch server has no database {name}.")
                          .format(name=address.dbname))
    if "permission denied for database" in text:
        return StoreError(_("This login may not connect to the database {name} on the branch "
                            "server.").format(name=address.dbname))
    if "no pg_hba.conf entry" in text:
        return StoreError(_("The branch server does not let this PC connect (pg_hba.conf)."))
    return unreachable()


def connect_raw(address: ServerAddress, user: str | None, password: str | None,
                **extra) -> psycopg.Connection:
    args = address.conninfo(user or "", password)
    if not user:
        args.pop("user")  # libpq's own PGUSER (or the system user): the owner at init
    try:
        return psycopg.connect(**args, **extra)
    except psycopg.OperationalError as error:
        raise connect_error(error, address) from None


def _first_row(conn: Connection, *statements: str):
    """The first row of each statement (of the one, if one), all sent in one pipeline
    (with the transaction's BEGIN if it is the first): one round trip. Each statement
    still runs after the one before, with a snapshot of its own."""
    raw = conn.connection.dbapi_connection
    cursors = [raw.cursor() for _s in statements]
    try:
        with raw.pipeline():
            for cursor, statement in zip(cursors, statements, strict=True):
                cursor.execute(statement)
        rows = [cursor.fetchone() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    return rows[0] if len(rows) == 1 else rows


def _mark_used(_dbapi_conn, record) -> None:
    record.info["used"] = time.monotonic()


class ServerDatabase(KeyHolder):
    """An open branch-server database, as one login. Same face as store.database.Database."""

    is_server = True

    def __init__(self, address: ServerAddress, login: str, password: str,
                 key: bytes | bytearray | None, db_id: str = "") -> None:
        self.address = address
        self.path = address  # what services hand back to login/attempts: the place
        self.db_id = db_id
        self.login = login
        self._password: bytearray | None = bytearray(password.encode("ascii"))
        self._key: bytearray | None = bytearray(key) if key is not None else None
        self._audit_key: bytearray | None = None
        self.fields: FieldKeys = FieldKeys()
        self.engine: Engine = create_engine(
            "postgresql+psycopg://", creator=self._connect, poolclass=QueuePool,
            pool_size=4, max_overflow=4, pool_use_lifo=True)
        event.listen(self.engine, "checkout", self._ping_if_idle)
        event.listen(self.engine, "checkin", _mark_used)

    def _ping_if_idle(self, dbapi_conn, record, _proxy) -> None:
        """A pooled connection unused for PING_AFTER_S is asked first whether the server
        is still there (it may have restarted meanwhile): the pool then opens a fresh one.
        One used a moment ago is not asked, which spares a round trip per transaction."""
        if time.monotonic() - record.info.get("used", 0.0) < PING_AFTER_S:
            return
        try:
            self.engine.dialect.do_ping(dbapi_conn)
        except psycopg.Error:
            raise sa_exc.DisconnectionError() from None

    @property
    def place(self) -> ServerAddress:
        return self.address

    @property
    def name(self) -> str:
        return self.address.name

    def _connect(self):
        if self._password is None:
            raise Sealed(_("Custos is locked; unlock it to go on."))
        return connect_raw(self.address, self.login, self._password.decode("ascii"))

    def credentials(self) -> tuple[str, str]:
        """This login and its (derived) password, for a PostgreSQL client tool run on its
        behalf: pg_dump takes the backups (backup/server_dump.py)."""
        if self._password is None:
            raise Sealed(_("Custos is locked; unlock it to go on."))
        return self.login, self._password.decode("ascii")

    # --- the key, as on the file: held while unlocked (KeyHolder) ---------------------
    def seal(self) -> None:
        self.engine.dispose()
        for secret in (self._key, self._audit_key, self._password):
            wipe(secret)
        self._key = self._audit_key = self._password = None
        self.fields.wipe()

    def unseal(self, key: bytes | bytearray, password: str | None = None) -> None:
        if password is not None:
            self._password = bytearray(password.encode("ascii"))
        self._key = bytearray(key)

    def replace_key(self, key: bytes | bytearray) -> None:
        wipe(self._key)
        self._key = bytearray(key)

    def key_changed(self) -> bool:
        return False  # the ring lives in the database: a rotation is seen at once

    # --- transactions ----------------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent snapshot for reading (REPEATABLE READ)."""
        with self._failure_said(), self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def write(self, log_only: bool = False) -> Iterator[Connection]:
        """One write transaction, all or nothing, behind the writers' lock.

        `log_only`: a transaction that reads and then only appends to the audit log (a
        search, an open, a login) stands in line only for its append (`in_line`, called by
        audit.append), so such transactions overlap everywhere but at their last link."""
        with self._failure_said(), self.engine.connect() as conn:
            conn = conn.execution_options(custos_begin="LOG" if log_only else "IMMEDIATE")
            with conn.begin():
                # One round trip (BEGIN and a statement, pipelined): the wait allowed, the
                # lock (unless log-only), the clock.
                lock = "" if log_only else f", pg_advisory_xact_lock({WRITE_LOCK})"
                clock.follow_server(_first_row(conn, (
                    f"SELECT set_config('lock_timeout', '{LOCK_WAIT_S}s', true){lock}, "
                    "clock_timestamp()"))[-1])
                yield conn

    def in_line(self, conn: Connection, query: str) -> tuple:
        """`query`'s first row, read once this transaction holds the writers' lock: a
        log-only one takes it here, and the server's clock again (its event's time follows
        the line). Lock and query go in one round trip (a pipeline): the query, a statement
        of its own, sees what the writer before committed."""
        if conn.get_execution_options().get("custos_begin") == "IMMEDIATE":
            return tuple(conn.exec_driver_sql(query).first())
        now, row = _first_row(conn, f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), "
                              "clock_timestamp()", query)
        clock.follow_server(now[1])
        conn.execution_options(custos_begin="IMMEDIATE")
        return row

    @contextlib.contextmanager
    def pipelined(self, conn: Connection) -> Iterator[None]:
        """Statements whose results are not read (no SELECT: SQLAlchemy would find no rows)
        go out together, in one round trip when the block ends."""
        with conn.connection.dbapi_connection.pipeline():
            yield

    @contextlib.contextmanager
    def _failure_said(self) -> Iterator[None]:
        try:
            yield
        except (sa_exc.DBAPIError, psycopg.Error) as error:  # the latter: sent by psycopg
            if isinstance(error, psycopg.Error) and _connection_lost(error):  # itself
                self.engine.dispose()  # as SQLAlchemy does: the others are lost too
            said = explain(error, self.address)
            if said is None:
                raise
            raise said from None

    # --- the key ring, kept in the database: a row per slot (store/server_ring.py) ------
    def load_ring(self, conn: Connection | None = None):
        from app.store import server_ring

        if conn is None:
            with self.read() as conn:
                return server_ring.load(conn)
        return server_ring.load(conn)

    def save_ring(self, ring, conn: Connection | None = None) -> None:
        from app.store import server_ring

        if conn is None:
            with self.write() as conn:
                return server_ring.save(conn, ring)
        server_ring.save(conn, ring)

    def rotation_lock(self):
        from app.store import server_ring

        return server_ring.rotation_lock(self)

    # --- logins ------------------------------------------------------------------------
    def set_login(self, conn: Connection, username: str, password: str | None,
                  can_login: bool = True) -> None:
        """Make or change an account's login (its password derived from `password`), or
        stop it logging in (`can_login=False`, the password then left as it is)."""
        verifier = scram_verifier(login_password(username, password)) \
            if password is not None else None
        conn.exec_driver_sql("SELECT custos_set_login(%s, %s, %s)",
                             (username, verifier, can_login))


def _connection_lost(error: psycopg.Error) -> bool:
    return isinstance(error, psycopg.OperationalError) and not isinstance(
        error, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled)


def explain(error: BaseException, address: ServerAddress) -> Exception | None:
    """A server failure as one sentence (None: not ours to explain)."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, psycopg.errors.LockNotAvailable):  # (an OperationalError too)
        return DatabaseBusy(_("Another PC's save on the branch server has not finished for "
                              "{seconds} seconds; nothing was saved. Try again.")
                            .format(seconds=LOCK_WAIT_S))
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return unreachable()
    if isinstance(orig, psycopg.OperationalError):
        return connect_error(orig, address)
    if isinstance(orig, psycopg.errors.InsufficientPrivilege):
        return StoreError(_("The branch server refused this change: this login may not "
                            "make it. Nothing was saved."))
    if isinstance(orig, psycopg.errors.RaiseException):
        return StoreError(_("The branch server refused this change ({reason}). Nothing was "
                            "saved.").format(reason=str(orig.diag.message_primary or orig)))
    return None


def open_as(address: ServerAddress, username: str, password: str) -> ServerDatabase:
    """The account's own login, connected (LoginFailed, or one sentence, if not)."""
    login = login_name(address.dbname, username)
    derived = login_password(username, password)
    db = ServerDatabase(address, login, derived, key=None)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa_exc.DBAPIError as error:
        db.close()
        said = explain(error, address)
        raise (said or unreachable()) from None
    except (LoginFailed, StoreError):
        db.close()
        raise
    return db


def server_time(conn: Connection) -> datetime:
    return conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
