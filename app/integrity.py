"""Checking the audit log's hash chain and signatures, and that the database is not behind
one of its audit anchors, as a guarded service (managers and administrators)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app import audit, audit_anchor
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session


@requires(Permission.AUDIT_VERIFY)
def verify_audit_log(session: Session,
                     progress: Callable[[int, int], bool | None] | None = None,
                     anchors: list[audit_anchor.Anchor] | None = None) -> audit.ChainReport:
    """`anchors`: more heads to compare with (e.g. from backups' manifests)."""
    report = audit.verify(session.db, progress)
    if report.intact:
        stale = audit_anchor.check(session.db, anchors)
        if stale is not None:
            report = replace(report, intact=False, first_broken=stale.seq, reason="rollback",
                             notice=audit_anchor.sentence(stale))
            audit_anchor.report(session.db, session.username, stale)
    audit.record(session.db, actor=session.username, action="audit.verified",
                 outcome="ok" if report.intact else "failed",
                 detail={"events": report.count, "first_broken": report.first_broken,
                         **({"reason": report.reason} if report.reason else {})})
    if report.intact:
        audit_anchor.move(session.db)
    return report
