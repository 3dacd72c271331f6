"""The branch server's own trail: every change a login makes is either attributed to a
signed audit event of the same transaction or reported by `audit verify`.

How it holds, with nothing a client can forge:
- The server stamps each audit event with the transaction that wrote it (`txid`, and
  `tx_at`, the transaction's start by the server's clock) in a BEFORE INSERT trigger:
  whatever a client puts there is overwritten. The same trigger refuses an event that a
  staff login writes under another account than its own (`custos_login_name(signer)` is
  `session_user`, which a login cannot change), so an event of a transaction is always
  that login's, and `verify` checks its signature and its place in the chain.
- Every statement that changes a row of any other table, by any login, leaves one row
  here (one per statement, not per row): the login, the transaction, the table, the kind
  and how many rows. The audit log itself is exempt: it is stamped, signed and chained.
- `verify` lists every recorded change whose transaction holds no audit event (an
  anti-join on the transaction, the audit log's side indexed): "changed outside Custos".
- The owner login's own Custos operations (init, migrate-to-server, upgrade) note
  themselves in `server_operation`, which only the owner can write: their changes are
  accounted for by that, not by an event. (A backup restored by pg_restore makes its
  triggers after its rows: it records nothing, and brings the trail it was taken with.)
- A consent note rewritten (resealing under a new key generation; nothing else of the
  ledger may change) keeps its former ciphertext in `consent_note_history`, so nothing is
  lost, and the rewrite is in the trail like any change.
- The trail expires with the audit log: `custos_expire_audit` removes trail rows no newer
  than the events it expires, never younger than three years.

What remains: the owner login and a superuser own the tables and can switch triggers off;
an insider who writes a correctly signed event of their own (their own key opens with
their own password) can make any change in its transaction: it is then on record as
theirs, whatever the event says it was.
"""

from __future__ import annotations

TRAIL = "server_change"
OPERATIONS = "server_operation"
NOTE_HISTORY = "consent_note_history"
EXEMPT = ("audit_event",)  # signed and chained: stamped instead of trailed
# The server's level, in meta (`server_trail`): 1 was issue 14's first trail, which trusted
# a transaction setting any login could say; 2 is this trail; 3 adds the compliance file's
# rule that whoever records something records it in their own name (server_guards).
# `custos upgrade` brings a database to it; a login on an older level is refused
# (accounts/server_init.check_schema).
LEVEL_KEY = "server_trail"
LEVEL = 3
# Functions run with a search path no session can put a table in front of (a staff login's
# own temporary table named like ours, say): the catalogue, then our schema; pg_temp last.
SAFE_PATH = "pg_catalog, public, pg_temp"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _raise(message: str) -> str:
    return "RAISE EXCEPTION '%', " + "'" + message.replace("'", "''") + "' USING ERRCODE = 'P0001'"


def _fn(name: str, body: str, definer: bool = True) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
            f"{'SECURITY DEFINER ' if definer else ''}SET search_path = {SAFE_PATH} "
            f"AS $$ {body} $$")


def _trigger(name: str, table: str, when: str, fn: str, each: str = "ROW",
             refs: str = "") -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {_q(name)} ON {_q(table)}",
            f"CREATE TRIGGER {_q(name)} {when} ON {_q(table)} {refs}FOR EACH {each} "
            f"EXECUTE FUNCTION {fn}()"]


def table_triggers_sql(table: str) -> list[str]:
    """The trail's triggers on one table (none on the audit log)."""
    if table in EXEMPT:
        return [f"DROP TRIGGER IF EXISTS {_q(f'{table}_trail_{op}')} ON {_q(table)}"
                for op in ("insert", "update", "delete", "truncate")]
    out = []
    for op, ref in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "NEW TABLE AS new_rows"),
                    ("DELETE", "OLD TABLE AS old_rows"), ("TRUNCATE", "")):
        out += _trigger(f"{table}_trail_{op.lower()}", table, f"AFTER {op}", "custos_trail",
                        each="STATEMENT", refs=f"REFERENCING {ref} " if ref else "")
    return out


# Who may write an audit event: the owner of the table (and a superuser) any; a staff
# login only under its own account.
# The recovery slot's events ("(recovery)", store/keyring.RECOVERY_SIGNER) are signed with
# the recovery code's key, which any login may hold: its signature, not the login, proves it.
STAMP = (
    "BEGIN NEW.txid := txid_current(); NEW.tx_at := now(); "
    "IF NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), "
    "'MEMBER') AND (NEW.signer IS NULL OR (NEW.signer <> '(recovery)' AND "
    "public.custos_login_name(NEW.signer) IS DISTINCT FROM session_user::text)) THEN "
    f"{_raise('an audit event is signed by the account of the login writing it')}; "
    "END IF; RETURN NEW; END")
TRAIL_FN = (
    "DECLARE n BIGINT; BEGIN "
    "IF TG_OP = 'DELETE' THEN SELECT count(*) INTO n FROM old_rows; "
    "ELSIF TG_OP = 'TRUNCATE' THEN n := -1; "
    "ELSE SELECT count(*) INTO n FROM new_rows; END IF; "
    f"IF n <> 0 THEN INSERT INTO public.{TRAIL} (table_name, op, row_count) "
    "VALUES (TG_TABLE_NAME, TG_OP, n); END IF; RETURN NULL; END")
# Kept: only custos_expire_audit (while its gate stands) removes rows, never changes one.
KEPT = ("BEGIN IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM public.audit_purge_gate) THEN "
        f"RETURN OLD; END IF; {_raise('the server change record is append-only')}; END")
# The consent ledger (its BEFORE UPDATE trigger, consent_event_no_update): only the note's
# ciphertext may change (resealing under a new key generation), and the former one is kept.
CONSENT_NOTE = (
    "IF (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN "
    "IF NEW.note IS DISTINCT FROM OLD.note THEN "
    f"INSERT INTO public.{NOTE_HISTORY} (consent_id, note) VALUES (OLD.id, OLD.note); "
    "END IF; RETURN NEW; END IF; "
    f"{_raise('the consent ledger is append-only')};")
EXPIRE = (
    "CREATE OR REPLACE FUNCTION custos_expire_audit(upto BIGINT, base TEXT, base_keys TEXT) "
    "RETURNS BIGINT LANGUAGE plpgsql SECURITY DEFINER "
    f"SET search_path = {SAFE_PATH} AS $$ DECLARE n BIGINT; until TIMESTAMPTZ; BEGIN "
    # The server's own floor: nothing younger than three years ever expires, whatever the
    # retention rules (which staff may edit) or the PC's clock say.
    "IF EXISTS (SELECT 1 FROM public.audit_event WHERE seq <= upto AND at >= "
    "to_char((now() - interval '3 years') AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS')) THEN "
    f"{_raise('the access log keeps three years at least')}; END IF; "
    "SELECT LEAST(max(tx_at), now() - interval '3 years') INTO until FROM public.audit_event "
    "WHERE seq <= upto; "
    "INSERT INTO public.audit_purge_gate (upto) VALUES (upto); "
    "DELETE FROM public.audit_event WHERE seq <= upto; GET DIAGNOSTICS n = ROW_COUNT; "
    # The trail of those transactions goes with their events (and nothing younger).
    f"DELETE FROM public.{TRAIL} WHERE at <= until; "
    f"DELETE FROM public.{OPERATIONS} WHERE at <= until; "
    "DELETE FROM public.audit_purge_gate; "
    "INSERT INTO public.meta (key, value) VALUES ('audit_base', base), "
    "('audit_base_keys', base_keys) ON CONFLICT (key) DO UPDATE SET value = "
    "EXCLUDED.value; RETURN n; END $$")


def level_sql(tables: list[str]) -> list[str]:
    """Everything level 2 is, said so that it can run on a new database or on a level 1
    one alike (custos upgrade): each statement creates, replaces or leaves as it is."""
    out = [
        "ALTER TABLE audit_event ADD COLUMN IF NOT EXISTS txid BIGINT, "
        "ADD COLUMN IF NOT EXISTS tx_at TIMESTAMPTZ",
        "CREATE INDEX IF NOT EXISTS audit_event_txid ON audit_event (txid)",
        _fn("audit_event_stamp_fn", STAMP, definer=False),
        *_trigger("audit_event_stamp", "audit_event", "BEFORE INSERT", "audit_event_stamp_fn"),
        f"ALTER TABLE {TRAIL} ALTER COLUMN at SET DEFAULT now()",
        f"CREATE INDEX IF NOT EXISTS {TRAIL}_at ON {TRAIL} (at)",
        _fn("custos_trail", TRAIL_FN),
        _fn(f"{TRAIL}_kept", KEPT, definer=False),
        *_trigger(f"{TRAIL}_kept", TRAIL, "BEFORE UPDATE OR DELETE", f"{TRAIL}_kept"),
        f"CREATE TABLE IF NOT EXISTS {OPERATIONS} (txid BIGINT NOT NULL DEFAULT "
        "txid_current(), at TIMESTAMPTZ NOT NULL DEFAULT now(), login TEXT NOT NULL DEFAULT "
        "session_user, kind TEXT NOT NULL, PRIMARY KEY (txid, at, kind))",
        f"CREATE TABLE IF NOT EXISTS {NOTE_HISTORY} (consent_id BIGINT NOT NULL, "
        "note BYTEA, at TIMESTAMPTZ NOT NULL DEFAULT now(), login TEXT NOT NULL DEFAULT "
        "session_user, txid BIGINT NOT NULL DEFAULT txid_current())",
        EXPIRE,
        _fn("consent_event_no_update_fn", f"BEGIN {CONSENT_NOTE} END"),
    ]
    for table in tables:
        out += table_triggers_sql(table)
    return out


def outside_sql() -> str:
    """Every recorded change whose transaction holds no audit event and is no owner's
    operation, oldest first: (time, login, kind, table, rows)."""
    return (f"SELECT c.at, c.login, c.op, c.table_name, c.row_count FROM {TRAIL} c "
            "WHERE NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.txid = c.txid "
            "AND e.tx_at = c.at) "
            f"AND NOT EXISTS (SELECT 1 FROM {OPERATIONS} o WHERE o.txid = c.txid "
            "AND o.at = c.at) ORDER BY c.id")


def note_operation(cur, kind: str) -> None:
    """The owner login's own operation (init, migrate, upgrade), in its transaction."""
    cur.execute(f"INSERT INTO {OPERATIONS} (kind) VALUES (%s)", (kind,))
