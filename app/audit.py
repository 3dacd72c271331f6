"""The access and change log: append-only, every event chained by HMAC-SHA256 to the one before.

`append` is called inside the service's own write transaction, so an action and its event
commit together or not at all. Triggers refuse UPDATE and DELETE; `verify` recomputes the
chain and names the first event whose link is broken. Values written here are already
masked by the caller: personal data never enters the log in plain text. Free text (a purpose,
a reason, a note) is the caller's only in part: any ID or phone number typed into it is
masked here, for every event, before it is chained.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_upsert
from sqlalchemy.engine import Connection

from app import clock
from app.store import schema
from app.store.database import Database

GENESIS = "0" * 64
ev = schema.audit_event


def _canonical(seq: int, at: str, actor: str, action: str, outcome: str,
               customer_ref: str | None, purpose: str | None, detail: str) -> bytes:
    return json.dumps([seq, at, actor, action, outcome, customer_ref, purpose, detail],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(key: bytes, prev_hash: str, body: bytes) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + body, hashlib.sha256).hexdigest()


def append(conn: Connection, db: Database, *, actor: str, action: str, outcome: str = "ok",
           customer_ref: str | None = None, purpose: str | None = None,
           detail: dict | None = None, at: str | None = None) -> int:
    """Add one event in the caller's (IMMEDIATE) transaction; returns its sequence number."""
    last = conn.execute(select(ev.c.seq, ev.c.hash).order_by(ev.c.seq.desc()).limit(1)).first()
    if last:
        seq, prev = last.seq + 1, last.hash
    else:  # a new log, or one whose every event expired: continue from the anchor
        base = conn.execute(select(schema.meta.c.value)
                            .where(schema.meta.c.key == "audit_base")).scalar()
        seq, prev = (int(base.split(":")[0]) + 1, base.split(":", 1)[1]) if base else (1, GENESIS)
    at = at or clock.stamp()
    from app.customers.freetext import mask_numbers_deep, mask_numbers_in

    purpose = mask_numbers_in(purpose) if purpose else purpose
    detail = mask_numbers_deep(detail) if detail else detail
    detail_text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":"))
    digest = link(db.audit_key(), prev,
                  _canonical(seq, at, actor, action, outcome, customer_ref, purpose, detail_text))
    conn.execute(ev.insert().values(seq=seq, at=at, actor=actor, action=action, outcome=outcome,
                                    customer_ref=customer_ref, purpose=purpose,
                                    detail=detail_text, prev_hash=prev, hash=digest))
    # Anomaly rules look at each event as it is written, in the same transaction.
    from app.oversight.alerts import evaluate

    evaluate(conn, seq, at, actor, action, purpose, customer_ref, detail or {})
    # The head, kept apart from the chain, reveals events cut from the end.
    conn.execute(sqlite_upsert(schema.meta).values(key="audit_head", value=f"{seq}:{digest}")
                 .on_conflict_do_update(index_elements=["key"],
                                        set_={"value": f"{seq}:{digest}"}))
    return seq


def record(db: Database, **event) -> int:
    """One event in a transaction of its own (logins, denials: nothing else to commit)."""
    with db.write() as conn:
        return append(conn, db, **event)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    count: int
    head: str
    first_broken: int | None = None
    reason: str = ""


def verify(db: Database, progress: Callable[[int, int], bool | None] | None = None,
           batch: int = 5000) -> ChainReport:
    """Recompute every link. `progress(done, total)` may return False to stop early."""
    key = db.audit_key()
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(ev)).scalar() or 0
        prev, expected_seq, done, last_seq = GENESIS, 1, 0, 0
        base = conn.execute(select(schema.meta.c.value)
                            .where(schema.meta.c.key == "audit_base")).scalar()
        if base:
            # Events before the base expired under the retention rule; the chain is
            # anchored at the last expired event's hash.
            base_seq, base_hash = base.split(":", 1)
            prev, expected_seq, last_seq = base_hash, int(base_seq) + 1, int(base_seq)
        while True:
            rows = conn.execute(select(ev).where(ev.c.seq > last_seq)
                                .order_by(ev.c.seq).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                if row.seq != expected_seq:
                    return ChainReport(False, done, prev, expected_seq,
                                       "missing" if row.seq > expected_seq else "order")
                body = _canonical(row.seq, row.at, row.actor, row.action, row.outcome,
                                  row.customer_ref, row.purpose, row.detail)
                if row.prev_hash != prev or not hmac.compare_digest(
                        row.hash, link(key, prev, body)):
                    return ChainReport(False, done, prev, row.seq, "altered")
                prev, expected_seq, done, last_seq = row.hash, row.seq + 1, done + 1, row.seq
            if progress is not None and progress(done, total) is False:
                return ChainReport(False, done, prev, None, "cancelled")
        head = conn.execute(select(schema.meta.c.value)
                            .where(schema.meta.c.key == "audit_head")).scalar()
    if head is not None:
        head_seq, head_hash = head.split(":", 1)
        if int(head_seq) != last_seq or head_hash != prev:
            # The chain itself is sound but shorter or other than the recorded head:
            # events were cut from the end.
            return ChainReport(False, done, prev, last_seq + 1, "missing")
    return ChainReport(True, done, prev)
