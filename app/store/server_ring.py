"""The key ring on the branch server: one row per slot, each with its own rules.

On the file the ring is one file beside the database. On the server it is
- `key_ring` (one row): the ring-wide part (format, database id, the cost for new slots);
  only an administrator's login changes it;
- `key_slot` (one row per account, plus the recovery slot): the slot as the ring file
  holds it (JSON). Which account a row belongs to, and its kind, are read from the slot
  itself (generated columns), so a row cannot claim to be another's.

Who may write what is the server's rule, not Custos's (row-level security and a trigger
that sees the row as it was):
- an administrator (custos_may_manage) adds, replaces, disables and removes slots, the
  recovery slot included;
- a login changes its own account's slot (its password change), never its kind or name;
- a manager's login may only add grants to another user's slot (approving a clerk: keys
  sealed to the slot's public key), leaving the rest of the slot, and every grant already
  there, as it was; any other login may not touch another's slot at all. A grant added that way is proven at login (store/keychecks.py) before
  any key in it is used.
Every slot replaced or removed, and every ring-wide part replaced, is kept in
`key_ring_history`, which nobody changes or empties.

Saving writes only the slots that changed. The recovery code also has a PostgreSQL login
of its own (`recovery_login`), which may do one thing: give an administrator's login a
new password (accounts/recovery.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator

from app.errors import DatabaseBusy, StoreError
from app.i18n import _
from app.store import server
from app.store.keyring import RECOVERY_SIGNER, KeyRing, Slot, normalise_recovery_code
from app.store.server_schema import SAFE_PATH
from app.store.server_trail import table_triggers_sql

RING = server.RING_TABLE
SLOTS = "key_slot"
HISTORY = f"{RING}_history"
ROTATION_LOCK = 0x437573746F74  # "Custot": held by a key rotation from start to end
LOAD = (f"SELECT r.body, (SELECT json_agg(s.body ORDER BY s.holder) FROM {SLOTS} s) "
        f"FROM {RING} r WHERE r.id = 1")
NOT_YOURS = "only an administrator may change another account's key slot"
SCRAM = ("'^SCRAM-SHA-256[$][0-9]+:[A-Za-z0-9+/=]+[$][A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raise(message: str, code: str = "42501") -> str:
    return f"RAISE EXCEPTION {_lit(message)} USING ERRCODE = '{code}'"


def holder(slot: Slot) -> str:
    """The row a slot lives in: its account as the server lowers it ('' for recovery)."""
    return "" if slot.user is None else server._ascii_lower(slot.user.strip())


# --- the schema ----------------------------------------------------------------------------

def layout_sql(staff: str) -> list[str]:
    """Per-slot rows and their rules: made by `custos init` after the ring-wide table and
    the login functions, and by `custos upgrade` on a database that kept one ring row."""
    user = "lower(btrim(body->>'user') COLLATE \"C\")"
    return [
        f"ALTER TABLE {HISTORY} ADD COLUMN slot TEXT",  # NULL: the ring-wide part
        f"CREATE TABLE {SLOTS} (body JSONB NOT NULL, "
        f"holder TEXT COLLATE \"C\" GENERATED ALWAYS AS (COALESCE({user}, '')) STORED "
        "PRIMARY KEY, "
        "kind TEXT GENERATED ALWAYS AS (body->>'kind') STORED NOT NULL "
        "CHECK (kind IN ('user', 'recovery', 'disabled')), "
        "account TEXT GENERATED ALWAYS AS (body->>'user') STORED, "
        "CHECK ((kind = 'recovery') = (account IS NULL)))",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {SLOTS} TO {_q(staff)}",
        f"ALTER TABLE {SLOTS} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY slot_read ON {SLOTS} FOR SELECT USING (true)",
        f"CREATE POLICY slot_add ON {SLOTS} FOR INSERT WITH CHECK (public.custos_may_manage())",
        # Who may change which slot needs the row as it was: key_slot_rule says it.
        f"CREATE POLICY slot_change ON {SLOTS} FOR UPDATE USING (true)",
        f"CREATE POLICY slot_drop ON {SLOTS} FOR DELETE USING (public.custos_may_manage())",
        *rule_sql(staff),
        f"CREATE TRIGGER {SLOTS}_rule BEFORE UPDATE ON {SLOTS} FOR EACH ROW "
        f"EXECUTE FUNCTION {SLOTS}_rule()",
        f"CREATE FUNCTION {SLOTS}_kept() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = {SAFE_PATH} AS $$ BEGIN INSERT INTO public.{HISTORY} "
        "(slot, body) VALUES (OLD.holder, convert_to(OLD.body::text, 'UTF8')); "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER {SLOTS}_kept AFTER UPDATE OR DELETE ON {SLOTS} FOR EACH ROW "
        f"EXECUTE FUNCTION {SLOTS}_kept()",
        *table_triggers_sql(SLOTS),
        f"ALTER TABLE {RING} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY ring_read ON {RING} FOR SELECT USING (true)",
        f"CREATE POLICY ring_change ON {RING} FOR UPDATE USING (public.custos_may_manage())",
        f"CREATE FUNCTION {HISTORY}_fixed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_raise('the key ring history is kept', 'P0001')}; END $$",
        f"CREATE TRIGGER {HISTORY}_fixed BEFORE UPDATE OR DELETE ON {HISTORY} "
        f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_fixed()",
        f"CREATE TRIGGER {HISTORY}_not_emptied BEFORE TRUNCATE ON {HISTORY} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {HISTORY}_fixed()",
    ]


def rule_sql(staff: str) -> list[str]:
    """Who may change which slot (the row as it was is needed, so a trigger says it): made
    by `custos init`, and made again by every `custos upgrade` (CREATE OR REPLACE), so a
    database prepared by an earlier version gets today's rule."""
    return [
        # A manager's login (ACCESS_GRANT is the manager's): the only one besides an
        # administrator's that may add grants to another's slot. Anyone else adding one
        # would make that account's next login fail its key check (a denial of service).
        "CREATE OR REPLACE FUNCTION custos_may_grant() RETURNS BOOLEAN LANGUAGE sql STABLE "
        f"SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ SELECT EXISTS "
        '(SELECT 1 FROM public."user" u JOIN public.user_role r ON r.user_id = u.id '
        "WHERE public.custos_login_name(u.username) = session_user::text AND "
        "r.role = 'manager' AND u.disabled = 0) $$",
        "REVOKE ALL ON FUNCTION custos_may_grant() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION custos_may_grant() TO {_q(staff)}",
        f"CREATE OR REPLACE FUNCTION {SLOTS}_rule() RETURNS trigger LANGUAGE plpgsql "
        f"SET search_path = {SAFE_PATH} AS $$ BEGIN "
        "IF public.custos_may_manage() THEN RETURN NEW; END IF; "
        "IF OLD.body->>'kind' = 'user' AND NEW.body->>'kind' = 'user' AND "
        "NEW.body->>'user' = OLD.body->>'user' THEN "
        # its own account's slot: a password change
        "IF public.custos_login_name(OLD.body->>'user') = session_user::text THEN "
        "RETURN NEW; END IF; "
        # another's: a manager adding grants, nothing else changed
        "IF public.custos_may_grant() AND (NEW.body - 'grants') = (OLD.body - 'grants') AND "
        "COALESCE(NEW.body->'grants', '[]') @> COALESCE(OLD.body->'grants', '[]') THEN "
        "RETURN NEW; END IF; END IF; "
        f"{_raise(NOT_YOURS)}; END $$",
    ]


def recovery_login(dbname: str) -> str:
    """The recovery code's PostgreSQL login: a name no account's login can have (account
    names hold no space; theirs end in ".<account>")."""
    name = f"{dbname} recovery"
    if len(name.encode("utf-8")) <= server.ROLE_MAX:
        return name
    return "r_" + hashlib.sha256(f"{dbname}\x01recovery".encode()).hexdigest()[:40]


def recovery_functions_sql(dbname: str, staff: str) -> list[str]:
    """custos_set_recovery_login (an administrator, with a new recovery code) and
    custos_recover_login (the recovery login: an administrator's login gets a new
    password). Said for this database's name: a restore under another name says them
    again (backup/server_restore.py), as it does the login functions."""
    recovery = _lit(recovery_login(dbname))
    return [
        "CREATE FUNCTION custos_set_recovery_login(verifier TEXT) RETURNS VOID "
        f"LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ BEGIN "
        "IF NOT public.custos_may_manage() THEN "
        f"{_raise('only an administrator may set the recovery login')}; END IF; "
        f"IF verifier IS NULL OR verifier !~ {SCRAM} THEN "
        f"{_raise('not a SCRAM verifier', 'P0001')}; END IF; "
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {recovery}) THEN "
        "EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"NOINHERIT', {recovery}); "
        f"ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {recovery} AND (rolsuper OR "
        f"rolcreaterole OR rolcreatedb OR rolbypassrls)) OR pg_has_role({recovery}, "
        f"{_lit(staff)}, 'MEMBER') THEN {_raise('not the recovery login')}; END IF; "
        f"EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', {recovery}, verifier); "
        "EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), "
        f"{recovery}); "
        f"EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', {recovery}); "
        "EXECUTE format('GRANT EXECUTE ON FUNCTION public.custos_recover_login(TEXT, TEXT) "
        f"TO %I', {recovery}); END $$",
        "REVOKE ALL ON FUNCTION custos_set_recovery_login(TEXT) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION custos_set_recovery_login(TEXT) TO {_q(staff)}",
        "CREATE FUNCTION custos_recover_login(account TEXT, verifier TEXT) RETURNS VOID "
        f"LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ "
        "DECLARE target TEXT := public.custos_login_name(account); BEGIN "
        f"IF session_user::text <> {recovery} THEN "
        f"{_raise('only the recovery login')}; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM public.\"user\" u JOIN public.user_role r ON "
        "r.user_id = u.id WHERE public.custos_login_name(u.username) = target AND "
        f"r.role = 'admin') THEN {_raise('not an administrator of this database')}; "
        "END IF; "
        f"IF verifier IS NULL OR verifier !~ {SCRAM} THEN "
        f"{_raise('not a SCRAM verifier', 'P0001')}; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN "
        "EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"IN ROLE %I', target, {_lit(staff)}); "
        f"ELSIF NOT pg_has_role(target, {_lit(staff)}, 'MEMBER') THEN "
        f"{_raise('not a login of this database')}; END IF; "
        "EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', target, verifier); END $$",
        "REVOKE ALL ON FUNCTION custos_recover_login(TEXT, TEXT) FROM PUBLIC",
    ]


def recovery_grants_sql(dbname: str) -> list[str]:
    """What the recovery login may reach, said again after a restore (which brings back
    no grants): connect, and call custos_recover_login."""
    who = _q(recovery_login(dbname))
    return [f"GRANT CONNECT ON DATABASE {_q(dbname)} TO {who}",
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"GRANT EXECUTE ON FUNCTION custos_recover_login(TEXT, TEXT) TO {who}"]


# --- reading and writing, as a login (SQLAlchemy connection) --------------------------------

def joined(head, slots) -> bytes:
    """The ring as one document, as the file holds it (a backup's ring part)."""
    data = json.loads(bytes(head))
    data["slots"] = list(slots or [])
    return json.dumps(data, indent=1, ensure_ascii=True).encode("ascii")


def load(conn) -> KeyRing:
    row = conn.exec_driver_sql(LOAD).first()
    if row is None:
        raise StoreError(_("The branch server's database has no key ring; it was not "
                           "prepared by custos init."))
    return KeyRing.load_bytes(joined(row[0], row[1]))


def _head(ring: KeyRing) -> dict:
    data = json.loads(ring.to_bytes())
    data["slots"] = []
    return data


def save(conn, ring: KeyRing) -> None:
    """Only what changed: the ring-wide part if it did, each slot added, changed or gone."""
    head = conn.exec_driver_sql(f"SELECT body FROM {RING} WHERE id = 1").scalar()
    wanted = _head(ring)
    if head is None or json.loads(bytes(head)) != wanted:
        conn.exec_driver_sql(f"UPDATE {RING} SET body = %s WHERE id = 1",
                             (json.dumps(wanted).encode("ascii"),))
    stored = dict(conn.exec_driver_sql(f"SELECT holder, body FROM {SLOTS}").all())
    for slot in ring.slots:
        body = slot.as_dict()
        key = holder(slot)
        if key not in stored:
            conn.exec_driver_sql(f"INSERT INTO {SLOTS} (body) VALUES (%s::jsonb)",
                                 (json.dumps(body),))
        elif stored[key] != body:
            conn.exec_driver_sql(f"UPDATE {SLOTS} SET body = %s::jsonb WHERE holder = %s",
                                 (json.dumps(body), key))
    gone = set(stored) - {holder(s) for s in ring.slots}
    for key in sorted(gone):
        conn.exec_driver_sql(f"DELETE FROM {SLOTS} WHERE holder = %s", (key,))


@contextlib.contextmanager
def rotation_lock(db) -> Iterator[None]:
    """Held from a rotation's first step to its last (as the file's lock file is): a
    second rotation started meanwhile, on any PC, is told so instead of running beside
    it. A session lock: the server drops it when the process holding it dies."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        taken = conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)",
                                     (ROTATION_LOCK,)).scalar()
        if not taken:
            raise DatabaseBusy(_("Another key rotation is under way on the branch server; "
                                 "try again when it has finished."))
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # a lost connection dropped it already
                conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (ROTATION_LOCK,))


def recovery_password(code: str) -> str:
    """The recovery login's password, derived from the code as a login's is from its
    password (the code is the secret; it never leaves this PC)."""
    return server.login_password(RECOVERY_SIGNER, normalise_recovery_code(code))


def set_recovery_login(conn, code: str) -> None:
    """The recovery login opens with `code` from now on (an administrator's write)."""
    conn.exec_driver_sql("SELECT custos_set_recovery_login(%s)",
                         (server.scram_verifier(recovery_password(code)),))


# --- as the owner (psycopg cursor): init, migration, upgrade, backups ----------------------

def insert(cur, ring: KeyRing) -> None:
    """A whole ring into an empty database's tables (the ring-wide row already there)."""
    cur.execute(f"UPDATE {RING} SET body = %s WHERE id = 1",
                (json.dumps(_head(ring)).encode("ascii"),))
    cur.executemany(f"INSERT INTO {SLOTS} (body) VALUES (%s::jsonb)",
                    [(json.dumps(s.as_dict()),) for s in ring.slots])


def has_slots(cur) -> bool:
    cur.execute(f"SELECT to_regclass('public.{SLOTS}') IS NOT NULL")
    return bool(cur.fetchone()[0])


def ring_bytes(cur) -> bytes:
    """The ring as one document, from either layout (a backup of an older database held
    the whole ring in its one row)."""
    if not has_slots(cur):
        cur.execute(f"SELECT body FROM {RING} WHERE id = 1")
        row = cur.fetchone()
        return bytes(row[0]) if row else b""
    cur.execute(LOAD)
    row = cur.fetchone()
    return joined(row[0], row[1]) if row else b""


def upgrade(cur, staff: str) -> bool:
    """A database whose ring is one row gets per-slot rows and their rules, its slots
    moved into them (the whole ring row kept in the history). False: it had them."""
    if has_slots(cur):
        return False
    cur.execute(f"SELECT to_regclass('public.{RING}') IS NULL")
    if cur.fetchone()[0]:  # no ring at all: not a database custos init made
        return False
    cur.execute(f"SELECT body FROM {RING} WHERE id = 1")
    row = cur.fetchone()
    ring = KeyRing.load_bytes(bytes(row[0])) if row else None
    for statement in layout_sql(staff):
        cur.execute(statement)
    if ring is not None:
        insert(cur, ring)
    return True
