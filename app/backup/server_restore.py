"""Restoring a branch server's backup: into an EMPTY database only, as the owner login.

The owner login branch IT gave (PGUSER/PGPASSWORD or the address, as for `custos init`)
is the authority over the server's databases; Custos adds two conditions: the database
is empty (nothing is ever restored over records), and the account named for the record
proves its password against its slot in the backup's key ring before anything is
written. The restore is one transaction (pg_restore --single-transaction): all of it, or
the database stays empty. Then the copy is checked against the manifest (rows, audit
head, key ring, the audit log's links and signatures) before anyone is let in.

Who can log in afterwards: every account's PostgreSQL login is `<database>.<user>`, with
a password derived from the account's own password, which no backup holds. The restoring
account's login is made (or set) from the password it gave; logins that already exist
on this server under the database's name (the same database name, restored on the same
server) keep working; the others are listed: an administrator resets their passwords.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg

from app import audit
from app.accounts.server_init import settle, upgrade_ring
from app.backup.archive_file import DUMP_NAME, Manifest, one_line, read_manifest, read_ring
from app.backup.server_backup import check_restored, unpacked
from app.backup.server_dump import owner_connection, restore_dump
from app.errors import AccountDisabled, StoreError
from app.i18n import _
from app.store import migrations, server, server_guards, server_ring, server_schema
from app.store.keyring import KeyRing
from app.store.place import ServerAddress


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_backup(path: Path, username: str, password: str) -> Manifest:
    """A backup this version can restore, whose ring names its database and opens for
    `username` (LoginFailed, AccountDisabled or one sentence otherwise)."""
    manifest = read_manifest(path)
    if manifest.schema_version > migrations.LATEST:
        raise StoreError(_("The backup was written by a newer version of Custos."))
    ring = KeyRing.load_bytes(read_ring(path))
    if ring.db_id != manifest.db_id:
        raise StoreError(_("The key ring in the backup belongs to another database than the "
                           "one in it."))
    if ring.is_disabled(username):
        raise AccountDisabled(_("This account is disabled; ask an administrator."))
    ring.unlock(username, password)
    return manifest


def _ready_for_restore(owner: psycopg.Connection, dbname: str) -> None:
    empty = owner.execute("SELECT count(*) = 0 FROM pg_class c JOIN pg_namespace n ON "
                          "n.oid = c.relnamespace WHERE n.nspname = 'public'").fetchone()[0]
    if not empty:
        raise StoreError(_("The database {name} on the branch server is not empty; a backup "
                           "is restored only into an empty database.").format(name=dbname))
    if not owner.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                         "WHERE rolname = current_user").fetchone()[0]:
        raise StoreError(_("The owner login must be allowed to create logins (CREATEROLE); "
                           "see the README's server set-up."))


def _access_sql(dbname: str, staff: str) -> list[str]:
    """What `custos init` grants, said again for this database's name: the dump's own
    grants and login functions name the database it was taken of."""
    from app.accounts.server_init import (
        database_access_sql,
        login_functions_sql,
        ring_access_sql,
    )

    tables = [t.name for t in server_schema.file_schema()[0]]
    return [*database_access_sql(dbname, staff),
            *(s for s in server_schema.grants_sql(tables, staff)
              if not s.startswith("CREATE FUNCTION")),  # restored from the dump already
            *ring_access_sql(staff),
            *server_guards.guards_sql(staff),  # the dump keeps no grants (--no-acl)
            *(s.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
              for s in login_functions_sql(dbname, staff))]


def _give_access(owner: psycopg.Connection, dbname: str, username: str,
                 password: str) -> list[str]:
    """The staff group, its grants, the restorer's login; the accounts left without one."""
    staff = server.staff_group(dbname)
    mine = server.login_name(dbname, username)
    missing = []
    with owner.transaction():
        if owner.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (staff,)).fetchone() \
                is None:
            owner.execute(f"CREATE ROLE {_q(staff)} NOLOGIN")
        upgrade_ring(owner.cursor(), dbname, staff)  # a backup from before per-slot rows
        for statement in _access_sql(dbname, staff):
            owner.execute(statement)
        if owner.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                         (server_ring.recovery_login(dbname),)).fetchone():
            for statement in server_ring.recovery_grants_sql(dbname):
                owner.execute(statement)  # the same code opens it on this server still
        verifier = server.scram_verifier(server.login_password(username, password))
        accounts = owner.execute('SELECT username, disabled FROM "user" ORDER BY username')
        for name, disabled in accounts.fetchall():
            login = server.login_name(dbname, name)
            exists = owner.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                   (login,)).fetchone()
            if login == mine:
                owner.execute(f"{'ALTER' if exists else 'CREATE'} ROLE {_q(login)} LOGIN "
                              f"PASSWORD {_lit(verifier)}")
            elif not exists:
                if not disabled:
                    missing.append(name)
                continue
            owner.execute(f"GRANT {_q(staff)} TO {_q(login)}")
    return missing


def restore(path: Path, address: ServerAddress, username: str, password: str) -> list[str]:
    """Restore the server backup at `path` into the empty database at `address`; returns
    the enabled accounts that have no login on this server yet."""
    path = Path(path)
    manifest = check_backup(path, username, password)
    with unpacked(path, manifest) as (dump, ring):
        owner = owner_connection(address)
        try:
            _ready_for_restore(owner, address.dbname)
            restore_dump(address, dump)
            problem, _notes = check_restored(address, manifest, ring, with_amcheck=False)
            if problem:
                raise StoreError(_("The backup was restored into {name}, but the copy failed "
                                   "its check: {problem} Do not use it: drop the database "
                                   "and create it again.").format(name=address.dbname,
                                                                 problem=problem))
            missing = _give_access(owner, address.dbname, username, password)
            settle(address, owner)  # statistics for the restored tables now
        except psycopg.OperationalError:
            raise server.unreachable() from None
        finally:
            owner.close()
    _record(path, replace(address, owner=None, owner_password=None), manifest, username,
            password)
    return missing


def _record(path: Path, address: ServerAddress, manifest: Manifest, username: str,
            password: str) -> None:
    """The restored database's own record of the restore, signed by the account that
    did it. This PC's anchor of the database's audit head moves to the restored head
    first (a restore is not a rollback to report); the head it held is named as the one
    replaced, so other PCs' older anchors are explained too (audit_anchor)."""
    from app import accounts, audit_anchor

    previous = audit_anchor.read_local(manifest.db_id)
    audit_anchor.write_local(manifest.db_id, manifest.audit_events, manifest.audit_head)
    detail = {"file": one_line(path.name), "sha256": manifest.sha256.get(DUMP_NAME, ""),
              "backup_created_at": manifest.created_at, "db_id": manifest.db_id,
              "by": username, "previous": ""}
    if previous is not None and previous.seq > manifest.audit_events:
        detail["replaced"] = f"{previous.seq}:{previous.hash}"
    session = accounts.login(address, username, password)
    try:
        audit.record(session.db, actor=username, action="backup.restored", detail=detail)
        with session.db.read() as conn:
            audit_anchor.write_local(manifest.db_id, *audit.head(conn))
    finally:
        accounts.logout(session)
