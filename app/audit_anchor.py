"""Anchors of the audit head outside the database: they reveal an older copy put back.

The head (sequence number and hash of the last event) is written
- on each PC that opens the database, per database id, in the person's data folder
  (platformdirs; `CUSTOS_ANCHOR_DIR` overrides it for tests and portable installs);
- in the key ring (`audit_head`);
- in every backup's manifest (`audit_head`, see app/backup).
At login and in `audit verify` a database whose log does not contain an anchored head (it
ends before it, or holds another event there) says so in one sentence and raises an alert.
A restore done through Custos records the head it replaced in its `backup.restored` event,
so an anchor at or before that head is explained, not reported. After a report the anchors
move to the database as it is: the report and its alert are in the log, and removing them
again would leave the log behind the moved anchor.
"""

from __future__ import annotations

import json
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app import audit, clock
from app.i18n import _
from app.security.session import Session
from app.store import schema
from app.store.atomic import write_atomic
from app.store.database import Database, keyring_path
from app.store.keyring import KeyRing

ENV = "CUSTOS_ANCHOR_DIR"
ROLLBACK = "audit.rollback_suspected"
ev = schema.audit_event
# What the login found, for an `audit verify` in the same session (the anchors moved since).
_found_at_login: weakref.WeakKeyDictionary[Database, Anchor] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    where: str  # "pc", "ring" or "backup"


def folder() -> Path:
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("Custos", appauthor=False)) / "anchors"


def _local_path(db_id: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{8,64}", db_id or ""):
        return None  # not a name to build a path from
    return folder() / f"{db_id}.json"


def read_local(db_id: str) -> Anchor | None:
    path = _local_path(db_id)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Anchor(int(data["seq"]), str(data["hash"]), str(data.get("at", "")), "pc")
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or damaged: the ring and the backups still anchor


def write_local(db_id: str, seq: int, digest: str, at: str | None = None) -> None:
    path = _local_path(db_id)
    if path is None:
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"seq": seq, "hash": digest, "at": at or clock.stamp()})
                 .encode("ascii"))


def from_ring(ring: KeyRing) -> Anchor | None:
    head = ring.audit_head
    return Anchor(head["seq"], head["hash"], head["at"], "ring") if head else None


def from_manifest(seq: int, digest: str, created_at: str) -> Anchor | None:
    """A manifest's `audit_events` (the head's sequence number) and `audit_head` (its hash)."""
    return Anchor(seq, digest, created_at, "backup") if seq > 0 and digest else None


def from_backups(db: Database, paths: list) -> list[Anchor]:
    """The heads in these backups' manifests (of this database only)."""
    from app.backup.archive_file import read_manifest

    out = []
    for path in paths:
        manifest = read_manifest(Path(path))
        anchor = from_manifest(manifest.audit_events, manifest.audit_head, manifest.created_at)
        if manifest.db_id == db.db_id and anchor is not None:
            out.append(anchor)
    return out


def _explained(conn: Connection, anchor: Anchor) -> bool:
    """Did a restore through Custos replace the database this anchor was taken of? Its
    `backup.restored` event names the head it replaced; the anchor must be at or before that
    head and older than the restore (an anchor taken after it is of the restored database)."""
    for at, detail in conn.execute(select(ev.c.at, ev.c.detail)
                                   .where(ev.c.action == "backup.restored")).all():
        seq, _sep, _digest = str(json.loads(detail).get("replaced", "")).partition(":")
        if seq.isdigit() and anchor.seq <= int(seq) and anchor.at <= at:
            return True
    return False


def is_behind(conn: Connection, anchor: Anchor) -> bool:
    """Does the log lack the anchored head (and no restore through Custos explains it)?"""
    if anchor.seq <= 0:
        return False
    head_seq, head_hash = audit.head(conn)
    if anchor.seq > head_seq:
        behind = True
    elif anchor.seq == head_seq:
        behind = head_hash != anchor.hash
    else:
        stored = conn.execute(select(ev.c.hash).where(ev.c.seq == anchor.seq)).scalar()
        behind = stored is not None and stored != anchor.hash  # None: expired (retention)
    return behind and not _explained(conn, anchor)


def sentence(anchor: Anchor) -> str:
    try:
        when = clock.parse_stamp(anchor.at).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, TypeError):
        when = anchor.at or "?"
    return _("This database is older than the one opened on {date}: it may have been "
             "replaced by an older copy.").format(date=when)


def first_behind(conn: Connection, anchors: list[Anchor | None]) -> Anchor | None:
    for anchor in anchors:
        if anchor is not None and is_behind(conn, anchor):
            return anchor
    return None


def report(db: Database, actor: str, anchor: Anchor) -> None:
    """On record, with an alert for the managers."""
    from app.oversight.alerts import raise_rollback

    with db.write() as conn:
        seq = audit.append(conn, db, actor=actor, action=ROLLBACK, outcome="failed",
                           detail={"anchor": f"{anchor.seq}:{anchor.hash}",
                                   "where": anchor.where, "seen_at": anchor.at})
        raise_rollback(conn, actor, seq, anchor)


def move(db: Database) -> None:
    """The anchors (this PC's and the ring's) to the database's current head."""
    at = clock.stamp()
    path = keyring_path(db.path)
    with db.write() as conn:  # the write lock serialises edits of the ring
        seq, digest = audit.head(conn)
        if path.exists():
            KeyRing.load(path).with_audit_head(seq, digest, at).save(path)
    write_local(db.db_id, seq, digest, at)


def move_ring(db: Database) -> None:
    """The ring's anchor only (a restored copy, before it is moved in)."""
    path = keyring_path(db.path)
    with db.write() as conn:
        seq, digest = audit.head(conn)
        KeyRing.load(path).with_audit_head(seq, digest, clock.stamp()).save(path)


def note_head(db: Database) -> None:
    """This PC's anchor only (cheap: after logout, backup, verify)."""
    with db.read() as conn:
        seq, digest = audit.head(conn)
    write_local(db.db_id, seq, digest)


def check(db: Database, extra: list[Anchor | None] | None = None) -> Anchor | None:
    """The first anchor the database is behind, if any (or the one its login found)."""
    if db in _found_at_login:
        return _found_at_login[db]
    path = keyring_path(db.path)
    ring = from_ring(KeyRing.load(path)) if path.exists() else None
    with db.read() as conn:
        return first_behind(conn, [read_local(db.db_id), ring, *(extra or [])])


def at_login(session: Session) -> None:
    """Compare, report (a notice for the person, an event and an alert), then move."""
    stale = check(session.db)
    if stale is not None:
        report(session.db, session.username, stale)
        _found_at_login[session.db] = stale
        session.notices.append(sentence(stale))
    move(session.db)
