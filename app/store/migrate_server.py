"""`custos migrate-to-server`: a one-PC branch moves its file to the branch server.

Every record, account, key slot and the whole audit history go across, table by table in
the order the migrations made them (so every reference finds its row), with progress;
the file is opened read-only under its own key and nothing in it changes. Values sealed
under the role keys go across as the ciphertext they are: the server never sees them
open, and every account keeps its keys. The audit chain is copied link for link and one
signed event, "database.migrated", is added on the server, so `audit verify` there walks
the branch's whole history.

Logins: each account's PostgreSQL login needs a verifier of a password derived from its
Custos password, which only the account knows. The file keeps one from the account's
last login or password change (accounts.login.remember_server_login); an account that
has not logged in since this version was installed gets a login that cannot log in yet,
and is listed: an administrator resets its password on the server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.accounts.login import SERVER_LOGIN, load_ring
from app.accounts.server_init import SERVER_SALT, make_login, owner_transaction, settle
from app.errors import PermissionDenied, StoreError
from app.i18n import _
from app.store import migrations, sealing, server, server_ring, server_schema
from app.store.database import keyed_connection
from app.store.fields import SEALED
from app.store.memory import wipe
from app.store.place import ServerAddress

BATCH = 5000
Progress = Callable[[str, int, int], None]


@dataclass
class Moved:
    tables: dict[str, int] = field(default_factory=dict)
    logins: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # accounts whose login waits for a reset


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def migrate(source: Path, address: ServerAddress, admin: str, password: str,
            progress: Progress | None = None) -> Moved:
    """Copy the file at `source` into the empty server database at `address`."""
    ring = load_ring(source)
    opened = ring.open_account(admin, password)  # LoginFailed: nothing done
    conn = keyed_connection(source, opened.db_key)
    wipe(opened.db_key)
    try:
        conn.execute("PRAGMA query_only = ON")  # read-only: nothing in the file changes
        _check_source(conn, admin)
        tables, _indexes, _triggers = server_schema.file_schema()
        moved = Moved()
        with owner_transaction(address, "migrate") as cur:
            for table in tables:
                moved.tables[table.name] = _copy(conn, cur, table, progress)
            cur.execute("INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        (str(migrations.LATEST),))
            cur.execute("DELETE FROM meta WHERE key LIKE %s", (SERVER_LOGIN + "%",))
            cur.execute(f"INSERT INTO {server.RING_TABLE} (id, body) VALUES (1, '{{}}')")
            server_ring.insert(cur, replace(ring, db_salt=SERVER_SALT, audit_head=None))
            _logins(conn, cur, address, admin, password, moved)
    finally:
        conn.close()
    settle(address)  # the planner learns the moved tables now, not when autovacuum comes
    return moved


def _check_source(conn, admin: str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != migrations.LATEST:
        raise StoreError(_("Log in to the file once with this version of Custos before moving "
                           "it: its schema must be up to date."))
    done = conn.execute("SELECT value FROM meta WHERE key = ?", (sealing.DONE,)).fetchone()
    if not done:
        raise StoreError(_("The file's customer data is not yet sealed under the role keys; "
                           "a manager must log in to it once before it moves."))
    is_admin = conn.execute(
        'SELECT 1 FROM "user" u JOIN user_role r ON r.user_id = u.id WHERE '
        "lower(u.username) = lower(?) AND r.role = 'admin' AND u.disabled = 0",
        (admin,)).fetchone()
    if not is_admin:
        raise PermissionDenied(_("Only an administrator of the file may move it to the "
                                 "branch server."))


def _copy(conn, cur, table, progress: Progress | None) -> int:
    names = [c.name for c in table.columns]
    sealed = set(SEALED.get(table.name, {}))
    total = conn.execute(f"SELECT count(*) FROM {_q(table.name)}").fetchone()[0]
    done = 0
    order = ", ".join(map(_q, table.primary_key or names[:1]))  # some have no rowid
    rows = conn.execute(f"SELECT {', '.join(map(_q, names))} FROM {_q(table.name)} "
                        f"ORDER BY {order}")
    with cur.copy(f"COPY {_q(table.name)} ({', '.join(map(_q, names))}) FROM STDIN") as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row([v.encode("utf-8") if n in sealed and isinstance(v, str) else v
                                for n, v in zip(names, row, strict=True)])
            done += len(batch)
            if progress is not None:
                progress(table.name, done, total)
    if progress is not None and total == 0:
        progress(table.name, 0, 0)
    return total


def _logins(conn, cur, address: ServerAddress, admin: str, password: str,
            moved: Moved) -> None:
    known = {k[len(SERVER_LOGIN):]: json.loads(v)
             for k, v in conn.execute("SELECT key, value FROM meta WHERE key LIKE ?",
                                      (SERVER_LOGIN + "%",))}
    for username, disabled, changed in conn.execute(
            'SELECT username, disabled, password_changed_at FROM "user" ORDER BY id'):
        verifier = None
        if username.casefold() == admin.casefold():
            verifier = server.scram_verifier(server.login_password(username, password))
        elif not disabled:
            entry = known.get(username.strip().casefold())
            if entry and entry.get("changed") == changed:
                verifier = entry.get("verifier")
        make_login(cur, address.dbname, username, None if disabled else verifier)
        if not disabled:
            (moved.logins if verifier else moved.waiting).append(username)
