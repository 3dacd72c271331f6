"""Row versions: two counters saving the same customer, case or request — the second is
told who changed it and when, and nothing is overwritten silently.

A form keeps the version of the record it shows (`Identity.version`, `CaseRecord.version`,
`RightsRequest.version`) and hands it back with its save as `expected_version`. Inside the
save's write transaction (writers queue on both stores) the row's version is compared; a
different one means someone saved in between: the save is refused with one sentence
naming them. Every edit bumps the version and says who made it (`edited`).
"""

from __future__ import annotations

from sqlalchemy import Table, select

from app import clock
from app.errors import Conflict
from app.i18n import _
from app.store import schema


def edited(table: Table, username: str, *, stamp: str | None = None) -> dict:
    """The values every edit of a versioned row sets besides its own."""
    return {"row_version": table.c.row_version + 1, "updated_by": username,
            "updated_at": stamp or clock.stamp()}


def check(conn, table: Table, row_id: int, expected: int | None) -> None:
    """Refuse when the row changed since the caller read version `expected` (None: the
    caller read it in this same transaction, or is not a form)."""
    if expected is None:
        return
    row = conn.execute(select(table.c.row_version, table.c.updated_by, table.c.updated_at)
                       .where(table.c.id == row_id)).first()
    if row is None or row.row_version == expected:
        return
    who = row.updated_by or ""
    name = conn.execute(select(schema.user.c.display_name)
                        .where(schema.user.c.username == who)).scalar() if who else None
    raise Conflict(_("{who} changed this record at {time}, after you opened it; nothing was "
                     "saved. Close it and open it again to see their change.")
                   .format(who=name or who or _("Someone"),
                           time=clock.local_text(row.updated_at) if row.updated_at else "?"))
