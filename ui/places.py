"""Where the GUI keeps its own small files: the recent-database note and the demo database.

Qt-free. Locations come from platformdirs at call time, so tests can point them at a
temporary folder by monkeypatching `platformdirs`.
"""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.i18n import LANGUAGES
from app.store.atomic import write_atomic

APP_NAME = "Custos"
DATABASE_SUFFIX = ".custos"


@dataclass(frozen=True)
class Recent:
    """What the last run left behind: the database it used and the language it spoke."""

    database: Path | None = None
    language: str | None = None


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
        database=Path(database) if isinstance(database, str) and database else None,
        language=language if language in LANGUAGES else None,
    )


def remember(database: Path | None = None, language: str | None = None) -> None:
    """Update the note; a value left as None keeps what was there."""
    before = read_recent()
    database = database if database is not None else before.database
    language = language if language is not None else before.language
    data = {"database": str(database) if database else None, "language": language}
    target = recent_file()
    # Failing to write a convenience note must never stop anyone from working.
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def last_database() -> Path | None:
    """The remembered database, if it is still there."""
    database = read_recent().database
    return database if database is not None and database.is_file() else None
