"""The sealing pass: a database written before role keys gets them, and its customer fields
are sealed and its search tokens built, in batches that survive being killed.

It runs at login, after the schema migrations (and so after their automatic backup), once
the key ring has been read. The first login after the upgrade makes the two domain keys
and grants them at once to the recovery slot and to every account whose role reads them
(those accounts could read everything before; nobody gains anything). The ring is saved
before anything is sealed, so no value is ever sealed under a key that is not on disk.

Each batch is one write transaction that seals its rows and moves the table's mark
(meta `sealing:<table>`, the last row id done). Killed at any moment, the database holds
sealed and not-yet-sealed rows, both readable (text is read as it is), and the next login
of an account holding both keys goes on from the mark. The mark `fields_sealed` is set
first: from then on every write seals.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from sqlalchemy import select

from app.store import dialect, schema
from app.store.fields import (
    DOMAINS,
    IDENTITY,
    NAMES,
    ROW_ID,
    SEALED,
    SEARCH_ONLY,
    DomainKey,
    FieldKeys,
    is_sealed,
)

# New databases seal from the start and older ones at their first login after the upgrade.
# Tests turn it off to make a database as an older version wrote it.
ENABLED = True
BATCH = 2000
ACTIVE = "fields_sealed"
DONE = "fields_sealing_done"
TABLE_ORDER = ("customer", "service", "service_case", "rights_request", "consent_event",
               "artefact_content")
BINARY = frozenset({("artefact_content", "data")})  # sealed as bytes, not text
# Tables whose rows a trigger keeps from changing: (trigger, its DDL as migration 2 made it).
APPEND_ONLY = {"consent_event": (
    "consent_event_no_update",
    "CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event\n"
    "BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;")}
# Plaintext indexes that sealed values make useless (and that would keep nothing secret).
PLAINTEXT_INDEXES = ("customer_by_id_number", "customer_by_id_rev", "customer_by_phone",
                     "customer_by_name", "customer_by_pinyin", "customer_by_initials",
                     "customer_by_phone_tail", "service_by_no", "service_by_number_tail")

Progress = Callable[[int, int], None]
# On the branch server a chunk aims at this long a hold of the writers' lock, starting small.
CHUNK_S = 0.3
SERVER_FIRST = 20


def new_domain_keys(generation: int = 1) -> list[DomainKey]:
    return [DomainKey(d, generation, secrets.token_bytes(32)) for d in DOMAINS]


def _meta(conn, key: str) -> str | None:
    return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def _set_meta(conn, key: str, value: str) -> None:
    conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
    conn.execute(schema.meta.insert().values(key=key, value=value))


def is_active(db) -> bool:
    with db.read() as conn:
        return _meta(conn, ACTIVE) == "1"


def is_done(db) -> bool:
    with db.read() as conn:
        return _meta(conn, DONE) == "1"


def holds_sealed_values(conn) -> bool:
    """Is any customer value sealed already (whatever the flags in meta say)?"""
    return any(conn.exec_driver_sql(
        f"SELECT 1 FROM {table} WHERE {dialect.is_binary(conn, column)} LIMIT 1").first()
        for table, column in (("customer", "name"), ("customer", "phone"),
                              ("service_case", "details"), ("rights_request", "notes")))


def activate(conn) -> None:
    """From now on every write seals (a new database, or the pass's first step)."""
    _set_meta(conn, ACTIVE, "1")
    for name in PLAINTEXT_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def finish(conn) -> None:
    _set_meta(conn, DONE, "1")


def _pending_count(conn, mark: str) -> int:
    total = 0
    for table in TABLE_ORDER:
        last = int(_meta(conn, f"{mark}:{table}") or 0)
        rid = ROW_ID.get(table, "id")
        total += dialect.raw(conn,
            f"SELECT count(*) FROM {table} WHERE {rid} > ?", (last,)).scalar_one()
    return total


def seal_all(db, keys: FieldKeys, progress: Progress | None = None,
             mark: str = "sealing") -> None:
    """Seal every row not yet sealed under the keys' current generation, batch by batch, and
    build the customers' tokens. Needs both domain keys; resumes from each table's mark
    (`mark`:<table>; a key rotation passes a mark of its own)."""
    from app.customers.tokens import customer_tokens, replace_tokens

    assert keys.holds(NAMES) and keys.holds(IDENTITY)
    keys.active = True  # a session's own keys, read before activation, would write text
    with db.write() as conn:
        activate(conn)
        total = _pending_count(conn, mark)
        _noted(conn, db, "fields.sealing", mark=mark, rows=total)
    done = 0
    for table in TABLE_ORDER:
        rid = ROW_ID.get(table, "id")
        extra = ["erased_at"] if table == "customer" else []
        columns = list(SEALED[table]) + sorted(SEARCH_ONLY.get(table, ())) + extra
        batch = 50 if table == "artefact_content" else BATCH  # whole PDFs: small batches
        if db.is_server:
            batch = min(batch, SERVER_FIRST)
        while True:
            started = time.monotonic()
            with db.write() as conn:
                last = int(_meta(conn, f"{mark}:{table}") or 0)
                rows = dialect.raw(conn,
                    f"SELECT {rid}, {', '.join(columns)} FROM {table} WHERE {rid} > ? "
                    f"ORDER BY {rid} LIMIT {batch}", (last,)).all()
                if not rows:
                    break
                for row in rows:
                    values = dict(zip(columns, row[1:], strict=True))
                    plain = {c: _open_any(keys, table, c, row[0], v) for c, v in values.items()
                             if c in SEALED[table]}
                    update = {c: _seal_any(keys, table, c, row[0], v) for c, v in plain.items()
                              if _stale(keys, table, c, values[c])}
                    update.update({c: "" for c in SEARCH_ONLY.get(table, ())})
                    if update and table in APPEND_ONLY:
                        # The ledger refuses updates; sealing its note is the one change
                        # allowed, inside this transaction, trigger put back before commit.
                        _allow_resealing(conn, table)
                    if update:
                        sets = ", ".join(f"{c} = ?" for c in update)
                        dialect.raw(conn, f"UPDATE {table} SET {sets} WHERE {rid} = ?",
                                             (*update.values(), row[0]))
                    if table == "customer" and values["erased_at"] is not None:
                        replace_tokens(conn, row[0], set())  # an erased customer: none
                    elif table == "customer":
                        replace_tokens(conn, row[0], customer_tokens(
                            keys, name=plain["name"], id_number=plain["id_number"],
                            phone=plain["phone"], services=_services(conn, keys, row[0])))
                if table in APPEND_ONLY:
                    _refuse_resealing(conn, table)
                _set_meta(conn, f"{mark}:{table}", str(rows[-1][0]))
                _noted(conn, db, "fields.sealed", mark=mark, table=table, rows=len(rows))
            done += len(rows)
            if db.is_server:
                batch = next_batch(batch, time.monotonic() - started)
            if progress is not None:
                progress(done, total)
    with db.write() as conn:
        finish(conn)
        _noted(conn, db, "fields.sealing_done", mark=mark, rows=done)


def _noted(conn, db, action: str, **detail) -> None:
    """On the branch server each transaction that changes rows holds an audit event of
    the login's own account, or `audit verify` reports its changes (store/server_trail.py):
    the pass's steps are on record there. (The file's log stays as it was.)"""
    if dialect.is_server(conn):
        from app import audit

        signer = audit.signer_of(db)
        audit.append(conn, db, actor=signer.name if signer else "?", action=action,
                     detail=detail)


def next_batch(batch: int, took_s: float) -> int:
    """On the branch server every chunk holds the writers' lock that the counters' saves
    wait for: chunks are sized to take about CHUNK_S (at most twice the last one)."""
    wanted = int(batch * CHUNK_S / max(took_s, 0.001))
    return max(1, min(BATCH, 2 * batch, wanted))


def _allow_resealing(conn, table: str) -> None:
    # The server's trigger lets the sealed column alone change, and keeps its former
    # ciphertext (store/server_trail.py): nothing to switch there.
    if not dialect.is_server(conn):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {APPEND_ONLY[table][0]}")


def _refuse_resealing(conn, table: str) -> None:
    if not dialect.is_server(conn):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {APPEND_ONLY[table][0]}")
        conn.exec_driver_sql(APPEND_ONLY[table][1])


def _open_any(keys: FieldKeys, table: str, column: str, row_id: int, value):
    if (table, column) in BINARY:
        return keys.open_bytes(table, column, row_id, value) if is_sealed(value) \
            else bytes(value)
    return keys.open(table, column, row_id, value)


def _seal_any(keys: FieldKeys, table: str, column: str, row_id: int, value):
    if (table, column) in BINARY:
        return keys.seal_bytes(table, column, row_id, value)
    return keys.seal(table, column, row_id, value)


def _stale(keys: FieldKeys, table: str, column: str, value) -> bool:
    """Text not sealed yet, or sealed under an older generation than the current one."""
    if value is None:
        return False
    if isinstance(value, str) or not is_sealed(value):  # text (on the server: text as bytes)
        return True
    return keys.generation_of(value) != keys.current(SEALED[table][column])


def _services(conn, keys: FieldKeys, customer_id: int) -> list[tuple[str, str]]:
    rows = dialect.raw(conn, "SELECT id, service_no, kind FROM service WHERE customer_id = ?",
                                (customer_id,)).all()
    return [(keys.open("service", "service_no", r[0], r[1]), r[2]) for r in rows]
