"""Who may do what: roles, the permission matrix, sessions, the entry-point guard."""

from app.security.guard import ENTRY_POINTS, requires
from app.security.roles import MATRIX, Permission, Role, roles_allowed
from app.security.session import Session

__all__ = ["ENTRY_POINTS", "MATRIX", "Permission", "Role", "Session", "requires", "roles_allowed"]
