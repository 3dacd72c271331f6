"""Failed logins, noted beside the database (time and username only) until the next login.

A failed login cannot open the database, so it cannot write an audit event; this small
file holds the failures until a successful login turns them into events. It also sets the
escalating delay: after three failures for a name, each further try waits twice as long.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app import clock
from app.store.atomic import write_atomic
from app.store.database import attempts_path

FREE_TRIES = 3
MAX_DELAY_S = 300.0
WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Attempt:
    at: str
    username: str


def read(db_path: Path) -> list[Attempt]:
    try:
        data = json.loads(attempts_path(db_path).read_text("utf-8"))
        return [Attempt(str(a["at"]), str(a["username"])) for a in data]
    except (OSError, ValueError, KeyError, TypeError):
        # A missing or damaged note only loses delay state, never access to data.
        return []


def note_failure(db_path: Path, username: str) -> None:
    attempts = read(db_path)[-999:]
    attempts.append(Attempt(clock.stamp(), username.strip()[:64]))
    write_atomic(attempts_path(db_path),
                 json.dumps([a.__dict__ for a in attempts]).encode("utf-8"))


def clear(db_path: Path) -> None:
    path = attempts_path(db_path)
    if path.exists():
        path.unlink()


def wait_seconds(db_path: Path, username: str) -> float:
    """How long this name must wait before its next try (0 if it may try now)."""
    now = clock.now_utc()
    key = username.strip().casefold()
    recent = [clock.parse_stamp(a.at) for a in read(db_path)
              if a.username.casefold() == key and now - clock.parse_stamp(a.at) < WINDOW]
    if len(recent) < FREE_TRIES:
        return 0.0
    delay = min(2.0 ** (len(recent) - FREE_TRIES), MAX_DELAY_S)
    remaining = delay - (now - max(recent)).total_seconds()
    return max(0.0, remaining)
