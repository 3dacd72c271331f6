"""A logged-in person: who they are, which roles they hold, and the database they opened."""

from __future__ import annotations

from dataclasses import dataclass, field

from app import clock
from app.security.roles import MATRIX, Permission, Role, permissions_of
from app.store.database import Database


@dataclass(eq=False)
class Session:
    db: Database
    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    must_change_password: bool = False
    started_at: str = field(default_factory=clock.stamp)
    # Purpose of access per customer, asked once per customer per session (records issue).
    purposes: dict[str, str] = field(default_factory=dict)
    ended: bool = False
    # Sentences for the person at login (e.g. a database behind its audit anchors).
    notices: list[str] = field(default_factory=list)

    def can(self, permission: Permission) -> bool:
        return bool(self.roles & MATRIX[permission])

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    @property
    def role_names(self) -> str:
        return ", ".join(r.label for r in sorted(self.roles, key=list(Role).index))

