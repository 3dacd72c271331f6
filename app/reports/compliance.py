"""The monthly compliance summary (`custos report compliance`): what the branch's
compliance file (app/compliance) held and what fell due in one calendar month — breaches,
impact assessments due, disclosures, trainings due, permission reviews and alerts left
open, and the backup evidence — for the manager to sign and a regulator to read.

Each part of the file answers for the month through its `period_summary(conn, first,
last)`; this module only lays the answers out as tables (the same for PDF and XLSX)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from app import audit_actions, clock
from app.accounts.names import display_names, name_of
from app.i18n import translate
from app.reports.builders import month_bounds
from app.store.schema import audit_event

BACKUP_ACTIONS = ("backup.created", "backup.verified", "backup.restored")


def compliance_report(conn, period: str, lang: str):
    """(summary, charts, tables) for the month `period` (YYYY-MM)."""
    start, end, first, nxt = month_bounds(period)
    last = nxt - timedelta(days=1)
    summary: list[tuple[str, object]] = []
    tables: list[tuple[str, list[str], list[list[object]], str]] = []
    for part in PARTS:
        part_summary, part_tables = part(conn, first, last, start, end, lang)
        summary += part_summary
        tables += part_tables
    return summary, [], tables


def backup_evidence(conn, _first, _last, start: str, end: str, lang: str):
    """Backups made, test-restored and restored in the month, from the audit log."""
    tr = lambda s: translate(s, lang)  # noqa: E731
    ev = audit_event.c
    rows = conn.execute(select(ev.at, ev.actor, ev.action, ev.outcome, ev.detail)
                        .where(ev.at >= start, ev.at < end, ev.action.in_(BACKUP_ACTIONS))
                        .order_by(ev.seq)).all()
    names = display_names(conn)
    table = [[clock.local_text(r.at), name_of(names, r.actor),
              audit_actions.label(r.action, lang), audit_actions.result(r.outcome, lang),
              _backup_file(r.detail)] for r in rows]
    made = sum(1 for r in rows if r.action == "backup.created" and r.outcome == "ok")
    tested = sum(1 for r in rows if r.action == "backup.verified" and r.outcome == "ok")
    summary = [(tr("Backups made"), made), (tr("Backups test-restored"), tested)]
    note = "" if tested else tr("No backup was test-restored in this month.")
    return summary, [(tr("Backup evidence"), [tr("When"), tr("By"), tr("Action"),
                                              tr("Result"), tr("File")], table, note)]


def _backup_file(detail: str) -> str:
    try:
        return str(json.loads(detail or "{}").get("file", ""))
    except ValueError:
        return ""


# The parts, in the order the report shows them: (conn, first, last, start, end, lang) ->
# (summary pairs, tables).
PARTS = (backup_evidence,)
