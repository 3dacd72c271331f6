"""Secrets in this process's memory: kept in buffers we can overwrite, and out of core dumps.

Python copies freely and frees without clearing, so a locked program could still hold the
database key and the password it was unlocked with. The key therefore lives in a bytearray
that is zeroed on lock, reaches SQLCipher through sqlite3_key (no SQL text carrying it), and
the immutable copies we create ourselves (a password read from a field, a key unwrapped
from the ring) are overwritten in place once used. The process also refuses to dump core.
"""

from __future__ import annotations

import ctypes
import sys

_HEX = b"0123456789abcdef"
# Offsets of the character data inside CPython's bytes and compact str objects.
_BYTES_DATA = sys.getsizeof(b"") - 1


def key_literal(key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key form x'…' as a buffer that `wipe` can clear after use."""
    out = bytearray(len(key) * 2 + 3)
    out[0:2], out[-1] = b"x'", ord("'")
    for i, byte in enumerate(key):
        out[2 + 2 * i] = _HEX[byte >> 4]
        out[3 + 2 * i] = _HEX[byte & 15]
    return out


def wipe(secret: bytes | bytearray | str | None) -> None:
    """Overwrite a secret's bytes where they lie. Only for objects this program made itself.

    An immutable str or bytes is cleared only when its buffer is found where CPython keeps
    it and holds exactly its content; anything else (another interpreter, a cached
    one-character string) is left alone rather than risk writing elsewhere.
    """
    if secret is None or len(secret) < 2:
        return
    if isinstance(secret, bytearray):
        secret[:] = bytes(len(secret))
        return
    if sys.implementation.name != "cpython":
        return
    if isinstance(secret, bytes):
        _clear_at(id(secret) + _BYTES_DATA, secret)
    elif isinstance(secret, str):
        width = 1 if max(secret) <= "\xff" else 2 if max(secret) <= "\uffff" else 4
        encoded = secret.encode({1: "latin-1", 2: "utf-16-le", 4: "utf-32-le"}[width])
        end = sys.getsizeof(secret) - width  # the data ends with one NUL character
        _clear_at(id(secret) + end - len(encoded), encoded)


def _clear_at(address: int, expected: bytes) -> None:
    if ctypes.string_at(address, len(expected)) == expected:
        ctypes.memset(address, 0, len(expected))


def forbid_core_dumps() -> None:
    """No core file, and (Linux) no ptrace or /proc/PID/mem reading by same-user programs."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
        except (OSError, AttributeError):
            pass
