"""The compliance file's tiles on the manager's dashboard, and its deadline alerts.

Each part of the compliance file (listed in PARTS) may offer one or more tiles through a
module-level `dashboard_tiles(conn, today) -> list[ComplianceTile]`, and the deadlines it
finds passed through `due_alerts(conn, today) -> list[Due]`; the dashboard asks every part
in one read (app/oversight/dashboard.py), draws the tiles (ui/oversight/dashboard.py) and
raises the alerts not raised yet (oversight/alerts.raise_deadlines, a write of its own), so
a part adds its tile and its alerts without touching either.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date

# The parts that offer tiles, in the order the dashboard shows them.
PARTS = (
    "app.compliance.breaches",
    "app.compliance.assessments",
    "app.compliance.partners",
    "app.compliance.staff",
    "app.compliance.reviews",
    "app.compliance.evidence",
)


@dataclass(frozen=True)
class ComplianceTile:
    key: str            # unique on the dashboard, e.g. "breaches_open"
    value: str          # the figure, short ("3", "12 days")
    title: str          # what it counts, already in the session's language
    detail: str = ""    # one line under it
    alarm: bool = False  # red: a deadline passed, something is missing or too old
    tab: str = ""       # the compliance-file tab a click opens ("" : none)


def _present(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _offers(name: str, conn, today: date) -> list:
    out = []
    for part in PARTS:
        if not _present(part):
            continue
        offer = getattr(importlib.import_module(part), name, None)
        if callable(offer):
            out.extend(offer(conn, today))
    return out


def gather(conn, today: date) -> list[ComplianceTile]:
    """Every part's tiles, in PARTS order (called inside the dashboard's read)."""
    return _offers("dashboard_tiles", conn, today)


def deadlines(conn, today: date) -> list:
    """Every part's deadline alerts due (oversight.alerts.Due), raised or not yet."""
    return _offers("due_alerts", conn, today)
