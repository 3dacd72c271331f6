"""The access and change log: append-only, every event chained by HMAC-SHA256 to the one before
and signed (Ed25519) by the account that wrote it.

`append` is called inside the service's own write transaction, so an action and its event
commit together or not at all. Triggers refuse UPDATE and DELETE; `verify` recomputes the
chain and names the first event whose link is broken. Values written here are already
masked by the caller: personal data never enters the log in plain text. Free text (a purpose,
a reason, a note) is the caller's only in part: any ID or phone number typed into it is
masked here, for every event, before it is chained.

Why signatures: the chain's HMAC key lies in the database, so anyone who opens the file can
re-link a chain. The signature covers the link (the previous hash and the event, signer
included) and the link covers the signature, so an event can only be removed, changed or
moved by re-signing every later event, and later events by other accounts cannot be re-signed
without their keys. Each account's private key lies only in its key-ring slot (opened at
login); the public keys are registered in the log itself by `signing_key.registered` events,
each signed by an administrator (or by the account's own previous key, or, for the very first
one, by itself) — see `app/audit_verify.py`. Events from before migration 10 (seq below the
`audit_signed_from` mark) are chain-only.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app import audit_actions, clock
from app.store import dialect, schema
from app.store.database import Database

GENESIS = "0" * 64
ev = schema.audit_event


def _canonical(seq: int, at: str, actor: str, action: str, outcome: str,
               customer_ref: str | None, purpose: str | None, detail: str) -> bytes:
    return json.dumps([seq, at, actor, action, outcome, customer_ref, purpose, detail],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(key: bytes, prev_hash: str, body: bytes) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + body, hashlib.sha256).hexdigest()


# --- signed events (migration 10 on) ------------------------------------------------------
REGISTERED = "signing_key.registered"  # detail {"user", "key" (hex), "admin"}
REVOKED = "signing_key.revoked"        # detail {"user"}
# Noted by whoever logs in next: the failure happened while no one was logged in, so the
# event's signer (the next account) is not its actor. Its signature vouches that it wrote
# the note, not that it made the attempt.
NOTED = frozenset({"login.failed"})


def canonical_signed(seq: int, at: str, actor: str, action: str, outcome: str,
                     customer_ref: str | None, purpose: str | None, detail: str,
                     signer: str | None) -> bytes:
    return json.dumps([seq, at, actor, action, outcome, customer_ref, purpose, detail, signer],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_sign(prev_hash: str, body: bytes) -> bytes:
    """What the signature covers: the link to the previous event and the whole event."""
    return b"custos-audit-v2\x00" + prev_hash.encode("ascii") + b"\x00" + body


def link_signed(key: bytes, prev_hash: str, body: bytes, signature: str) -> str:
    """The chain covers the signature too: a re-signed event is a different link."""
    return hmac.new(key, prev_hash.encode("ascii") + body + b"\x00" + signature.encode("ascii"),
                    hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Signer:
    name: str  # the account (or keyring.RECOVERY_SIGNER)
    key: Ed25519PrivateKey


# The signer of an open database: set at login from the account's own slot, never stored.
_signers: weakref.WeakKeyDictionary[Database, Signer] = weakref.WeakKeyDictionary()


def set_signer(db: Database, name: str, key: Ed25519PrivateKey) -> None:
    _signers[db] = Signer(name, key)


def signer_of(db: Database) -> Signer | None:
    return _signers.get(db)


def drop_signer(db: Database) -> None:
    """On lock: the signing key goes with the database key (unlock opens the slot again)."""
    _signers.pop(db, None)


def public_hex(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw).hex()


def signed_from(conn: Connection) -> int | None:
    """The first sequence number that must be signed (None: a database before migration 10)."""
    value = conn.execute(select(schema.meta.c.value)
                         .where(schema.meta.c.key == "audit_signed_from")).scalar()
    return int(value) if value is not None else None


def head(conn: Connection) -> tuple[int, str]:
    value = conn.execute(select(schema.meta.c.value)
                         .where(schema.meta.c.key == "audit_head")).scalar()
    if not value:
        return 0, GENESIS
    seq, _sep, digest = value.partition(":")
    return int(seq), digest


# The chain's end in one statement: the signing mark, the anchor of an emptied log, and
# the last event's number and link (scalar subqueries: the same on both stores).
_END = ("SELECT (SELECT value FROM meta WHERE key = 'audit_signed_from'), "
        "(SELECT value FROM meta WHERE key = 'audit_base'), "
        "(SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1), "
        "(SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1)")


def _chain_end(conn: Connection, db: Database) -> tuple[int | None, int, str]:
    """(signed-from mark, next sequence number, previous link), read in line behind the
    other writers (db.in_line: a log-only transaction on the server takes the lock here)."""
    mark, base, last_seq, last_hash = db.in_line(conn, _END)
    if last_seq is not None:
        seq, prev = last_seq + 1, last_hash
    elif base:  # a log whose every event expired: continue from the anchor
        seq, prev = int(base.split(":")[0]) + 1, base.split(":", 1)[1]
    else:
        seq, prev = 1, GENESIS
    return (int(mark) if mark is not None else None), seq, prev


def append(conn: Connection, db: Database, *, actor: str, action: str, outcome: str = "ok",
           customer_ref: str | None = None, purpose: str | None = None,
           detail: dict | None = None, at: str | None = None) -> int:
    """Add one event in the caller's write transaction; returns its sequence number.

    What does not depend on the previous link is made first; then the transaction stands
    in line behind the other writers (a log-only transaction on the server takes the
    writers' lock only here) and links, signs and writes the event."""
    audit_actions.check(action)
    from app.customers.freetext import mask_numbers_deep, mask_numbers_in

    purpose = mask_numbers_in(purpose) if purpose else purpose
    detail = mask_numbers_deep(detail) if detail else detail
    detail_text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":"))
    mark, seq, prev = _chain_end(conn, db)
    at = at or clock.stamp()
    signer, signature = signer_of(db), None
    if mark is not None and seq >= mark:
        # Written without a signer only by code that opened the database without a login;
        # `verify` names such an event ("unsigned").
        name = signer.name if signer is not None else None
        body = canonical_signed(seq, at, actor, action, outcome, customer_ref, purpose,
                                detail_text, name)
        signature = signer.key.sign(to_sign(prev, body)).hex() if signer is not None else None
        digest = link_signed(db.audit_key(), prev, body, signature or "")
    else:
        signer = None
        digest = link(db.audit_key(), prev, _canonical(seq, at, actor, action, outcome,
                                                       customer_ref, purpose, detail_text))
    with db.pipelined(conn):  # the event and the head go out together (on the server)
        conn.execute(ev.insert().values(
            seq=seq, at=at, actor=actor, action=action, outcome=outcome,
            customer_ref=customer_ref, purpose=purpose, detail=detail_text, prev_hash=prev,
            hash=digest, signer=signer.name if signer is not None else None,
            signature=signature))
        # The head, kept apart from the chain, reveals events cut from the end.
        conn.execute(dialect.insert(conn, schema.meta)
                     .values(key="audit_head", value=f"{seq}:{digest}")
                     .on_conflict_do_update(index_elements=["key"],
                                            set_={"value": f"{seq}:{digest}"}))
    # The alert rules watching this action look at it as it is written, in its transaction.
    audit_actions.notify(conn, audit_actions.Event(seq, at, actor, action, purpose,
                                                   customer_ref, detail or {}))
    return seq


@contextlib.contextmanager
def registered_read(db: Database) -> Iterator[tuple[Connection, Callable[..., None]]]:
    """Reads and the events that register them (`log(**event)`, as for `append`), in as few
    round trips as the store allows: on the server one log-only transaction whose events
    are appended at its end, so the writers' lock is held for them alone; on the file a
    read, then the events in a write of their own. Either way the block's result leaves
    only once its events are committed, and a block that fails registers nothing."""
    events: list[dict] = []

    def log(**event) -> None:
        events.append(event)

    if db.is_server:
        with db.write(log_only=True) as conn:
            yield conn, log
            for event in events:
                append(conn, db, **event)
        return
    with db.read() as conn:
        yield conn, log
    if events:
        with db.write() as conn:
            for event in events:
                append(conn, db, **event)


def record(db: Database, **event) -> int:
    """One event in a transaction of its own (logins, denials: nothing else to commit)."""
    with db.write(log_only=True) as conn:
        return append(conn, db, **event)


def register_key(conn: Connection, db: Database, *, actor: str, user: str, key_hex: str,
                 admin: bool) -> int:
    """Put an account's public signing key on record (signed by `actor`'s own key)."""
    return append(conn, db, actor=actor, action=REGISTERED,
                  detail={"user": user, "key": key_hex, "admin": bool(admin)})


# `verify` and its report live in app/audit_verify.py; re-exported for existing callers.
from app.audit_verify import ChainReport, verify  # noqa: E402

__all__ = ["ChainReport", "append", "record", "register_key", "verify"]
