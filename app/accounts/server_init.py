"""`custos init --db postgresql://…`: an empty database that branch IT created becomes a
Custos database, once, with the owner login IT gave (PGUSER/PGPASSWORD or the address).

The owner makes the schema (store/server_schema.py), the group its staff logins join,
the key-ring table and the two functions logins are made with; then the first
administrator's own login is made and everything after that (the first records, the
ring) is written as that administrator, exactly as on the file. The owner's password is
never stored; from then on nobody needs it but branch IT (backups, upgrades).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import clock
from app.errors import StoreError
from app.i18n import _
from app.store import sealing, server, server_guards, server_ring, server_schema
from app.store.database import audit_key_from
from app.store.keyring import KdfParams, KeyRing, new_recovery_code, tune_kdf
from app.store.migrations import LATEST
from app.store.place import ServerAddress
from app.store.server_schema import SAFE_PATH
from app.store.server_trail import LEVEL, LEVEL_KEY, note_operation

SERVER_SALT = "server"  # the ring's "which file" field: on the server, the database itself


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def login_functions_sql(dbname: str, staff: str) -> list[str]:
    """custos_login_name (as server.login_name says it), custos_set_login, and the
    recovery login's two functions (store/server_ring.py)."""
    prefix = f"{dbname}."
    name = 'lower(btrim(account) COLLATE "C")'
    return [
        "CREATE FUNCTION custos_login_name(account TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE "
        f"SET search_path = {SAFE_PATH} AS $$ SELECT CASE WHEN octet_length("
        f"{_lit(prefix)} || {name}) <= {server.ROLE_MAX} THEN {_lit(prefix)} || {name} "
        f"ELSE 'c_' || left(encode(sha256(convert_to({_lit(dbname)} || chr(1) || {name}, "
        "'UTF8')), 'hex'), 40) END $$",
        # An administrator sets any account's login; anyone sets their own. Only logins
        # of this database's accounts (a row in "user"), always members of its staff
        # group and never the group itself.
        "CREATE FUNCTION custos_set_login(account TEXT, verifier TEXT, can_login BOOLEAN) "
        "RETURNS VOID LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = {SAFE_PATH} AS $$ "
        "DECLARE target TEXT := public.custos_login_name(account); BEGIN "
        "IF session_user::text <> target AND NOT public.custos_may_manage() THEN "
        "RAISE EXCEPTION 'only an administrator may set another account''s login' "
        "USING ERRCODE = '42501'; END IF; "
        f"IF target = {_lit(staff)} OR NOT EXISTS (SELECT 1 FROM public.\"user\" u WHERE "
        "public.custos_login_name(u.username) = target) THEN "
        "RAISE EXCEPTION 'not an account of this database' USING ERRCODE = '42501'; END IF; "
        "IF verifier IS NOT NULL AND verifier !~ '^SCRAM-SHA-256[$][0-9]+:[A-Za-z0-9+/=]+[$]"
        "[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN "
        "RAISE EXCEPTION 'not a SCRAM verifier'; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN "
        "IF verifier IS NULL THEN RETURN; END IF; "
        f"EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"IN ROLE %I', target, {_lit(staff)}); "
        "ELSIF NOT pg_has_role(target, " + _lit(staff) + ", 'MEMBER') THEN "
        "RAISE EXCEPTION 'not a login of this database' USING ERRCODE = '42501'; END IF; "
        "IF verifier IS NOT NULL THEN "
        "EXECUTE format('ALTER ROLE %I PASSWORD %L', target, verifier); END IF; "
        "EXECUTE format('ALTER ROLE %I ' || CASE WHEN can_login THEN 'LOGIN' ELSE "
        "'NOLOGIN' END, target); END $$",
        "REVOKE ALL ON FUNCTION custos_set_login(TEXT, TEXT, BOOLEAN) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION custos_set_login(TEXT, TEXT, BOOLEAN) TO {_q(staff)}",
        *server_ring.recovery_functions_sql(dbname, staff),
    ]


def database_access_sql(dbname: str, staff: str) -> list[str]:
    """The staff group may connect and use the schema (no temporary tables: they could
    shadow ours); nobody else may."""
    return [f"REVOKE ALL ON DATABASE {_q(dbname)} FROM PUBLIC",
            f"GRANT CONNECT ON DATABASE {_q(dbname)} TO {_q(staff)}",
            "REVOKE ALL ON SCHEMA public FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA public TO {_q(staff)}"]


def ring_access_sql(staff: str) -> list[str]:
    """Staff read the ring and write it under its rules (store/server_ring.py); they read
    its history (a backup dumps it, as staff) and never write it."""
    ring = server.RING_TABLE
    return [f"GRANT SELECT, UPDATE ON {ring} TO {_q(staff)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {server_ring.SLOTS} TO {_q(staff)}",
            f"GRANT SELECT ON {ring}_history TO {_q(staff)}",
            f"GRANT SELECT ON SEQUENCE {ring}_history_id_seq TO {_q(staff)}"]


@contextlib.contextmanager
def owner_transaction(address: ServerAddress, kind: str) -> Iterator:
    """A transaction as the owner login IT gave (PGUSER/PGPASSWORD or the address), on an
    empty database, with the schema, group, ring table and login functions made, noted
    in the server's trail as the owner's operation `kind` (init, migrate); a refusal
    from the server becomes one sentence and leaves nothing behind."""
    dbname = address.dbname
    staff = server.staff_group(dbname)
    owner = server.connect_raw(address, address.owner, address.owner_password)
    try:
        with owner.transaction():
            cur = owner.cursor()
            cur.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                        "n.oid = c.relnamespace WHERE n.nspname = 'public'")
            if cur.fetchone()[0]:
                raise StoreError(_("The database {name} on the branch server is not empty; "
                                   "custos init prepares only an empty database.")
                                 .format(name=dbname))
            cur.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                        "WHERE rolname = current_user")
            if not cur.fetchone()[0]:
                raise StoreError(_("The owner login must be allowed to create logins "
                                   "(CREATEROLE); see the README's server set-up."))
            cur.execute("SELECT current_setting('server_version_num')::int")
            if cur.fetchone()[0] < 150000:
                raise StoreError(_("Custos needs PostgreSQL 15 or later on the branch server."))
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (staff,))
            if cur.fetchone() is None:
                cur.execute(f"CREATE ROLE {_q(staff)} NOLOGIN")
            for statement in [
                *database_access_sql(dbname, staff),
                *server_schema.build_sql(staff),
                f"CREATE TABLE {server.RING_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
                "body BYTEA NOT NULL)",
                # Every ring a login replaced is kept, out of staff's reach: a ring
                # overwritten with junk outside Custos is put back from here by branch IT.
                f"CREATE TABLE {server.RING_TABLE}_history (id BIGSERIAL PRIMARY KEY, "
                "at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), login TEXT NOT NULL "
                "DEFAULT session_user, body BYTEA NOT NULL)",
                f"CREATE FUNCTION {server.RING_TABLE}_kept() RETURNS trigger LANGUAGE plpgsql "
                f"SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ BEGIN INSERT INTO "
                f"public.{server.RING_TABLE}_history (body) VALUES (OLD.body); RETURN NEW; "
                "END $$",
                f"CREATE TRIGGER {server.RING_TABLE}_kept BEFORE UPDATE ON {server.RING_TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {server.RING_TABLE}_kept()",
                *login_functions_sql(dbname, staff),
                *server_schema.protect_sql(staff),
                *server_guards.guards_sql(staff),
                *server_ring.layout_sql(staff),
                *ring_access_sql(staff),
            ]:
                cur.execute(statement)
            note_operation(cur, kind)
            yield cur
            _set_level(cur)
    except psycopg.Error as error:
        raise StoreError(_("The branch server refused to prepare the database: {reason}")
                         .format(reason=str(error).strip().splitlines()[0])) from None
    finally:
        owner.close()


def _set_level(cur) -> None:
    cur.execute("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                "SET value = EXCLUDED.value", (LEVEL_KEY, str(LEVEL)))


def make_login(cur, dbname: str, username: str, verifier: str | None) -> None:
    """An account's login as the owner makes it (NOLOGIN until a verifier is known)."""
    login = server.login_name(dbname, username)
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
    if cur.fetchone() is None:
        cur.execute(f"CREATE ROLE {_q(login)} NOLOGIN IN ROLE "
                    f"{_q(server.staff_group(dbname))}")
    if verifier is not None:
        cur.execute(f"ALTER ROLE {_q(login)} LOGIN PASSWORD {_lit(verifier)}")
    else:
        cur.execute(f"ALTER ROLE {_q(login)} NOLOGIN")


def prepare(address: ServerAddress, admin: str, admin_password: str, key: bytes,
            db_id: str) -> None:
    """The owner's part of `custos init`: the schema (with the migrations' seed rows),
    the database's identity and the first administrator's login."""
    with owner_transaction(address, "init") as cur:
        for table, columns, rows in server_schema.seed_rows():
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) "
                            f"VALUES ({marks})", rows)
        now = clock.stamp()
        cur.executemany("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                        "DO UPDATE SET value = EXCLUDED.value", [
                            ("db_id", db_id), ("created_at", now),
                            ("audit_key", audit_key_from(key).hex()),
                            ("schema_version", str(LATEST))])
        cur.execute(f"INSERT INTO {server.RING_TABLE} (id, body) VALUES (1, %s)", (b"{}",))
        make_login(cur, address.dbname, admin, server.scram_verifier(
            server.login_password(admin, admin_password)))


def create_on_server(address: ServerAddress, admin: str, password: str, display_name: str,
                     kdf: KdfParams | None):
    from app.accounts.login import DatabaseCreated, first_records

    kdf = kdf or tune_kdf()
    code = new_recovery_code()
    signing, recovery_signing = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data_keys = sealing.new_domain_keys()
    key = secrets.token_bytes(32)
    db_id = secrets.token_hex(16)
    prepare(address, admin, password, key, db_id)
    db = server.open_as(address, admin, password)
    try:
        db.db_id = db_id
        db.unseal(key)
        ring = KeyRing(db_id=db_id, db_salt=SERVER_SALT, slots=(), kdf=kdf)
        ring = ring.with_user(admin, password, key, signing).with_recovery(
            code, key, recovery_signing, grants=data_keys)

        def slots(conn) -> None:
            db.save_ring(ring, conn)
            server_ring.set_recovery_login(conn, code)

        first_records(db, admin, display_name, kdf, signing, recovery_signing, data_keys,
                      in_same_write=slots)
    finally:
        db.close()
    return DatabaseCreated(address, code, kdf)


def settle(address: ServerAddress, owner: psycopg.Connection | None = None) -> None:
    """After a bulk load (a file moved here, a backup restored): the planner's statistics
    and the visibility map now, as the owner login, rather than whenever autovacuum gets to
    them. Measured at 1M customers moved from a file: search p95 319 ms and open p95 1.3 s
    before (plans made without statistics), an open ~11 ms after; the VACUUM took 7 s."""
    conn = owner or server.connect_raw(address, address.owner, address.owner_password)
    try:
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
    finally:
        if owner is None:
            conn.close()


def _levels(rows) -> tuple[int, int]:
    """(migration step, trail level) from meta's rows (0: none recorded)."""
    found = {k: int(v) if v and str(v).isdigit() else 0 for k, v in rows}
    return found.get("schema_version", 0), found.get(LEVEL_KEY, 0)


def schema_version(conn) -> tuple[int, int]:
    """The migration step a server database was made at or upgraded to, and its trail's
    level (store/server_trail.py), from its meta."""
    return _levels(conn.exec_driver_sql(
        "SELECT key, value FROM meta WHERE key IN ('schema_version', %s)", (LEVEL_KEY,)))


def check_schema(conn) -> None:
    """At login: a server database from an older Custos is upgraded by branch IT first;
    one from a newer Custos is not touched."""
    version, level = schema_version(conn)
    older_ring = conn.exec_driver_sql(
        f"SELECT to_regclass('public.{server_ring.SLOTS}') IS NULL OR "
        f"to_regprocedure('public.{server_guards.HOLDS}(text)') IS NULL").scalar()
    if version < LATEST or level < LEVEL or older_ring:
        raise StoreError(_("The branch server's database is from an older version of Custos; "
                           "branch IT upgrades it first (custos upgrade --db ADDRESS, with the "
                           "owner login)."))
    if version > LATEST or level > LEVEL:
        raise StoreError(_("The branch server's database was written by a newer version of "
                           "Custos."))


def upgrade_ring(cur, dbname: str, staff: str) -> None:
    """Today's rule on who may change which slot; a ring kept in one row becomes per-slot
    rows with their rules, and the recovery login's functions are made
    (store/server_ring.py)."""
    if server_ring.has_slots(cur):  # today's rule, whatever the level
        for statement in server_ring.rule_sql(staff):
            cur.execute(statement)
    if server_ring.upgrade(cur, staff):
        for statement in server_ring.recovery_functions_sql(dbname, staff):
            cur.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
        for statement in ring_access_sql(staff):
            cur.execute(statement)


def upgrade_guards(cur, staff: str) -> None:
    """Today's compliance-file rules (store/server_guards.py), made again whatever the
    level: a database prepared by an earlier version gets them, a current one keeps them."""
    cur.execute("SELECT to_regprocedure('public.custos_login_name(text)') IS NOT NULL")
    if cur.fetchone()[0]:  # the login functions (custos init) that the rules use
        for statement in server_guards.guards_sql(staff):
            cur.execute(statement)


def upgrade(address: ServerAddress) -> tuple[int, int]:
    """Bring a server database to this version's schema, as the owner, in one transaction
    (the same steps the file takes, said as the server says them). (from, to)."""
    owner = server.connect_raw(address, address.owner, address.owner_password)
    try:
        with owner.transaction():
            cur = owner.cursor()
            cur.execute("SELECT key, value FROM meta WHERE key IN ('schema_version', %s)",
                        (LEVEL_KEY,))
            current, level = _levels(cur.fetchall())
            if current > LATEST or level > LEVEL:
                raise StoreError(_("The branch server's database was written by a newer "
                                   "version of Custos."))
            staff = server.staff_group(address.dbname)
            if current < LATEST:
                for statement in server_schema.upgrade_sql(current, staff):
                    cur.execute(statement)
            if level < LEVEL:  # before any row changes: they are trailed at this level
                for statement in server_schema.trail_upgrade_sql(staff):
                    cur.execute(statement)
            if current < LATEST or level < LEVEL:
                note_operation(cur, "upgrade")
                cur.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'",
                            (str(LATEST),))
                _set_level(cur)
            upgrade_ring(cur, address.dbname, staff)
            upgrade_guards(cur, staff)
    except psycopg.Error as error:
        raise StoreError(_("The branch server refused the upgrade: {reason}")
                         .format(reason=str(error).strip().splitlines()[0])) from None
    finally:
        owner.close()
    return current, LATEST

