"""The benchmark's plain twin as the previous design had it: customer fields as text and
searched through plaintext indexes, no search tokens.

`make bench` compares the sealed, encrypted database with this twin: the ratio is the whole
cost of issue 13 (SQLCipher plus field sealing and blind-index search) against the figures
before it, whose goal is 1.5x at most.
"""

from __future__ import annotations

from pathlib import Path

from app.customers.pinyin import pinyin_of
from app.store.database import keyed_connection
from app.store.fields import ROW_ID, SEALED, SEARCH_ONLY, FieldKeys
from app.store.sealing import APPEND_ONLY

BATCH = 5000
# The plaintext indexes of migrations 1 and 11, which the sealing pass drops.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS customer_by_id_number ON customer (id_number)",
    "CREATE INDEX IF NOT EXISTS customer_by_id_rev ON customer (id_rev)",
    "CREATE INDEX IF NOT EXISTS customer_by_phone ON customer (phone)",
    "CREATE INDEX IF NOT EXISTS customer_by_name ON customer (name)",
    "CREATE INDEX IF NOT EXISTS customer_by_pinyin ON customer (name_pinyin)",
    "CREATE INDEX IF NOT EXISTS customer_by_initials ON customer (name_initials)",
    "CREATE INDEX IF NOT EXISTS service_by_no ON service (service_no)",
    "CREATE INDEX IF NOT EXISTS customer_by_phone_tail ON customer (substr(phone, -4))",
    "CREATE INDEX IF NOT EXISTS service_by_number_tail ON service (substr(service_no, -4))",
)


def _search_only(values: dict) -> dict:
    """What the previous design kept to search by: initials and the reversed ID number."""
    name, number = values.get("name"), values.get("id_number")
    return {"name_initials": pinyin_of(name)[1] if name else None,
            "id_rev": number[::-1] if number else None}


def unseal_twin(plain: Path, keys: FieldKeys) -> None:
    """Open every sealed value of the plain twin in place (with both domain keys), rebuild
    the search-only columns and the plaintext indexes, drop the tokens and the marks."""
    conn = keyed_connection(plain, None)
    try:
        for table, sealed in SEALED.items():
            if table in ROW_ID or table == "audit_detail" or table in APPEND_ONLY:
                continue  # no held copies in the bench; no table; notes written as text
            columns = list(sealed)
            extra = sorted(SEARCH_ONLY.get(table, ()))
            sets = ", ".join(f"{c} = ?" for c in columns + extra)
            last = 0
            while True:
                rows = conn.execute(f"SELECT id, {', '.join(columns)} FROM {table} "
                                    f"WHERE id > ? ORDER BY id LIMIT {BATCH}",
                                    (last,)).fetchall()
                if not rows:
                    break
                updates = []
                for row in rows:
                    values = {c: keys.open(table, c, row[0], v)
                              for c, v in zip(columns, row[1:], strict=True)}
                    if extra:
                        values.update(_search_only(values))
                    updates.append([values[c] for c in columns + extra] + [row[0]])
                conn.execute("BEGIN")
                conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", updates)
                conn.execute("COMMIT")
                last = rows[-1][0]
        conn.execute("BEGIN")
        conn.execute("DELETE FROM customer_token")
        conn.execute("DELETE FROM meta WHERE key = 'fields_sealed' OR key = "
                     "'fields_sealing_done' OR key LIKE 'sealing:%'")
        for ddl in INDEXES:
            conn.execute(ddl)
        conn.execute("COMMIT")
    finally:
        conn.close()
