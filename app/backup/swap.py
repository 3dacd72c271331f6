"""Putting a restored database in place so that a crash at any moment leaves one that opens.

The swap is several renames (database, its WAL and shared memory, its key ring). A journal
written before the first rename names the folder the current files go to and the folder the
new ones come from; `settle` — run at every login — finishes a swap that was cut off.
The old database's WAL is always moved away with it: applied to the new file it would be
corruption.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from app.store.atomic import fsync_dir, write_atomic

DB_NAME = "database.custos"
RING_NAME = "database.custos.keys"
SUFFIXES = ("", "-wal", "-shm", ".keys")


def journal_path(db_path: Path) -> Path:
    return Path(f"{db_path}.restore-journal")


def begin(db_path: Path, incoming: Path, aside: Path) -> None:
    write_atomic(journal_path(db_path),
                 json.dumps({"incoming": str(incoming), "aside": str(aside)}).encode())


def settle(db_path: Path, crash_after: int | None = None) -> bool:
    """Finish an interrupted swap, if there is one; True when one was finished.

    `crash_after` stops after that many renames (for the kill tests' deterministic twin).
    """
    db_path = Path(db_path)
    journal = journal_path(db_path)
    if not journal.exists():
        return False
    try:
        plan = json.loads(journal.read_text("utf-8"))
        incoming, aside = Path(plan["incoming"]), Path(plan["aside"])
    except (OSError, ValueError, KeyError):
        return False  # an unreadable journal: leave everything as it is, for a person
    renames = 0
    new_db = incoming / DB_NAME
    if new_db.exists():
        aside.mkdir(mode=0o700, exist_ok=True)
        for suffix in SUFFIXES:
            current = Path(f"{db_path}{suffix}")
            if suffix == ".keys" and not (incoming / RING_NAME).exists():
                continue  # the new ring is already in place
            if current.exists():
                os.replace(current, aside / current.name)
                renames += 1
                if crash_after is not None and renames >= crash_after:
                    raise SystemExit("simulated crash")
        if (incoming / RING_NAME).exists():
            os.replace(incoming / RING_NAME, Path(f"{db_path}.keys"))
        os.replace(new_db, db_path)
        fsync_dir(db_path.parent)
    with contextlib.suppress(OSError):
        journal.unlink()
    shutil.rmtree(incoming, ignore_errors=True)
    return True
