"""The branch server's schema, made from the one schema source both stores share.

The numbered migrations (store/migrations.py) are that source. To build a server
database they are run, in order, on an empty in-memory SQLite database; what they produced
is read back (tables, columns, types, defaults, keys, unique constraints, indexes, seed
rows, triggers) and said again in PostgreSQL's words. So the file and the server cannot
drift apart: a column added by migration N reaches both the same way, and
tests/store/test_server_schema.py compares the two stores' catalogues.

What differs is said here and nowhere else:
- INTEGER is BIGINT (search tokens are 64-bit); an INTEGER PRIMARY KEY gets SQLite's
  rowid rule ("the highest so far plus one" when none is given) from a trigger; all writers
  are serialised (store/server.py), so two cannot take the same number.
- TEXT is TEXT COLLATE "C": ordering and comparison byte by byte, as in the file.
  A username's COLLATE NOCASE uniqueness becomes a unique index on lower(username).
- Columns sealed under role keys (fields.SEALED) are BYTEA: the server never sees their
  text, and cannot hold bytes in a text column.
- Indexes on plaintext that sealing drops on every database (sealing.PLAINTEXT_INDEXES)
  are not made at all: a server database seals from its first row.
- Triggers are PL/pgSQL, one per SQLite trigger, under the same names.
- The server also records, itself, every change made to any table and ties it to the
  signed audit event of its transaction, or reports it (store/server_trail.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlcipher3.dbapi2 as sqlcipher

from app.store import migrations
from app.store.fields import SEALED
from app.store.sealing import PLAINTEXT_INDEXES
from app.store.server_trail import (
    CONSENT_NOTE,
    LEVEL_KEY,
    NOTE_HISTORY,
    OPERATIONS,
    SAFE_PATH,
    TRAIL,
    _q,
    _raise,
    level_sql,
    table_triggers_sql,
)

TYPES = {"INTEGER": "BIGINT", "TEXT": 'TEXT COLLATE "C"', "BLOB": "BYTEA",
         "REAL": "DOUBLE PRECISION"}


@dataclass
class ColumnDef:
    name: str
    type: str            # SQLite's declared type
    notnull: bool
    default: str | None  # SQL text
    pk: int              # position in the primary key (0: not in it)


@dataclass
class IndexDef:
    name: str
    table: str
    columns: list[str]
    unique: bool
    nocase: bool = False


@dataclass
class TableDef:
    name: str
    columns: list[ColumnDef]
    foreign_keys: list[tuple[list[str], str, list[str], str]] = field(default_factory=list)
    uniques: list[IndexDef] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in sorted(self.columns, key=lambda c: c.pk) if c.pk]


def file_schema(upto: int | None = None) -> tuple[list[TableDef], list[IndexDef], list[str]]:
    """(tables in creation order, indexes, trigger names) as the migrations make them (up
    to and including step `upto`; all of them by default)."""
    conn = sqlcipher.connect(":memory:")
    try:
        for target, _what, script in migrations.MIGRATIONS:
            if upto is not None and target > upto:
                break
            for statement in migrations.statements(script):
                conn.execute(statement)
        return _read_back(conn)
    finally:
        conn.close()


def _read_back(conn) -> tuple[list[TableDef], list[IndexDef], list[str]]:
    tables, indexes = [], []
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid")]
    for name in names:
        cols = [ColumnDef(r[1], (r[2] or "").upper(), bool(r[3]), r[4], r[5])
                for r in conn.execute(f"PRAGMA table_info({_q(name)})")]
        table = TableDef(name, cols)
        fks: dict[int, tuple] = {}
        for r in conn.execute(f"PRAGMA foreign_key_list({_q(name)})"):
            fk = fks.setdefault(r[0], ([], r[2], [], r[6]))
            fk[0].append(r[3])
            fk[2].append(r[4])
        table.foreign_keys = list(fks.values())
        for _seq, iname, unique, origin, _partial in conn.execute(
                f"PRAGMA index_list({_q(name)})"):
            info = list(conn.execute(f"PRAGMA index_xinfo({_q(iname)})"))
            keys = [r for r in info if r[5]]  # key columns (not the rowid)
            if any(r[1] < 0 for r in keys):   # an expression index
                if iname not in PLAINTEXT_INDEXES:
                    raise ValueError(f"index {iname}: an expression the server schema "
                                     "does not know how to say")
                continue
            index = IndexDef(iname, name, [r[2] for r in keys], bool(unique),
                             nocase=any((r[4] or "").upper() == "NOCASE" for r in keys))
            if origin == "pk":
                continue
            if origin == "u":
                table.uniques.append(index)
            elif iname not in PLAINTEXT_INDEXES:
                indexes.append(index)
        table.rows = [tuple(r) for r in conn.execute(f"SELECT * FROM {_q(name)}")]
        tables.append(table)
    triggers = sorted(r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return tables, indexes, triggers


def _column_sql(table: TableDef, col: ColumnDef) -> str:
    sealed = col.name in SEALED.get(table.name, {})
    kind = "BYTEA" if sealed else TYPES.get(col.type, col.type)
    parts = [_q(col.name), kind]
    if col.notnull:
        parts.append("NOT NULL")
    if col.default is not None and not sealed:
        parts.append(f"DEFAULT {col.default}")
    return " ".join(parts)


def table_sql(table: TableDef) -> list[str]:
    lines = [_column_sql(table, c) for c in table.columns]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    for unique in table.uniques:
        if not unique.nocase:
            lines.append(f"UNIQUE ({', '.join(map(_q, unique.columns))})")
    for local, target, remote, on_delete in table.foreign_keys:
        rule = f" ON DELETE {on_delete}" if on_delete and on_delete != "NO ACTION" else ""
        lines.append(f"FOREIGN KEY ({', '.join(map(_q, local))}) REFERENCES {_q(target)} "
                     f"({', '.join(map(_q, remote))}){rule}")
    out = [f"CREATE TABLE {_q(table.name)} (\n    " + ",\n    ".join(lines) + "\n)"]
    for unique in table.uniques:
        if unique.nocase:
            cols = ", ".join(f"lower({_q(c)})" for c in unique.columns)
            out.append(f"CREATE UNIQUE INDEX {_q(table.name + '_' + '_'.join(unique.columns) + '_nocase')} "
                       f"ON {_q(table.name)} ({cols})")
    rowid = _rowid_column(table)
    if rowid is not None:
        fn = _q(f"{table.name}_next_{rowid}")
        out.append(
            f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql SET search_path = "
            f"{SAFE_PATH} AS $$ BEGIN "
            f"IF NEW.{_q(rowid)} IS NULL THEN SELECT COALESCE(max({_q(rowid)}), 0) + 1 "
            f"INTO NEW.{_q(rowid)} FROM {_q(table.name)}; END IF; RETURN NEW; END $$")
        out.append(f"CREATE TRIGGER {_q(table.name + '_rowid')} BEFORE INSERT ON "
                   f"{_q(table.name)} FOR EACH ROW EXECUTE FUNCTION {fn}()")
    return out


def _rowid_column(table: TableDef) -> str | None:
    """SQLite's `INTEGER PRIMARY KEY` (an alias of the rowid): its number comes by itself."""
    pk = [c for c in table.columns if c.pk]
    if len(pk) == 1 and pk[0].type == "INTEGER":
        return pk[0].name
    return None


def index_sql(index: IndexDef) -> str:
    unique = "UNIQUE " if index.unique else ""
    return (f"CREATE {unique}INDEX {_q(index.name)} ON {_q(index.table)} "
            f"({', '.join(map(_q, index.columns))})")


# One PL/pgSQL trigger for each SQLite trigger (same names). Resealing under a new key
# generation changes a consent note's ciphertext, nothing else: that column alone may
# change, its former value kept (store/server_trail.py), as its owner's function.
SIGNED_REVIEW = "a signed permission review can no longer be changed"
REVIEW_SIGNED = ("(SELECT signed_at FROM permission_review WHERE id = OLD.review_id) "
                 "IS NOT NULL")
KEPT_AGREEMENT = "confidentiality agreements are kept as recorded"
KEPT_TRAINING = "training records are kept as recorded"
TRIGGERS = {
    "audit_event_no_update": ("audit_event", "BEFORE UPDATE",
                              f"{_raise('the audit log is append-only')};"),
    "audit_event_no_delete": (
        "audit_event", "BEFORE DELETE",
        "IF OLD.seq > COALESCE((SELECT max(upto) FROM audit_purge_gate), 0) THEN "
        f"{_raise('the audit log is append-only')}; END IF; RETURN OLD;"),
    "consent_event_no_update": ("consent_event", "BEFORE UPDATE", CONSENT_NOTE),
    "consent_event_no_delete": ("consent_event", "BEFORE DELETE",
                                f"{_raise('the consent ledger is append-only')};"),
    "destruction_batch_done_is_final": (
        "destruction_batch", "BEFORE UPDATE",
        "IF OLD.status = 'destroyed' THEN "
        f"{_raise('a recorded destruction can no longer be changed')}; END IF; RETURN NEW;"),
    "paper_file_destroyed_is_final": (
        "paper_file", "BEFORE UPDATE",
        "IF OLD.status = 'destroyed' THEN "
        f"{_raise(chr(39).join(['a destroyed file', 's record can no longer be changed']))};"
        " END IF; RETURN NEW;"),
    "paper_file_never_deleted": (
        "paper_file", "BEFORE DELETE",
        f"{_raise('paper-file records are kept; mark them destroyed instead')};"),
    "impact_assessment_kept": (
        "impact_assessment", "BEFORE DELETE",
        f"{_raise('impact assessments are kept; a new version supersedes one')};"),
    "impact_assessment_content_is_final": (
        "impact_assessment", "BEFORE UPDATE OF activity, version, purpose, necessity, "
        "data_items, risks, measures, conclusion, assessed_by, assessed_on, review_by, "
        "recorded_at", f"{_raise('an impact assessment can no longer be changed')};"),
    "impact_assessment_settled_once": (
        "impact_assessment", "BEFORE UPDATE",
        "IF (OLD.approved_at IS NOT NULL AND (NEW.approved_at IS DISTINCT FROM OLD.approved_at"
        " OR NEW.approved_by IS DISTINCT FROM OLD.approved_by OR NEW.sole_manager IS DISTINCT"
        " FROM OLD.sole_manager)) OR (OLD.superseded_by IS NOT NULL AND (NEW.superseded_by IS"
        " DISTINCT FROM OLD.superseded_by OR NEW.superseded_at IS DISTINCT FROM "
        f"OLD.superseded_at)) THEN {_raise('an approval or a replacement is recorded once')};"
        " END IF; RETURN NEW;"),
    # Permission reviews (issue 16): a signed review is final; only a decision's carrying
    # out (done_by, done_at) is written once after signing.
    "permission_review_signed_is_final": (
        "permission_review", "BEFORE UPDATE",
        f"IF OLD.signed_at IS NOT NULL THEN {_raise(SIGNED_REVIEW)}; END IF; RETURN NEW;"),
    "permission_review_never_deleted": (
        "permission_review", "BEFORE DELETE",
        f"{_raise('permission reviews are kept')};"),
    "review_decision_signed_is_final": (
        "review_decision", "BEFORE UPDATE",
        f"IF {REVIEW_SIGNED} AND (OLD.done_at IS NOT NULL OR (NEW.review_id, NEW.username, "
        "NEW.roles_before, NEW.decision, NEW.roles_after, NEW.note, NEW.own_account, "
        "NEW.decided_by, NEW.decided_at) IS DISTINCT FROM (OLD.review_id, OLD.username, "
        "OLD.roles_before, OLD.decision, OLD.roles_after, OLD.note, OLD.own_account, "
        f"OLD.decided_by, OLD.decided_at)) THEN {_raise(SIGNED_REVIEW)}; END IF; RETURN NEW;"),
    "review_decision_signed_not_deleted": (
        "review_decision", "BEFORE DELETE",
        f"IF {REVIEW_SIGNED} THEN {_raise(SIGNED_REVIEW)}; END IF; RETURN OLD;"),
    "breach_notice_no_update": (
        "breach_notice", "BEFORE UPDATE",
        f"{_raise('the record of breach notifications is append-only')};"),
    "breach_notice_no_delete": (
        "breach_notice", "BEFORE DELETE",
        f"{_raise('the record of breach notifications is append-only')};"),
    # The compliance file's partners (app/compliance/partners.py): what was agreed, checked
    # and disclosed stays as recorded.
    "partner_agreement_no_change": ("partner_agreement", "BEFORE UPDATE",
                                    f"{_raise('partner agreements are kept as recorded')};"),
    "partner_check_no_change": ("partner_check", "BEFORE UPDATE",
                                f"{_raise('supervision checks are kept as recorded')};"),
    "disclosure_no_update": ("disclosure", "BEFORE UPDATE",
                             f"{_raise('the disclosure register is append-only')};"),
    "disclosure_no_delete": ("disclosure", "BEFORE DELETE",
                             f"{_raise('the disclosure register is append-only')};"),
    # Staff (app/compliance/staff.py): agreements and training kept as recorded.
    **{f"{table}_no_{op.lower()}": (table, f"BEFORE {op}", f"{_raise(sentence)};")
       for table, sentence in (("staff_agreement", KEPT_AGREEMENT),
                               ("training_session", KEPT_TRAINING),
                               ("training_attendee", KEPT_TRAINING))
       for op in ("UPDATE", "DELETE")},
}
DEFINERS = {"consent_event_no_update"}  # writes where staff may not (the note's history)
# Tables no one may empty wholesale (TRUNCATE skips row triggers).
NO_TRUNCATE = ("audit_event", "consent_event", "paper_file", "destruction_batch", TRAIL)


def trigger_sql(name: str) -> list[str]:
    table, when, body = TRIGGERS[name]
    fn = _q(f"{name}_fn")
    definer = "SECURITY DEFINER " if name in DEFINERS else ""
    return [f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql {definer}SET "
            f"search_path = {SAFE_PATH} AS $$ BEGIN {body} END $$",
            f"CREATE TRIGGER {_q(name)} {when} ON {_q(table)} FOR EACH ROW "
            f"EXECUTE FUNCTION {fn}()"]


def trail_sql(tables: list[str]) -> list[str]:
    """The server's own trail (store/server_trail.py), and the tables no one may empty."""
    out = [f"CREATE TABLE {TRAIL} (id BIGSERIAL PRIMARY KEY, "
           "at TIMESTAMPTZ NOT NULL DEFAULT now(), login TEXT NOT NULL DEFAULT session_user, "
           "txid BIGINT NOT NULL DEFAULT txid_current(), "
           "table_name TEXT NOT NULL, op TEXT NOT NULL, row_count BIGINT NOT NULL)"]
    for table in NO_TRUNCATE:
        out.append(
            f"CREATE FUNCTION {_q(f'{table}_no_truncate_fn')}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {_raise(f'{table} cannot be emptied')}; END $$")
        out.append(f"CREATE TRIGGER {_q(f'{table}_no_truncate')} BEFORE TRUNCATE ON "
                   f"{_q(table)} FOR EACH STATEMENT EXECUTE FUNCTION "
                   f"{_q(f'{table}_no_truncate_fn')}()")
    return out + level_sql(tables)


def table_grant_sql(table: str, staff: str) -> str:
    rights = APPEND_ONLY.get(table, "SELECT, INSERT, UPDATE, DELETE")
    return f"GRANT {rights} ON {_q(table)} TO {_q(staff)}"


# What staff logins may do, table by table (all else: SELECT, INSERT, UPDATE, DELETE).
# The audit log and the ledgers are never changed or deleted by a login; the audit log's
# expiry (retention) goes through custos_expire_audit, which keeps three years at least.
APPEND_ONLY = {"audit_event": "SELECT, INSERT", "consent_event": "SELECT, INSERT, UPDATE",
               "paper_file": "SELECT, INSERT, UPDATE", "destruction_batch":
               "SELECT, INSERT, UPDATE", TRAIL: "SELECT", "audit_purge_gate": "SELECT",
               OPERATIONS: "SELECT", NOTE_HISTORY: "SELECT",
               "impact_assessment": "SELECT, INSERT, UPDATE",
               "breach_notice": "SELECT, INSERT",
               "partner_agreement": "SELECT, INSERT", "partner_check": "SELECT, INSERT",
               "disclosure": "SELECT, INSERT", "staff_agreement": "SELECT, INSERT",
               "training_session": "SELECT, INSERT", "training_attendee": "SELECT, INSERT"}
# Meta entries no staff login changes: the database's identity, the chain's key and base
# (custos_expire_audit writes the base), and the proofs of the customer-data keys, which
# are written once each (keyroot:*, keynext:*) and never changed.
SERVER_ONLY = (TRAIL, OPERATIONS, NOTE_HISTORY)  # tables the file has not
PROTECTED_META = ("db_id", "created_at", "audit_key", "audit_base", "audit_base_keys",
                  "schema_version", LEVEL_KEY)


def protect_sql(staff: str) -> list[str]:
    """Row-level rules where a table's grant is too coarse: who may change meta entries,
    accounts and roles (only an administrator's login, or anyone while there are no
    accounts yet: the first administrator's own insert). Made after the login functions
    (server_init.login_functions_sql), whose custos_login_name they use."""
    frozen = ("key NOT IN (" + ", ".join(f"'{k}'" for k in PROTECTED_META) + ")")
    once = f"{frozen} AND key NOT LIKE 'keyroot:%' AND key NOT LIKE 'keynext:%'"
    return [
        "CREATE FUNCTION custos_may_manage() RETURNS BOOLEAN LANGUAGE sql STABLE "
        f"SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ SELECT NOT EXISTS "
        "(SELECT 1 FROM public.user_role WHERE role = 'admin') OR EXISTS "
        '(SELECT 1 FROM public."user" u JOIN '
        "public.user_role r ON r.user_id = u.id WHERE public.custos_login_name(u.username) "
        "= session_user::text AND r.role = 'admin' AND u.disabled = 0) $$",
        "REVOKE ALL ON FUNCTION custos_may_manage() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION custos_may_manage() TO {_q(staff)}",
        "ALTER TABLE meta ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY meta_read ON meta FOR SELECT USING (true)",
        f"CREATE POLICY meta_add ON meta FOR INSERT WITH CHECK ({frozen})",
        f"CREATE POLICY meta_change ON meta FOR UPDATE USING ({once}) WITH CHECK ({once})",
        f"CREATE POLICY meta_drop ON meta FOR DELETE USING ({once})",
        'ALTER TABLE "user" ENABLE ROW LEVEL SECURITY',
        'CREATE POLICY user_read ON "user" FOR SELECT USING (true)',
        'CREATE POLICY user_add ON "user" FOR INSERT WITH CHECK (public.custos_may_manage())',
        # An account's own row: its last login and its own password change.
        'CREATE POLICY user_change ON "user" FOR UPDATE USING (public.custos_may_manage() OR '
        "public.custos_login_name(username) = session_user::text)",
        'CREATE POLICY user_drop ON "user" FOR DELETE USING (public.custos_may_manage())',
        "ALTER TABLE user_role ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY role_read ON user_role FOR SELECT USING (true)",
        "CREATE POLICY role_add ON user_role FOR INSERT WITH CHECK (public.custos_may_manage())",
        "CREATE POLICY role_change ON user_role FOR UPDATE USING (public.custos_may_manage())",
        "CREATE POLICY role_drop ON user_role FOR DELETE USING (public.custos_may_manage())",
    ]


def grants_sql(tables: list[str], staff: str) -> list[str]:
    out = []
    for table in [*tables, *SERVER_ONLY]:
        out.append(table_grant_sql(table, staff))
    # Reading the trail's counter (never taking a number): pg_dump run as a staff login
    # reads every sequence it dumps (backup/server_backup.py).
    out.append(f"GRANT SELECT ON SEQUENCE {TRAIL}_id_seq TO {_q(staff)}")
    # custos_expire_audit itself: store/server_trail.py (the trail expires with it)
    out.append("REVOKE ALL ON FUNCTION custos_expire_audit(BIGINT, TEXT, TEXT) FROM PUBLIC")
    out.append(f"GRANT EXECUTE ON FUNCTION custos_expire_audit(BIGINT, TEXT, TEXT) TO "
               f"{_q(staff)}")
    return out


def build_sql(staff: str, upto: int | None = None) -> list[str]:
    """Every statement that makes an empty server database a Custos database (as the
    migrations up to step `upto` make the file; all of them by default)."""
    tables, indexes, triggers = file_schema(upto)
    missing = set(triggers) - set(TRIGGERS)
    if missing:
        raise ValueError(f"no server trigger for {sorted(missing)}")
    out: list[str] = []
    for table in tables:
        out += table_sql(table)
    out += [index_sql(i) for i in indexes]
    for name in sorted(triggers):  # those the file has at step `upto` (their tables too)
        out += trigger_sql(name)
    names = [t.name for t in tables]
    out += trail_sql(names)
    out += grants_sql(names, staff)
    return out


def upgrade_sql(current: int, staff: str) -> list[str]:
    """What brings a server database made at migration `current` to the latest: the
    difference between the two schemas, said as the server says it (new tables with their
    grants and trail, new columns, indexes, triggers). Seed rows of later steps are not
    needed: steps after the first seed nothing (a test holds them to it)."""
    old_tables, old_indexes, old_triggers = file_schema(current)
    new_tables, new_indexes, new_triggers = file_schema()
    before = {t.name: {c.name for c in t.columns} for t in old_tables}
    out: list[str] = []
    added = []
    for table in new_tables:
        if table.name not in before:
            out += table_sql(table)
            added.append(table.name)
            continue
        for col in table.columns:
            if col.name not in before[table.name]:
                out.append(f"ALTER TABLE {_q(table.name)} ADD COLUMN {_column_sql(table, col)}")
    known = {i.name for i in old_indexes}
    out += [index_sql(i) for i in new_indexes if i.name not in known]
    for name in sorted(set(new_triggers) - set(old_triggers)):
        out += trigger_sql(name)
    for table in added:
        out += [*table_triggers_sql(table), table_grant_sql(table, staff)]
    return out


def trail_upgrade_sql(staff: str) -> list[str]:
    """What brings a database's trail from an older level to this one (custos upgrade)."""
    names = [t.name for t in file_schema()[0]]
    return [*level_sql(names), *(table_grant_sql(t, staff) for t in SERVER_ONLY[1:])]


def seed_rows() -> list[tuple[str, list[str], list[tuple]]]:
    """(table, columns, rows) the migrations wrote (plans, the register's first entries)."""
    tables, _indexes, _triggers = file_schema()
    return [(t.name, [c.name for c in t.columns], t.rows) for t in tables if t.rows]
