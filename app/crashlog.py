"""The error log a branch can send: every unexpected error, with its traceback, and without
personal data.

What goes in: the time, the Custos and Python versions, and for each exception in the
chain its type, SQLite's result-code name or the errno name when there is one, and its
frames (file relative to the program, line, function). What never goes in: an exception's
message or arguments (an IntegrityError quotes the row, a KeyError the name it looked up),
local variables, or the source lines. The file is rotated (RotatingFileHandler), kept
0600, and lies in the person's data folder (platformdirs), where the About box and the
README say it is. CUSTOS_LOG_DIR moves it (the tests use that).
"""

from __future__ import annotations

import errno
import logging
import os
import platform
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from app import __version__, clock
from app.errors import CustosError, Unexpected
from app.i18n import _
from app.store.failures import explain_os

APP_NAME = "Custos"  # the same folder name as ui.places uses
LOG_NAME = "custos-errors.log"
MAX_BYTES = 512 * 1024
BACKUPS = 3
_MARKERS = ("/app/", "/ui/", "/site-packages/", "/lib/python")


def log_path() -> Path:
    folder = os.environ.get("CUSTOS_LOG_DIR") or platformdirs.user_data_dir(APP_NAME,
                                                                            appauthor=False)
    return Path(folder) / LOG_NAME


class _PrivateHandler(RotatingFileHandler):
    """A rotating handler whose files are created 0600 (a new file after rotation, too)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8")

    def handleError(self, record: logging.LogRecord) -> None:
        raise  # to record(), which gives up quietly; logging would print to stderr


def _where(filename: str) -> str:
    """A frame's file without the folders above the program (they may name the person)."""
    text = filename.replace("\\", "/")
    for marker in _MARKERS:
        at = text.rfind(marker)
        if at >= 0:
            return text[at + 1:]
    return Path(text).name


def _code(error: BaseException) -> str:
    """What is safe to say about an error besides its type: SQLite's code name, errno's."""
    inner = getattr(error, "orig", None) or error
    name = getattr(inner, "sqlite_errorname", None)
    if isinstance(name, str) and name.isidentifier():
        return f" [{name}]"
    if isinstance(error, OSError) and error.errno in errno.errorcode:
        return f" [{errno.errorcode[error.errno]}]"
    return ""


def scrubbed(error: BaseException) -> str:
    """The traceback of `error` and the exceptions it came from, with no message text."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(chain) < 10:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    parts = []
    for exc in reversed(chain):  # the first cause first, as Python prints it
        kind = type(exc)
        parts.append(f"{kind.__module__}.{kind.__qualname__}{_code(exc)}")
        for frame in traceback.extract_tb(exc.__traceback__):
            parts.append(f"  {_where(frame.filename)}:{frame.lineno} in {frame.name}")
    return "\n".join(parts)


def record(error: BaseException, where: str) -> Path | None:
    """Append `error` to the log; its path, or None if it could not be written (never
    raises: the person still gets the sentence)."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = _PrivateHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8", delay=True)
        try:
            handler.emit(logging.makeLogRecord({
                "msg": "%s unexpected error in %s (Custos %s, Python %s, %s)\n%s\n",
                "args": (clock.stamp(), where, __version__, platform.python_version(),
                         sys.platform, scrubbed(error)),
                "levelno": logging.ERROR, "levelname": "ERROR"}))
        finally:
            handler.close()
    except Exception:  # a full or read-only disk: the log is a help, not a condition
        return None
    return path


def explained(error: BaseException, where: str = "background task") -> CustosError:
    """The error as a person may be told it: the person's own errors as they are, a full or
    read-only disk as its cause, anything else written to the log and said in one sentence
    that names the log. Whether anything was changed is not known here, so it is not said."""
    if isinstance(error, CustosError):
        return error
    said = explain_os(error)
    if said is not None:
        return said
    kind = type(error).__name__
    path = record(error, where)
    if path is None:
        sentence = _("Something went wrong: {kind}. Look whether the action was done before "
                     "you try again.").format(kind=kind)
    else:
        sentence = _("Something went wrong: {kind}. Look whether the action was done before "
                     "you try again. The details, without personal data, are in {log}."
                     ).format(kind=kind, log=path)
    return Unexpected(sentence, error)
