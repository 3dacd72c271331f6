"""Atomic file replacement: temp file beside the target, permissions first, fsync, rename.

After a crash at any point the target holds either its old or its new bytes, never a mix
(the Electrum `WalletStorage.write` pattern). Files are created the way a folder someone else
can write to demands: never through a planted symbolic link (`create_exclusive`).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

# O_NOFOLLOW does not exist on Windows, where creating a link needs privileges anyway.
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def create_exclusive(path: Path, mode: int = 0o600) -> int:
    """A new file at `path`, open for writing, with `mode` from its first moment.

    Never follows a link and never opens an existing file: whatever lies under that name (a
    leftover of ours from a crash, or a link planted to make us write elsewhere) is removed
    first — unlinking a name removes the link, never its target — and if something appears
    again in between, the call fails rather than write through it.
    """
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if path.is_symlink() or path.is_file():
            os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, mode)
    with contextlib.suppress(OSError):
        os.fchmod(fd, mode)  # the umask may have taken bits away; it may not add any
    return fd


def refuse_link(path: Path) -> None:
    """A rename onto a symbolic link would silently replace it; we never want to be led."""
    if Path(path).is_symlink():
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    path = Path(path)
    refuse_link(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = create_exclusive(tmp, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    # The rename itself is only durable once the directory entry is on disk.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
