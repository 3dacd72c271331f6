"""`custos init --db postgresql://…`: an empty database that branch IT created becomes a
Custos database, once, with the owner login IT gave (PGUSER/PGPASSWORD or the address).

The owner makes the schema (store/server_schema.py), the group its staff logins join,
the key-ring table and the two functions logins are made with; then the first
administrator's own login is made and everything after that (the first records, the
ring) is written as that administrator, exactly as on the file. The owner's password is
never stored; from then on nobody needs it but branch IT (backups, upgrades).
"""

from __future__ import annotations

import secrets

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import clock
from app.errors import StoreError
from app.i18n import _
from app.store import sealing, server, server_schema
from app.store.database import audit_key_from
from app.store.keyring import KdfParams, KeyRing, new_recovery_code, tune_kdf
from app.store.migrations import LATEST
from app.store.place import ServerAddress

SERVER_SALT = "server"  # the ring's "which file" field: on the server, the database itself


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def login_functions_sql(dbname: str, staff: str) -> list[str]:
    """custos_login_name (as server.login_name says it) and custos_set_login."""
    prefix, short = f"{dbname}.", dbname.encode("utf-8")[:20].decode("utf-8", "ignore") + "."
    return [
        "CREATE FUNCTION custos_login_name(account TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE "
        f"AS $$ SELECT CASE WHEN octet_length({_lit(prefix)} || lower(btrim(account) "
        f"COLLATE \"C\")) <= {server.ROLE_MAX} THEN {_lit(prefix)} || lower(btrim(account) "
        f"COLLATE \"C\") ELSE {_lit(short)} || md5(lower(btrim(account) COLLATE \"C\")) "
        "END $$",
        # An administrator sets any account's login; anyone sets their own. Only logins
        # of this database's accounts, always members of its staff group, never more.
        "CREATE FUNCTION custos_set_login(account TEXT, verifier TEXT, can_login BOOLEAN) "
        "RETURNS VOID LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$ "
        "DECLARE target TEXT := custos_login_name(account); BEGIN "
        "IF session_user::text <> target AND NOT EXISTS (SELECT 1 FROM \"user\" u JOIN "
        "user_role r ON r.user_id = u.id WHERE custos_login_name(u.username) = "
        "session_user::text AND r.role = 'admin' AND u.disabled = 0) THEN "
        "RAISE EXCEPTION 'only an administrator may set another account''s login' "
        "USING ERRCODE = '42501'; END IF; "
        "IF verifier IS NOT NULL AND verifier !~ '^SCRAM-SHA-256[$]' THEN "
        "RAISE EXCEPTION 'not a SCRAM verifier'; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN "
        "IF verifier IS NULL THEN RETURN; END IF; "
        f"EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"IN ROLE %I', target, {_lit(staff)}); END IF; "
        "IF verifier IS NOT NULL THEN "
        "EXECUTE format('ALTER ROLE %I PASSWORD %L', target, verifier); END IF; "
        "EXECUTE format('ALTER ROLE %I ' || CASE WHEN can_login THEN 'LOGIN' ELSE "
        "'NOLOGIN' END, target); END $$",
        "REVOKE ALL ON FUNCTION custos_set_login(TEXT, TEXT, BOOLEAN) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION custos_set_login(TEXT, TEXT, BOOLEAN) TO {_q(staff)}",
    ]


def database_access_sql(dbname: str, staff: str) -> list[str]:
    """The staff group may connect and use the schema; nobody else may."""
    return [f"REVOKE ALL ON DATABASE {_q(dbname)} FROM PUBLIC",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(dbname)} TO {_q(staff)}",
            "REVOKE ALL ON SCHEMA public FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA public TO {_q(staff)}"]


def ring_access_sql(staff: str) -> str:
    return f"GRANT SELECT, UPDATE ON {server.RING_TABLE} TO {_q(staff)}"


def prepare(address: ServerAddress, admin: str, admin_password: str, key: bytes,
            db_id: str) -> None:
    """The owner's part: schema, group, ring table, functions, the admin's login."""
    dbname = address.dbname
    staff = server.staff_group(dbname)
    owner = server.connect_raw(address, address.owner, address.owner_password)
    try:
        with owner.transaction():
            cur = owner.cursor()
            cur.execute("SELECT set_config('custos.app', 'on', true)")  # Custos writes this
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
                ring_access_sql(staff),
                *login_functions_sql(dbname, staff),
            ]:
                cur.execute(statement)
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
            cur.execute(f"INSERT INTO {server.RING_TABLE} (id, body) VALUES (1, %s)",
                        (b"{}",))
            login = server.login_name(dbname, admin)
            verifier = server.scram_verifier(server.login_password(admin,
                                                                   admin_password))
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
            if cur.fetchone() is None:
                cur.execute(f"CREATE ROLE {_q(login)} LOGIN IN ROLE {_q(staff)}")
            cur.execute(f"ALTER ROLE {_q(login)} LOGIN PASSWORD {_lit(verifier)}")
    except psycopg.Error as error:
        raise StoreError(_("The branch server refused to prepare the database: {reason}")
                         .format(reason=str(error).strip().splitlines()[0])) from None
    finally:
        owner.close()


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
        first_records(db, admin, display_name, kdf, signing, recovery_signing, data_keys)
        ring = KeyRing(db_id=db_id, db_salt=SERVER_SALT, slots=(), kdf=kdf)
        ring = ring.with_user(admin, password, key, signing).with_recovery(
            code, key, recovery_signing, grants=data_keys)
        db.save_ring(ring)
    finally:
        db.close()
    return DatabaseCreated(address, code, kdf)
