"""`requires`: the one gate every service entry point passes through.

The decorated function takes a Session first. A session without the permission, or one that
has ended, is refused before anything else happens; the refusal is itself an audit event.
Every decorated function is listed in ENTRY_POINTS, which the matrix test walks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from app import audit
from app.errors import PermissionDenied
from app.i18n import _
from app.security.roles import KEYLESS, Permission, domains_for
from app.security.session import Session
from app.store.fields import AccessPending, pending_sentence

P = ParamSpec("P")
R = TypeVar("R")

ENTRY_POINTS: dict[str, tuple[Callable, Permission]] = {}


def requires(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def guarded(session: Session, *args, **kwargs):
            check(session, permission, name)
            return func(session, *args, **kwargs)

        guarded.permission = permission  # type: ignore[attr-defined]
        ENTRY_POINTS[name] = (guarded, permission)
        return guarded  # type: ignore[return-value]

    return wrap


def check(session: Session, permission: Permission, entry: str = "") -> None:
    if session.ended:
        raise PermissionDenied(_("This session has ended; please log in again."))
    if session.must_change_password and permission is not Permission.OWN_ACCOUNT:
        raise PermissionDenied(_("You must change your password before you continue."))
    if session.can(permission):
        if permission not in KEYLESS and session.db.fields.active and \
                domains_for(session.roles) - session.db.fields.domains:
            raise AccessPending(pending_sentence())
        return
    audit.record(session.db, actor=session.username, action="permission.denied",
                 outcome="denied", detail={"permission": str(permission), "entry": entry})
    raise PermissionDenied(_("Your role does not allow you to {action}.")
                           .format(action=permission.label))
