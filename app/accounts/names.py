"""Staff as people see them: a login mapped to the name its account carries (王芳).

Records keep logins (`counter`), which stay unique and stable; screens, the log and the
reports show the person. A login no account has (a deleted account, an outside borrower, a
mistyped login on the login screen) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import schema


@dataclass(frozen=True)
class StaffNames:
    by_login: Mapping[str, str] = field(default_factory=dict)  # casefolded login -> name

    def __call__(self, login: str | None) -> str:
        """The person's name for `login`; the login itself when no account has it."""
        if not login:
            return ""
        return self.by_login.get(login.strip().casefold(), login)


def display_names(conn) -> dict[str, str]:
    """login -> display name, for every account (disabled ones too: old records name them)."""
    u = schema.user.c
    return {r.username: (r.display_name or "").strip() or r.username
            for r in conn.execute(select(u.username, u.display_name))}


def name_of(names: Mapping[str, str], login: str | None) -> str:
    return names.get(login or "", login or "")


def read_names(conn) -> StaffNames:
    return StaffNames({login.casefold(): name for login, name in display_names(conn).items()})


@requires(Permission.OWN_ACCOUNT)
def staff_names(session: Session) -> StaffNames:
    """Names for every login a screen may show; every role may read them (they are the
    names of its colleagues, not customer data)."""
    with session.db.read() as conn:
        return read_names(conn)
