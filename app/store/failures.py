"""What an SQLite/SQLCipher failure means for a person: one place, one sentence per cause.

Every store path (a session's transactions, opening a database, the CLI's and the GUI's
last-resort handlers) asks `explain` instead of guessing from a message, so a full disk,
a lock held by another program or a read-only file is never called damage, and damage is
never called "unexpected".
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from app.errors import DatabaseBusy, DiskFull, ReadOnly, StoreError
from app.i18n import _

# Primary result codes (https://sqlite.org/rescode.html); extended codes carry them in the
# low byte.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
DAMAGE = (SQLITE_CORRUPT, SQLITE_NOTADB)


def sqlite_code(error: BaseException | None) -> int | None:
    """The primary SQLite result code of a driver error, or of the one SQLAlchemy wraps."""
    error = getattr(error, "orig", None) or error
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(error: BaseException | None) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: what a flipped byte, a torn page — or a key that
    no longer fits — looks like."""
    text = str(getattr(error, "orig", None) or error)
    code = sqlite_code(error)
    if code is not None:
        return code in DAMAGE
    return "malformed" in text or "not a database" in text


def busy(path: Path) -> DatabaseBusy:
    return DatabaseBusy(_("The database {name} is in use by another program or Custos "
                          "window; try again when it is done. Nothing was changed.")
                        .format(name=Path(path).name))


# SQLite's POSIX locks: on the database file PENDING, RESERVED and the SHARED range (held by
# every connection of another process while it has the file open in WAL mode, or while it
# reads or writes); on the shared-memory file the WAL's lock bytes.
_LOCK_RANGES = (("", 0x40000000, 512), ("-shm", 120, 16))


def in_use_elsewhere(db_path: Path) -> bool:
    """Does another process hold any of SQLite's locks on the database (an open Custos
    window, sqlite3, a sync client)? Locks of this process never count: POSIX locks do not
    conflict within a process. Only for a file about to be moved or replaced, whose own
    connections in this process are closed or dropped anyway: closing the probe's handle
    releases this process's locks on the file."""
    try:
        import fcntl
    except ImportError:  # Windows: a file open elsewhere cannot be renamed at all there
        return False
    for suffix, start, length in _LOCK_RANGES:
        try:
            fd = os.open(f"{db_path}{suffix}", os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError:  # absent, a link or not ours to write: no lock can tell here
            continue
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start)
            fcntl.lockf(fd, fcntl.LOCK_UN, length, start)
        except OSError:
            return True
        finally:
            os.close(fd)
    return False


def _read_only(path: Path) -> bool:
    """The file exists but it, or the folder its journal and WAL must be made in, cannot be
    written (a read-only share, a write-protected stick, modes)."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def explain(error: BaseException | None, path: Path) -> StoreError | None:
    """The typed error for a failure that is not damage, or None (damage, or not SQLite's)."""
    name = Path(path).name
    code = sqlite_code(error)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy(path)
    if code == SQLITE_FULL:
        return DiskFull(_("The disk holding the database {name} is full; free some space and "
                          "try again. Nothing was changed.").format(name=name))
    if code == SQLITE_READONLY or (code == SQLITE_CANTOPEN and _read_only(Path(path))):
        return ReadOnly(_("The database {name} or its folder is read-only; Custos must be able "
                          "to write to both. Nothing was changed.").format(name=name))
    if code == SQLITE_CANTOPEN:
        return ReadOnly(_("The database {name} cannot be opened: check that it and its folder "
                          "can be read and written. Nothing was changed.").format(name=name))
    if code == SQLITE_IOERR:
        return StoreError(_("The disk holding the database {name} failed to read or write; "
                            "nothing was changed. Check the disk and try again.")
                          .format(name=name))
    return None


def explain_os(error: BaseException) -> StoreError | None:
    """The same causes met by a plain file write (an export, a report, an error workbook)."""
    if not isinstance(error, OSError):
        return None
    if error.errno == errno.ENOSPC:
        return DiskFull(_("The disk is full; free some space and try again. Nothing was "
                          "saved."))
    if error.errno == errno.EROFS:
        return ReadOnly(_("That disk is read-only; choose another place. Nothing was saved."))
    folder = Path(error.filename).parent if isinstance(error.filename, str | Path) else None
    if error.errno in (errno.ENOENT, errno.ENOTDIR) and folder and not folder.is_dir():
        # The file is to go in a folder that is not there (a mistyped path, a stick pulled).
        return StoreError(_("The folder {folder} does not exist; choose another place. "
                            "Nothing was saved.").format(folder=folder))
    if error.errno in (errno.EACCES, errno.EPERM):
        return ReadOnly(_("Custos may not use that file or folder (permission denied); "
                          "nothing was changed."))
    return None
