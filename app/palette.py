"""The colours that mean something, in one place: the dashboard's charts
(ui/oversight/charts.py) and the reports' PDF charts (app/reports/render.py) both draw
with these, so a complaint is the same red on the screen and on paper."""

from __future__ import annotations

from app.customers.model import CaseKind

CASE_KIND_COLOURS: dict[CaseKind, str] = {
    CaseKind.SERVICE: "#1f5fa8",
    CaseKind.FAULT: "#e08e45",
    CaseKind.INQUIRY: "#6a994e",
    CaseKind.COMPLAINT: "#b3261e",
    CaseKind.SUGGESTION: "#8d6cc4",
}
# A chart's series take these in order; the first ones are the case kinds in their order,
# so a chart of cases by kind (series in CaseKind order) matches the dashboard's.
SERIES_COLOURS: tuple[str, ...] = (*CASE_KIND_COLOURS.values(), "#3f7cac", "#999999")
ON_TIME = "#7ea6d6"
LATE = "#b3261e"
INK = "#1d2733"
MUTED = "#55606e"
GRID = "#e4e7ec"
