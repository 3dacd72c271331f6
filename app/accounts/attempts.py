"""Failed logins, noted beside the database (time and username only) until the next login.

A failed login cannot open the database, so it cannot write an audit event; this small
file holds the failures until a successful login turns them into events. It also sets the
escalating delay: after three failures for a name, each further try waits twice as long.

The note lies in a folder others can write to, so it is read as hostile input: bounded in
size, every entry checked, entries from the future ignored, the delay capped. And a name
that is no account's (often a password typed into the wrong field) is kept only as
"unknown user": not in clear, and not as a fingerprint either, which anyone holding the
folder could test guessed passwords against. Unknown names share one delay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import clock
from app.store.atomic import write_atomic
from app.store.database import attempts_path
from app.store.keyring import KeyRing

FREE_TRIES = 3
MAX_DELAY_S = 300.0
WINDOW = timedelta(minutes=30)
KEEP = 1000                      # entries kept in the note
MAX_NOTE_BYTES = 256 * 1024      # a larger note is not one Custos wrote: ignored
CLOCK_SKEW = timedelta(minutes=5)
RECOVERY = "(recovery)"
UNKNOWN = "unknown user"


@dataclass(frozen=True)
class Attempt:
    at: str
    username: str


def label(ring: KeyRing, username: str) -> str:
    """The name as noted: an account's name as typed; anything else as "unknown user"."""
    name = username.strip()[:64]
    if name == RECOVERY or ring.slot_for(name) is not None:
        return name
    return UNKNOWN


def _entry(item: object, now: datetime) -> Attempt | None:
    """One entry of the note, or None when it is malformed or claims to be from the future."""
    if not isinstance(item, dict):
        return None
    at, name = item.get("at"), item.get("username")
    if not isinstance(at, str) or not isinstance(name, str) or len(at) > 40 or len(name) > 80:
        return None
    try:
        when = clock.parse_stamp(at)
    except (ValueError, OverflowError):
        return None
    if when > now + CLOCK_SKEW:
        return None
    return Attempt(clock.stamp(when), name)


def read(db_path: Path) -> list[Attempt]:
    """The well-formed entries; a missing, damaged or oversized note reads as empty.

    Losing the note only loses delay state, never access to data, and someone who can
    edit the note can delete it as well.
    """
    try:
        with open(attempts_path(db_path), "rb") as fh:
            raw = fh.read(MAX_NOTE_BYTES + 1)
    except OSError:
        return []
    if len(raw) > MAX_NOTE_BYTES:
        return []
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    now = clock.now_utc()
    found = (_entry(item, now) for item in data[-KEEP:])
    return [a for a in found if a is not None]


def note_failure(db_path: Path, name: str) -> None:
    """`name` as given by `label` (or RECOVERY)."""
    attempts = read(db_path)[-(KEEP - 1):]
    attempts.append(Attempt(clock.stamp(), name.strip()[:64]))
    write_atomic(attempts_path(db_path),
                 json.dumps([a.__dict__ for a in attempts]).encode("utf-8"))


def clear(db_path: Path) -> None:
    path = attempts_path(db_path)
    if path.exists():
        path.unlink()


def wait_seconds(db_path: Path, name: str) -> float:
    """How long this name must wait before its next try (0 if it may try now), never more
    than MAX_DELAY_S whatever the note says."""
    now = clock.now_utc()
    key = name.strip().casefold()
    recent = [when for when in (clock.parse_stamp(a.at) for a in read(db_path)
                                if a.username.casefold() == key)
              if now - when < WINDOW]
    if len(recent) < FREE_TRIES:
        return 0.0
    delay = min(2.0 ** min(len(recent) - FREE_TRIES, 16), MAX_DELAY_S)
    remaining = delay - (now - max(recent)).total_seconds()
    return min(max(0.0, remaining), MAX_DELAY_S)
