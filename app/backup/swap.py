"""Putting a restored database in place so that a crash at any moment leaves one that opens.

The swap is several renames (database, its WAL and shared memory, its key ring). A journal
written before the first rename names the folder the current files go to and the folder the
new ones come from; `settle` — run at every login — finishes a swap that was cut off.
The old database's WAL is always moved away with it: applied to the new file it would be
corruption.

The journal is a file in a folder others may write to, so it is not obeyed blindly: the two
folders it names must be the ones a restore of this database creates — fixed names directly
beside the database, real folders, not links. Anything else is left exactly as it is, for a
person, and login says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
from pathlib import Path

from app.errors import StoreError
from app.i18n import _
from app.store.atomic import fsync_dir, refuse_link, write_atomic

DB_NAME = "database.custos"
RING_NAME = "database.custos.keys"
SUFFIXES = ("", "-wal", "-shm", ".keys")
INCOMING_PREFIX = ".custos-restore-"
JOURNAL_MAX_BYTES = 64 << 10
_INCOMING = re.escape(INCOMING_PREFIX) + r"[A-Za-z0-9_]{1,32}"  # as tempfile.mkdtemp names
_STAMP = r"\d{8}T\d{6}Z(?:-\d{1,3})?"


def journal_path(db_path: Path) -> Path:
    return Path(f"{db_path}.restore-journal")


def aside_name(db_path: Path, stamp: str) -> str:
    return f"{Path(db_path).name}.before-restore-{stamp}"


def make_aside(db_path: Path, stamp: str) -> Path:
    """A new, empty folder beside the database for the files a restore replaces.

    Created here (0700) and never reused: `mkdir` fails on any name already taken — a file,
    a folder, or a link planted to send the live database elsewhere — and the next number
    is tried instead.
    """
    db_path = Path(db_path)
    for n in range(1000):
        aside = db_path.parent / aside_name(db_path, stamp if n == 0 else f"{stamp}-{n}")
        try:
            os.mkdir(aside, 0o700)
            return aside
        except FileExistsError:
            continue
    raise StoreError(_("Too many earlier restores lie beside {name}; move some away first.")
                     .format(name=db_path.name))


def begin(db_path: Path, incoming: Path, aside: Path) -> None:
    write_atomic(journal_path(db_path),
                 json.dumps({"incoming": str(incoming), "aside": str(aside)}).encode())


def _own_folder(path: Path, db_path: Path, pattern: str) -> bool:
    """`path` is directly beside the database, named as we name it, and a real folder of
    ours (or gone: a finished step)."""
    if path.parent != db_path.parent or not re.fullmatch(pattern, path.name):
        return False
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    return stat.S_ISDIR(info.st_mode) and (not hasattr(os, "getuid")
                                           or info.st_uid == os.getuid())


def read_journal(db_path: Path) -> tuple[Path, Path] | None:
    """The two folders of an interrupted swap; None when there is none; StoreError when the
    journal is not one a restore of this database wrote (nothing is touched then)."""
    journal = journal_path(db_path)
    if not journal.is_symlink() and not journal.exists():
        return None
    refused = StoreError(_("A restore journal {name} lies beside the database, but it does "
                           "not name this database's own restore folders. Nothing was moved "
                           "or deleted; ask the administrator to check and remove it.")
                         .format(name=journal.name))
    try:
        if journal.is_symlink() or journal.stat().st_size > JOURNAL_MAX_BYTES:
            raise refused
        plan = json.loads(journal.read_text("utf-8"))
        incoming, aside = Path(plan["incoming"]), Path(plan["aside"])
    except (OSError, ValueError, KeyError, TypeError):
        raise refused from None
    if not (_own_folder(incoming, db_path, _INCOMING)
            and _own_folder(aside, db_path,
                            re.escape(f"{db_path.name}.before-restore-") + _STAMP)):
        raise refused
    return incoming, aside


def settle(db_path: Path, crash_after: int | None = None) -> bool:
    """Finish an interrupted swap, if there is one; True when one was finished.

    `crash_after` stops after that many renames (for the kill tests' deterministic twin).
    """
    db_path = Path(db_path)
    plan = read_journal(db_path)
    if plan is None:
        return False
    incoming, aside = plan
    renames = 0
    new_db = incoming / DB_NAME
    if new_db.exists():
        if not aside.exists():
            os.mkdir(aside, 0o700)  # a journal from before folders were made up front
        for suffix in SUFFIXES:
            current = Path(f"{db_path}{suffix}")
            if suffix == ".keys" and not (incoming / RING_NAME).exists():
                continue  # the new ring is already in place
            if current.exists() or current.is_symlink():
                os.replace(current, aside / current.name)  # moves a link itself, never its target
                renames += 1
                if crash_after is not None and renames >= crash_after:
                    raise SystemExit("simulated crash")
        if (incoming / RING_NAME).exists():
            refuse_link(incoming / RING_NAME)
            os.replace(incoming / RING_NAME, Path(f"{db_path}.keys"))
        refuse_link(new_db)
        os.replace(new_db, db_path)
        fsync_dir(db_path.parent)
    with contextlib.suppress(OSError):
        journal_path(db_path).unlink()
    if incoming.is_dir() and not incoming.is_symlink():
        shutil.rmtree(incoming, ignore_errors=True)
    return True
