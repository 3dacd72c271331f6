"""Checking the audit log's hash chain, as a guarded service (managers and administrators)."""

from __future__ import annotations

from collections.abc import Callable

from app import audit
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session


@requires(Permission.AUDIT_VERIFY)
def verify_audit_log(session: Session,
                     progress: Callable[[int, int], bool | None] | None = None
                     ) -> audit.ChainReport:
    report = audit.verify(session.db, progress)
    audit.record(session.db, actor=session.username, action="audit.verified",
                 outcome="ok" if report.intact else "failed",
                 detail={"events": report.count, "first_broken": report.first_broken})
    return report
