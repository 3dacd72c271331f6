"""Key management: rotating the database key, replacing the recovery code.

Rotation is ordered so that an interruption at any point leaves a database that opens with
the old or the new key ring, never neither: (1) the new ring is written beside the old one
as `<db>.keys.next`, every slot re-sealed to the new key (no passwords needed); (2) the
database is re-encrypted in one transaction (`PRAGMA rekey`); (3) the new ring replaces
the old; (4) the database is reopened with the new key to confirm. A login that finds a
`.keys.next` finishes or discards the interrupted rotation (accounts.login).

On the branch server the ring is rows in the database (store/server_ring.py): a rotation
writes them in the same transaction as its audit event, under an advisory lock instead of
the lock file, and the recovery code's login follows a replaced code.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from app import audit
from app.errors import StoreError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import schema
from app.store.atomic import fsync_dir
from app.store.database import Database, _connect, keyring_path, open_with_key
from app.store.fields import DOMAINS, DomainKey
from app.store.keyring import KeyRing, new_recovery_code


def next_ring_path(db_path: Path) -> Path:
    return Path(f"{keyring_path(db_path)}.next")


@contextlib.contextmanager
def rotation_lock(db_path: Path) -> Iterator[None]:
    """Held by a rotation from its first step to its last, and by a login that finds a next
    ring: such a login waits for a rotation under way in another process instead of taking
    its next ring for the leftover of a crash (and deleting it, or putting it in place early).
    The operating system drops the lock when its process ends, crash or not."""
    fd = os.open(f"{keyring_path(db_path)}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s, then OSError
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def rekey_database(db: Database, ring: KeyRing, crash_at: str | None = None) -> bytes:
    """The mechanism (no permission check): returns the new key. `crash_at` is for tests."""
    new_key = secrets.token_bytes(32)
    with rotation_lock(db.path):
        ring.resealed(new_key).save(next_ring_path(db.path))
        if crash_at == "after_next_ring":
            raise SystemExit("simulated crash")
        db.engine.dispose()
        conn = _connect(db.path, db.key)
        try:
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        if crash_at == "after_rekey":
            raise SystemExit("simulated crash")
        os.replace(next_ring_path(db.path), keyring_path(db.path))
        fsync_dir(db.path.parent)
    return new_key


@requires(Permission.KEYS_MANAGE)
def rotate_key(session: Session) -> None:
    """Re-encrypt under a new key: every old copy of the key ring becomes useless.

    On the branch server the database key encrypts no storage (PostgreSQL's files are the
    server's; the records in them are sealed under the customer-data keys): there it is
    what every slot holds and every new slot is made with, so rotating gives every slot a
    new one, in one transaction, and an old copy of a slot opens only the old one."""
    db = session.db
    if db.is_server:
        _reseal_on_server(session)
        return
    ring = KeyRing.load(keyring_path(db.path))
    try:
        new_key = rekey_database(db, ring)
    except OSError as error:
        raise StoreError(_("The key could not be rotated: {problem}. The database still opens "
                           "with the key ring it had.").format(
            problem=error.strerror or type(error).__name__)) from None
    db.close()
    fresh = open_with_key(db.path, new_key, db.db_id)  # (4) confirm by reopening
    fresh.close()
    db.replace_key(new_key)
    audit.record(db, actor=session.username, action="keys.rotated",
                 detail={"slots": len([s for s in ring.slots if s.kind != "disabled"])})


def _reseal_on_server(session: Session) -> None:
    db = session.db
    new_key = secrets.token_bytes(32)
    with db.rotation_lock(), db.write() as conn:
        ring = db.load_ring(conn)
        db.save_ring(ring.resealed(new_key), conn)
        audit.append(conn, db, actor=session.username, action="keys.rotated",
                     detail={"slots": len([s for s in ring.slots if s.kind != "disabled"])})
    db.replace_key(new_key)


@requires(Permission.KEYS_MANAGE)
def replace_recovery_code(session: Session, current_code: str | None = None) -> str:
    """A new recovery code, shown once; the old one stops working at once.

    With the current code, the new one holds the customer-data keys the old one held. Without
    it (the code was lost) the new one holds the database key only: the administrator sees
    the new code, so nobody may give it the customer-data keys afterwards; they stay with the
    counter staff and managers, and data-key rotation needs a code that holds them."""
    from app.store import keychecks

    db = session.db
    carried: list = []
    signing = None
    if current_code is not None:
        opened = db.load_ring().open_recovery(current_code)  # LoginFailed: no change
        with db.read() as conn:
            carried = keychecks.trusted(conn, db.db_id, opened.domain_keys)[0]
        signing = opened.signing
    code = new_recovery_code()
    with db.write() as conn:
        audit.append(conn, db, actor=session.username, action="keys.recovery_replaced",
                     detail={"keys_carried": bool(carried)})
        ring = db.load_ring(conn).with_recovery(code, db.key, signing, grants=carried)
        from app.accounts.signing import register_slot

        register_slot(conn, db, session.username, ring, None, admin=True)
        db.save_ring(ring, conn)
        if db.is_server:  # the recovery login opens with the new code only
            from app.store import server_ring

            server_ring.set_recovery_login(conn, code)
    return code


ROTATING = "fields_rotating"  # meta: JSON {domain: new generation} while a rotation runs


@requires(Permission.KEYS_MANAGE)
def rotate_data_keys(session: Session, code: str, progress=None) -> dict[str, int]:
    """New generations of the customer-data keys, every sealed value and search token
    re-made under them: a copy of an old slot (a departed clerk's, a stolen ring) opens
    nothing written since. Each new key is endorsed by the one before it (store/keychecks),
    so a key planted in a slot is never taken for it; slots keep the old generations, which
    open nothing new and prove the chain.

    An administrator holds no customer-data key, so the recovery code (which holds them
    all) is asked for. Resumable: killed midway, every value opens under one generation or
    the other; running it again goes on from where it stopped. The re-sealing runs in
    chunks, each its own short write transaction (sealing.seal_all), on the file and on
    the branch server alike; the ring (a file, or the server's rows) is the store's."""
    import json

    from app.store import keychecks, sealing
    from app.store.fields import FieldKeys

    db = session.db
    db.load_ring().open_recovery(code)  # LoginFailed: nothing changes
    with db.rotation_lock():
        with db.read() as conn:
            under_way = conn.execute(select(schema.meta.c.value)
                                     .where(schema.meta.c.key == ROTATING)).scalar()
            # The code's keys as the ring holds them now (a rotation cut short granted the
            # new generation to the recovery slot before it was killed).
            proven = keychecks.trusted(conn, db.db_id,
                                       db.load_ring(conn).open_recovery(code).domain_keys)[0]
        if under_way is None:
            new = _grant_new_generation(session, proven)
            keys = FieldKeys(proven + new, active=True)
            target = {k.domain: k.generation for k in new}
        else:
            keys, target = FieldKeys(proven, active=True), json.loads(under_way)
        try:
            mark = "reseal:" + ",".join(f"{d}{g}" for d, g in sorted(target.items()))
            sealing.seal_all(db, keys, progress, mark=mark)
            with db.write() as conn:
                conn.execute(schema.meta.delete().where(schema.meta.c.key == ROTATING))
                audit.append(conn, db, actor=session.username,
                             action="keys.data_rotated", detail=target)
        finally:
            keys.wipe()
    return target


def _grant_new_generation(session: Session, proven: list[DomainKey]) -> list[DomainKey]:
    """The new keys, granted to the recovery slot and to every account holding the old
    ones (its roles still reading them), endorsed, and the rotation marked under way: one
    transaction, before anything is re-sealed."""
    import json

    from app.accounts.login import _roles_of
    from app.security.roles import Role, domains_for
    from app.store import keychecks

    db = session.db
    current = {k.domain: k for k in sorted(proven, key=lambda k: k.generation)}
    new = [DomainKey(d, current[d].generation + 1, secrets.token_bytes(32)) for d in DOMAINS]
    with db.write() as conn:
        ring = db.load_ring(conn)
        for row in conn.execute(select(schema.user).where(schema.user.c.disabled == 0)):
            roles = _roles_of(conn, row.id)
            wanted = (ring.domains_of(row.username) & domains_for(roles)
                      if Role.ADMIN not in roles else frozenset())
            if wanted:
                ring = ring.with_grants(row.username, [k for k in new if k.domain in wanted])
        ring = ring.with_grants(None, new)
        keychecks.record_next(conn, list(current.values()), new, db.db_id)
        conn.execute(schema.meta.insert().values(key=ROTATING, value=json.dumps(
            {k.domain: k.generation for k in new})))
        audit.append(conn, db, actor=session.username, action="keys.data_rotation",
                     detail={k.domain: k.generation for k in new})
        db.save_ring(ring, conn)
    return new
