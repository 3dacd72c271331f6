"""Each account's audit signing key: given to its slot, put on record, used by its session.

A slot made for an account (new account, reset, re-enabled, recovery) holds a new Ed25519
key; whoever made the slot registers its public half in the log, signed with their own
key (`audit.register_key`). An account's own password change keeps its key. A slot written
before audit signing gains a key at the account's first login, registered by the account
itself (see `app/audit_verify.py` for who may register what).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app import audit
from app.security.roles import Role
from app.store import keychecks, schema, sealing
from app.store.database import Database
from app.store.fields import FieldKeys
from app.store.keyring import RECOVERY_SIGNER, KeyRing, Opened


def is_admin(conn: Connection, username: str) -> bool:
    return conn.execute(
        select(func.count()).select_from(schema.user.join(schema.user_role))
        .where(func.lower(schema.user.c.username) == username.strip().lower(),
               schema.user_role.c.role == Role.ADMIN.value)).scalar_one() > 0


def start(db: Database, username: str | None, opened: Opened,
          ring_path: Path | None = None) -> None:
    """The session's signer: the slot's own key, or (a slot from before signing) a new one
    sealed into the slot and registered by the account itself. `username` None: the
    recovery slot."""
    name = username if username is not None else RECOVERY_SIGNER
    db.fields.wipe()
    with db.read() as conn:
        good, refused = keychecks.trusted(conn, db.db_id, opened.domain_keys)
    # What this account may read, nothing more; and a database whose keys it holds seals,
    # whatever a flag in it says (a flag anyone with the files can turn off).
    db.fields = FieldKeys(good, active=sealing.is_active(db) or bool(good))
    if opened.signing is not None:
        audit.set_signer(db, name, opened.signing)
    else:
        _new_signing_key(db, username, name, ring_path)
    if refused:  # planted in the slot by someone who does not hold the real key
        audit.record(db, actor=name, action="fields.key_refused", outcome="refused",
                     detail={"keys": [f"{k.domain} {k.generation}" for k in refused]})


def _new_signing_key(db: Database, username: str | None, name: str,
                     ring_path: Path | None) -> None:
    key = Ed25519PrivateKey.generate()
    with db.write() as conn:  # the write lock also serialises edits of the ring
        ring = (KeyRing.load(ring_path) if ring_path else db.load_ring(conn)) \
            .with_signing(username, key)
        audit.set_signer(db, name, key)
        admin = username is None or is_admin(conn, username)
        audit.register_key(conn, db, actor=name, user=name, key_hex=audit.public_hex(key),
                           admin=admin)
        if ring_path:
            ring.save(ring_path)
        else:
            db.save_ring(ring, conn)


def register_slot(conn: Connection, db: Database, actor: str, ring: KeyRing,
                  username: str | None, admin: bool) -> None:
    """Put the new slot's public signing key on record, signed by `actor` (its maker)."""
    name = username if username is not None else RECOVERY_SIGNER
    audit.register_key(conn, db, actor=actor, user=name,
                       key_hex=ring.verify_key(username).hex(), admin=admin)
