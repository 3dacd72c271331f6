"""A branch's past work as an access log, for demo and benchmark databases.

Six months of working days (a log must be kept at least that long): staff log in in the
morning, search and open customers at the counter, open and update cases, reveal a field
now and then; the archive clerk finds and lends paper files; the manager reviews the log
and prints reports; the administrator backs up every evening. Every event is chained like a
real one (same HMAC, same masking, signed by the acting demo account's own key, which
`signers` gives) so `audit verify`, the access-log review and the
dashboards run over a log of realistic size. Nothing here is a real person: customers are
referred to by the demo's own customer numbers, queries are masked as the service masks them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app import audit, clock
from app.security.session import Session
from app.store import dialect, schema

HISTORY_DAYS = 182
BATCH = 20_000

# (action, weight, with a customer, purpose) per role; weights are per event of that actor.
COUNTER = (("customer.searched", 34, False, None), ("customer.opened", 34, True, "counter_service"),
           ("case.opened", 6, True, "counter_service"), ("case.updated", 8, True, "complaint_handling"),
           ("consent.granted", 3, True, "counter_service"), ("customer.revealed", 1, True, "counter_service"),
           ("customer.rectified", 1, True, "counter_service"), ("notice.printed", 2, True, "counter_service"))
ARCHIVE = (("file.searched", 30, False, None), ("file.viewed", 30, True, None),
           ("loan.lent", 15, True, None), ("loan.returned", 15, True, None),
           ("file.moved", 5, True, None), ("file.registered", 5, True, None))
MANAGER = (("audit.reviewed", 30, False, None), ("case.listed", 20, False, None),
           ("customer.opened", 30, True, "management_review"), ("report.printed", 10, False, None),
           ("loan.history_viewed", 10, True, None))
STAFF = (("counter", 0.74, COUNTER), ("archive", 0.14, ARCHIVE), ("manager", 0.12, MANAGER))


def _masked_query(rng: random.Random, customers: int) -> tuple[str, list[str]]:
    kind = rng.choice(("phone", "id_tail", "number", "name"))
    if kind == "phone":
        return f"1{rng.randrange(30, 99)}****{rng.randrange(10000):04d}", ["phone"]
    if kind == "id_tail":
        return f"****{rng.randrange(1000000):06d}", ["id_tail"]
    if kind == "number":
        return f"C{rng.randrange(1, customers + 1):09d}", ["customer_no"]
    return rng.choice("王李张刘陈杨黄赵吴周") + "*", ["name"]


def _detail(action: str, rng: random.Random, customers: int) -> dict:
    if action == "customer.searched":
        query, kinds = _masked_query(rng, customers)
        found = 1 if kinds == ["customer_no"] else rng.choice((0, 1, 1, 1, 1, 2, 3))
        return {"query": query, "as": kinds, "results": found}
    if action == "customer.revealed":
        return {"field": rng.choice(("phone", "id_number", "address")),
                "reason": "客户要求核对"}
    if action.startswith("case.") and action != "case.listed":
        return {"case_no": f"CS{rng.randrange(10**8):08d}"}
    if action.startswith(("loan.", "file.")):  # the details those services write
        return {"file_no": f"PF{rng.randrange(2022, 2027)}{rng.randrange(10**6):06d}"}
    if action == "report.printed":
        return {"report": rng.choice(("cases", "archive", "requests")), "format": "pdf",
                "period": f"{rng.randrange(2025, 2027)}-{rng.randrange(1, 13):02d}"}
    return {}


def fill_history(session: Session, events: int, rng: random.Random,
                 days: int = HISTORY_DAYS, customers: int = 1,
                 progress: Callable[[int, int], object] | None = None,
                 signers: dict[str, Ed25519PrivateKey] | None = None) -> int:
    """Append about `events` past events, spread over the working days of the last `days`
    days (up to an hour ago), chained after the log as it stands. Returns the count written.

    Run it before anything else is logged "now", or the log's times would go backwards.
    `signers` holds each demo account's signing key (from its slot); an actor without one
    is left out of the history rather than logged under someone else's signature.
    """
    db = session.db
    key = db.audit_key()
    own = audit.signer_of(db)
    keys = dict(signers or {})
    if own is not None:
        keys.setdefault(own.name, own.key)
    now = clock.now_utc()
    first_day = (now - timedelta(days=days)).date()
    workdays = [first_day + timedelta(days=i) for i in range(days)
                if (first_day + timedelta(days=i)).weekday() < 6]  # branches open Saturdays
    if not workdays or events <= 0:
        return 0
    per_day = max(1, events // len(workdays))
    written = 0
    with db.write() as conn:
        last = conn.execute(select(audit.ev.c.seq, audit.ev.c.hash)
                            .order_by(audit.ev.c.seq.desc()).limit(1)).first()
        seq, prev = (last.seq, last.hash) if last else (0, audit.GENESIS)
        signed = audit.signed_from(conn) is not None
        rows: list[dict] = []

        def add(at: datetime, actor: str, action: str, customer_ref: str | None = None,
                purpose: str | None = None, detail: dict | None = None) -> None:
            nonlocal seq, prev, written
            if at >= now - timedelta(hours=1) or (signed and actor not in keys):
                return
            seq += 1
            stamp = clock.stamp(at)
            text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            signer = signature = None
            if signed:
                signer = actor
                body = audit.canonical_signed(seq, stamp, actor, action, "ok", customer_ref,
                                              purpose, text, signer)
                signature = keys[actor].sign(audit.to_sign(prev, body)).hex()
                digest = audit.link_signed(key, prev, body, signature)
            else:
                digest = audit.link(key, prev, audit._canonical(
                    seq, stamp, actor, action, "ok", customer_ref, purpose, text))
            rows.append({"seq": seq, "at": stamp, "actor": actor, "action": action,
                         "outcome": "ok", "customer_ref": customer_ref, "purpose": purpose,
                         "detail": text, "prev_hash": prev, "hash": digest,
                         "signer": signer, "signature": signature})
            prev = digest
            written += 1
            if len(rows) >= BATCH:
                conn.execute(audit.ev.insert(), rows)
                rows.clear()
                if progress is not None:
                    progress(written, events)

        for day in workdays:
            # 08:30 local opening (China, +08:00), nine hours of work; sorted, as logged.
            opening = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)
            closing = opening + timedelta(hours=9, minutes=5)
            today: list[tuple] = []
            for actor in ("counter", "archive", "manager", "admin"):
                today.append((opening + timedelta(minutes=rng.randrange(0, 25),
                                                  seconds=rng.randrange(60)), actor, "login"))
                today.append((closing + timedelta(minutes=rng.randrange(0, 20)), actor,
                              "logout"))
            for _i in range(per_day):
                at = opening + timedelta(seconds=rng.randrange(30 * 60, 9 * 3600),
                                         microseconds=rng.randrange(10**6))
                actor, _share, actions = rng.choices(STAFF, weights=[s[1] for s in STAFF])[0]
                action, _w, with_customer, purpose = rng.choices(
                    actions, weights=[a[1] for a in actions])[0]
                ref = f"C{rng.randrange(1, customers + 1):09d}" if with_customer else None
                today.append((at, actor, action, ref, purpose, _detail(action, rng, customers)))
            today.append((closing + timedelta(minutes=30), "admin", "backup.created", None, None,
                          {"file": f"branch-{day:%Y%m%d}T0935Z.custos-backup"}))
            if day.weekday() == 5:
                today.append((closing + timedelta(minutes=45), "admin", "backup.verified",
                              None, None, {"result": "ok"}))
            for event in sorted(today, key=lambda e: e[0]):
                add(*event)
        if rows:
            conn.execute(audit.ev.insert(), rows)
        conn.execute(dialect.insert(conn, schema.meta).values(key="audit_head", value=f"{seq}:{prev}")
                     .on_conflict_do_update(index_elements=["key"],
                                            set_={"value": f"{seq}:{prev}"}))
    if progress is not None:
        progress(written, events)
    return written
