"""Staff as people read them: an account's display name (王芳), not its login (`counter`).

An account that was deleted, or an actor that never was one (a mistyped login on the
login screen), keeps the name the log holds for it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from app.store import schema


def display_names(conn) -> dict[str, str]:
    """login -> display name, for every account (disabled ones too: the log names them)."""
    u = schema.user.c
    return {r.username: (r.display_name or "").strip() or r.username
            for r in conn.execute(select(u.username, u.display_name))}


def name_of(names: Mapping[str, str], login: str | None) -> str:
    return names.get(login or "", login or "")
