"""Where the GUI keeps its own small files: the recent-database note and the demo database;
and what "the database" is to the GUI: a file's Path, or a branch server's address as text.

Qt-free. Locations come from platformdirs at call time, so tests can point them at a
temporary folder by monkeypatching `platformdirs`.
"""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from app.errors import StoreError
from app.i18n import LANGUAGES, _
from app.store.atomic import write_atomic
from app.store.place import ServerAddress, is_server, parse_server

APP_NAME = "Custos"
DATABASE_SUFFIX = ".custos"


@dataclass(frozen=True)
class Recent:
    """What the last run left behind: the database it used and the language it spoke."""

    database: Path | str | None = None
    language: str | None = None


def as_database(where: object) -> Path | str:
    """A file as a Path; a server address as its text (a Path would fold its `//`)."""
    return str(where).strip() if is_server(where) else Path(where)


def note_text(where: Path | str) -> str | None:
    """What the note keeps: a file's path, or a server's address with no owner login in it
    (the CA file is found again in this PC's profile); None for an address that is wrong."""
    if not is_server(where):
        return str(where)
    try:
        return replace(parse_server(str(where)), ca_file=None).url()
    except StoreError:
        return None


def describe(where: object) -> str:
    """Which store, for a person: "This PC: branch.custos" or "Branch server: b1 @ host"."""
    if not is_server(where):
        return _("This PC: {name}").format(name=Path(where).name)
    try:
        address = where if isinstance(where, ServerAddress) else parse_server(str(where))
    except StoreError:
        return _("Branch server: {name}").format(name=str(where))
    return _("Branch server: {name}").format(name=address.name)


def recent_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "recent.json"


def demo_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "demo" / f"demo{DATABASE_SUFFIX}"


def default_database_path() -> Path:
    """On Windows the per-machine folder the installer creates (shared by the branch's
    accounts on one PC); elsewhere the person's documents."""
    if sys.platform == "win32":
        return (Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))
                / f"branch{DATABASE_SUFFIX}")
    return Path(platformdirs.user_documents_dir()) / APP_NAME / f"branch{DATABASE_SUFFIX}"


def read_recent() -> Recent:
    """The note, or an empty one: a missing or damaged note only forgets a convenience."""
    try:
        data = json.loads(recent_file().read_text("utf-8"))
    except (OSError, ValueError):
        return Recent()
    if not isinstance(data, dict):
        return Recent()
    database = data.get("database")
    language = data.get("language")
    return Recent(
        database=as_database(database) if isinstance(database, str) and database else None,
        language=language if language in LANGUAGES else None,
    )


def remember(database: Path | str | None = None, language: str | None = None) -> None:
    """Update the note; a value left as None keeps what was there."""
    before = read_recent()
    database = database if database is not None else before.database
    language = language if language is not None else before.language
    data = {"database": note_text(database) if database else None, "language": language}
    target = recent_file()
    # Failing to write a convenience note must never stop anyone from working.
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def last_database() -> Path | str | None:
    """The remembered database: a file if it is still there; a server address as it is
    (whether the server answers is for the login to say)."""
    database = read_recent().database
    if isinstance(database, str) or (database is not None and database.is_file()):
        return database
    return None
