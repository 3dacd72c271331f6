"""Checking the audit log: every link, every signature, and who may register whose key.

The chain is walked in order (it must be: each event's link needs the previous hash, and
the signing keys in force change as `signing_key.registered` / `.revoked` events go by);
the Ed25519 signatures, the costly part, are checked a batch at a time in a few threads.
The first event that fails, by either check, is named.

Who may put a key on record (rules kept here, in one place):
- the first registration of the log, signed by the key it registers (the creating
  administrator at `database.created`);
- an account registered as an administrator, for any account (new account, password
  reset, re-enabled, recovery) — and only it may grant or revoke;
- an account itself, for its own new key, never raising its own rights;
- in a database migrated from before signing (`audit_signed_from` > 1), an account that has
  no key yet may register its first one itself ("trust on first login"). An insider could
  pre-register a key for an account that has not logged in since; that account's own first
  login then fails verification, so the attempt is seen.
Events signed by an account may only name that account as actor, except the notes in
`audit.NOTED` and the recovery slot's events.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from app import audit, clock
from app.store import schema
from app.store.database import Database
from app.store.keyring import RECOVERY_SIGNER

ev = schema.audit_event


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    count: int
    head: str
    first_broken: int | None = None
    reason: str = ""
    notice: str = ""  # one sentence for a person (a rollback), when there is one
    # Changes the branch server recorded as made outside Custos (no audit event in
    # their transaction): one line each, "<time> <login>: <kind> <table> (<rows> rows)"
    # (store/server_trail.py).
    outside: tuple[str, ...] = ()


@dataclass
class _Key:
    public: Ed25519PublicKey
    admin: bool


def _public(hex_key: str) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))
    except (ValueError, TypeError):
        return None


def base_keys(conn) -> dict[str, _Key]:
    """The keys in force at the retention base (the registrations themselves expired)."""
    raw = conn.execute(select(schema.meta.c.value)
                       .where(schema.meta.c.key == "audit_base_keys")).scalar()
    keys: dict[str, _Key] = {}
    for name, entry in (json.loads(raw) if raw else {}).items():
        public = _public(entry.get("key", ""))
        if public is not None:
            keys[name] = _Key(public, bool(entry.get("admin")))
    return keys


def keys_snapshot(conn, upto: int) -> str:
    """The keys in force after event `upto`, as JSON, for the retention base (retention
    deletes the registrations with the events they sit among)."""
    keys = {name: {"key": k.public.public_bytes_raw().hex(), "admin": k.admin}
            for name, k in base_keys(conn).items()}
    rows = conn.execute(select(ev.c.signer, ev.c.action, ev.c.detail)
                        .where(ev.c.action.in_((audit.REGISTERED, audit.REVOKED)),
                               ev.c.seq <= upto).order_by(ev.c.seq)).all()
    for row in rows:
        detail = json.loads(row.detail)
        name = str(detail.get("user", "")).casefold()
        if row.action == audit.REVOKED:
            keys.pop(name, None)
        else:
            keys[name] = {"key": detail.get("key", ""), "admin": bool(detail.get("admin"))}
    return json.dumps(keys, sort_keys=True)


def _check(items: list[tuple[int, Ed25519PublicKey, bytes, bytes]]) -> int | None:
    """The first sequence number whose signature does not verify, if any."""
    for seq, public, signature, message in items:
        try:
            public.verify(signature, message)
        except InvalidSignature:
            return seq
    return None


class _Signatures:
    """Signatures gathered in order and checked in parallel chunks."""

    def __init__(self) -> None:
        self.items: list[tuple[int, Ed25519PublicKey, bytes, bytes]] = []
        workers = min(4, os.cpu_count() or 1)
        self.pool = ThreadPoolExecutor(workers) if workers > 1 else None
        self.workers = workers

    def first_bad(self) -> int | None:
        items, self.items = self.items, []
        if not items:
            return None
        if self.pool is None:
            return _check(items)
        size = -(-len(items) // self.workers)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        bad = [b for b in self.pool.map(_check, chunks) if b is not None]
        return min(bad) if bad else None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _authorise(row, signer: _Key | None, signer_name: str, keys: dict[str, _Key],
               may_self_register: bool) -> tuple[str, _Key | None]:
    """For a registration or revocation: (failure reason or "", the signing key to use)."""
    try:
        detail = json.loads(row.detail)
        user = str(detail["user"]).casefold()
    except (ValueError, KeyError, TypeError):
        return "unauthorised", signer
    if row.action == audit.REVOKED:
        if signer is None or not signer.admin:
            return "unauthorised", signer
        keys.pop(user, None)
        return "", signer
    public = _public(str(detail.get("key", "")))
    if public is None:
        return "unauthorised", signer
    admin = bool(detail.get("admin"))
    if signer is None:
        # Only a first key, signed by itself: the log's first, or trust on first login.
        if user != signer_name or user in keys or not (may_self_register or not keys):
            return "unknown signer", None
        keys[user] = _Key(public, admin)
        return "", keys[user]
    if not signer.admin and (user != signer_name or admin):
        return "unauthorised", signer
    keys[user] = _Key(public, admin)
    return "", signer


def verify(db: Database, progress: Callable[[int, int], bool | None] | None = None,
           batch: int = 5000) -> ChainReport:
    """Recompute every link and check every signature. `progress(done, total)` may return
    False to stop early."""
    key = db.audit_key()
    signatures = _Signatures()
    try:
        with db.read() as conn:
            report = _walk(conn, key, signatures, progress, batch)
            if getattr(db, "is_server", False):
                report = _with_outside(conn, report)
            return report
    finally:
        signatures.close()


def _with_outside(conn, report: ChainReport) -> ChainReport:
    """On the branch server: the changes the server itself recorded in transactions that
    hold no audit event (store/server_trail.py). The chain may be whole and still not
    tell everything: then it is not intact."""
    from dataclasses import replace

    from app.store.server_trail import outside_sql

    rows = conn.exec_driver_sql(outside_sql()).all()
    if not rows:
        return report
    lines = tuple(f"{clock.stamp(r[0])} {r[1]}: {r[2]} {r[3]} "
                  f"({'all' if r[4] < 0 else r[4]} rows)" for r in rows)
    if report.intact:
        return replace(report, intact=False, first_broken=None,
                       reason="changed outside Custos", outside=lines)
    return replace(report, outside=lines)


def _walk(conn, key: bytes, signatures: _Signatures,
          progress: Callable[[int, int], bool | None] | None, batch: int) -> ChainReport:
    total = conn.execute(select(func.count()).select_from(ev)).scalar() or 0
    prev, expected_seq, done, last_seq = audit.GENESIS, 1, 0, 0
    base = conn.execute(select(schema.meta.c.value)
                        .where(schema.meta.c.key == "audit_base")).scalar()
    if base:
        # Events before the base expired under the retention rule; the chain is
        # anchored at the last expired event's hash.
        base_seq, base_hash = base.split(":", 1)
        prev, expected_seq, last_seq = base_hash, int(base_seq) + 1, int(base_seq)
    # A row below the start (seq 0 or less, or under an expiry base) is outside the chain
    # walked from here on: slipped in by someone, never written by Custos.
    stray = conn.execute(select(func.min(ev.c.seq)).where(ev.c.seq <= last_seq)).scalar()
    if stray is not None:
        return ChainReport(False, 0, prev, stray, "altered")
    mark = audit.signed_from(conn)
    may_self_register = mark is not None and mark > 1
    keys = base_keys(conn)
    # Reports for the events checked so far, kept until their signatures are known good.
    checkpoints: dict[int, tuple[int, str]] = {}

    def settle() -> ChainReport | None:
        bad = signatures.first_bad()
        if bad is None:
            checkpoints.clear()
            return None
        count, before = checkpoints[bad]
        return ChainReport(False, count, before, bad, "signature")

    while True:
        rows = conn.execute(select(ev).where(ev.c.seq > last_seq)
                            .order_by(ev.c.seq).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            failure = ""
            if row.seq != expected_seq:
                failure = "missing" if row.seq > expected_seq else "order"
            elif mark is None or row.seq < mark:
                body = audit._canonical(row.seq, row.at, row.actor, row.action, row.outcome,
                                        row.customer_ref, row.purpose, row.detail)
                if row.prev_hash != prev or not hmac.compare_digest(
                        row.hash, audit.link(key, prev, body)):
                    failure = "altered"
                elif row.signer is not None:
                    failure = "altered"  # a signer on an event from before signing
            else:
                failure = _signed_row(row, prev, key, keys, may_self_register, signatures,
                                      checkpoints, done)
            if failure:
                return settle() or ChainReport(False, done, prev, expected_seq
                                               if failure in ("missing", "order") else row.seq,
                                               failure)
            prev, expected_seq, done, last_seq = row.hash, row.seq + 1, done + 1, row.seq
        broken = settle()
        if broken is not None:
            return broken
        if progress is not None and progress(done, total) is False:
            return ChainReport(False, done, prev, None, "cancelled")
    head_seq, head_hash = audit.head(conn)
    if conn.execute(select(schema.meta.c.value)
                    .where(schema.meta.c.key == "audit_head")).scalar() is not None:
        if head_seq != last_seq or head_hash != prev:
            # The chain itself is sound but shorter or other than the recorded head:
            # events were cut from the end.
            return ChainReport(False, done, prev, last_seq + 1, "missing")
    return ChainReport(True, done, prev)


def _signed_row(row, prev: str, key: bytes, keys: dict[str, _Key], may_self_register: bool,
                signatures: _Signatures, checkpoints: dict[int, tuple[int, str]],
                done: int) -> str:
    """Check one event from the signed era; its signature joins the batch. Returns the
    failure reason, or ""."""
    body = audit.canonical_signed(row.seq, row.at, row.actor, row.action, row.outcome,
                                  row.customer_ref, row.purpose, row.detail, row.signer)
    if row.prev_hash != prev or not hmac.compare_digest(
            row.hash, audit.link_signed(key, prev, body, row.signature or "")):
        return "altered"
    if not row.signer or not row.signature:
        return "unsigned"
    name = row.signer.casefold()
    signer = keys.get(name)
    if row.action in (audit.REGISTERED, audit.REVOKED):
        reason, signer = _authorise(row, signer, name, keys, may_self_register)
        if reason:
            return reason
    if signer is None:
        return "unknown signer"
    if (row.actor.casefold() != name and row.action not in audit.NOTED
            and name != RECOVERY_SIGNER):
        return "signer"
    try:
        signature = bytes.fromhex(row.signature)
    except ValueError:
        return "signature"
    checkpoints[row.seq] = (done, prev)
    signatures.items.append((row.seq, signer.public, signature, audit.to_sign(prev, body)))
    return ""
