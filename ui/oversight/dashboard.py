"""The Dashboard, the manager's home: a tile per figure that needs attention (each opens its
list), the compliance file's tiles, and two charts. Figures come from app.oversight.dashboard in one call, on the worker,
each time the section is shown or Refresh is pressed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.compliance.tiles import ComplianceTile
from app.customers.model import CaseKind
from app.errors import CustosError
from app.i18n import _
from app.oversight.dashboard import Dashboard, dashboard
from app.security import Session
from ui.oversight.charts import CasesPerMonthChart, TurnaroundChart
from ui.oversight.common import RED, age_text, can_open, check, choose, open_section, show_tab
from ui.sections.common import section_title, set_status
from ui.style import ACCENT, unbroken
from ui.worker import run_in_background

BACKUP_DAYS, VERIFIED_DAYS = 1, 8  # older than this, the tile turns red
COMPLIANCE_PAGE = 0  # the lower tabs: the compliance file's tiles, then the charts
TILE_MIN_WIDTH = 150
TILE_STYLE = f"""
QFrame#tile {{ background: #ffffff; border: 1px solid #dde1e7; border-radius: 8px; }}
QFrame#tile[clickable="true"]:hover {{ border: 1px solid {ACCENT}; background: #f7faff; }}
QFrame#tile:focus {{ border: 1px solid {ACCENT}; }}
QLabel#tileValue {{ font-size: 24px; font-weight: bold; color: #1d2733; }}
QLabel#tileValue[alarm="true"] {{ color: {RED}; }}
QLabel#tileTitle {{ font-weight: bold; color: #2b3644; }}
QLabel#tileDetail {{ color: #55606e; }}
QLabel#group {{ color: #55606e; font-weight: bold; }}
"""

# What each tile opens: (section key, how to narrow that section's list).
OPEN = 0
OVERDUE = 1
TARGETS: dict[str, tuple[str, Callable[[QWidget], None] | None]] = {
    "cases_open": ("cases", lambda s: (check(s, "mine", False), check(s, "overdue", False))),
    "cases_overdue": ("cases", lambda s: (check(s, "mine", False), check(s, "overdue", True))),
    "requests_open": ("requests", lambda s: choose(s, "filters", OPEN)),
    "requests_week": ("requests", lambda s: choose(s, "filters", OPEN)),
    "requests_overdue": ("requests", lambda s: choose(s, "filters", OVERDUE)),
    "erasures": ("requests", lambda s: choose(s, "filters", OPEN)),
    "files_on_loan": ("archive", None),
    "files_overdue": ("archive", lambda s: show_tab(s, "overdue")),
    "files_awaiting": ("archive_approvals", None),
    "alerts": ("alerts", None),
}


class Tile(QFrame):
    """A figure, what it counts, and a detail line; clicking it opens its list."""

    clicked = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("tile")
        self.setProperty("clickable", False)
        # Every tile as wide as the others, whatever its words: the width is the grid's
        # (equal column stretches), never the longest word's.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(TILE_MIN_WIDTH, 92)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.value = QLabel("–")
        self.value.setObjectName("tileValue")
        self.title = QLabel()
        self.title.setObjectName("tileTitle")
        self.title.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("tileDetail")
        self.detail.setWordWrap(True)
        for label in (self.value, self.title, self.detail):
            layout.addWidget(label)
        layout.addStretch(1)

    def set_clickable(self, on: bool) -> None:
        self.setProperty("clickable", on)
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if on else Qt.FocusPolicy.NoFocus)
        self.setToolTip(_("Open the list") if on else "")
        self.style().unpolish(self)
        self.style().polish(self)

    def show_figure(self, value: str, title: str, detail: str = "", alarm: bool = False) -> None:
        self.value.setText(value)
        self.value.setProperty("alarm", alarm)
        self.value.style().unpolish(self.value)
        self.value.style().polish(self.value)
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.property("clickable"):
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and \
                self.property("clickable"):
            self.clicked.emit(self.key)
            return
        super().keyPressEvent(event)


def by_kind(counts: dict[str, int]) -> str:
    """"Fault 3 · Complaint 2", in the order of the kinds, zeros left out; the line wraps
    only between the kinds, never inside one (a Chinese label would break mid-word)."""
    return " · ".join(unbroken(f"{kind.label} {counts[kind.value]}") for kind in CaseKind
                      if counts.get(kind.value))


class DashboardSection(QWidget):
    open_list = Signal(str)  # a tile's key, when it was clicked

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.figures: Dashboard | None = None
        self._busy = False
        self.setStyleSheet(TILE_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)

        top = QHBoxLayout()
        top.addWidget(section_title(_("Dashboard")))
        top.addStretch(1)
        self.updated = QLabel()
        self.updated.setObjectName("hint")
        top.addWidget(self.updated)
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        rows = (("cases_open", "cases_overdue", "alerts", "erasures"),
                ("requests_open", "requests_week", "requests_overdue", "backup"),
                ("files_on_loan", "files_overdue", "files_awaiting", "verified"))
        for r, keys in enumerate(rows):
            for c, key in enumerate(keys):
                tile = Tile(key)
                tile.clicked.connect(self.go)
                self.tiles[key] = tile
                grid.addWidget(tile, r, c)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        layout.addLayout(grid)
        # Below the branch's tiles, one page at a time (the window is 760 pixels high): the
        # compliance file's tiles (app/compliance/tiles.py, as many as its parts offer; its
        # tab names how many need attention) and the two charts.
        self.lower = QTabWidget()
        self.lower.setDocumentMode(True)
        compliance_page = QWidget()
        compliance_layout = QVBoxLayout(compliance_page)
        compliance_layout.setContentsMargins(0, 12, 0, 0)
        self.compliance_grid = QGridLayout()
        self.compliance_grid.setHorizontalSpacing(12)
        self.compliance_grid.setVerticalSpacing(12)
        for c in range(4):
            self.compliance_grid.setColumnStretch(c, 1)
        compliance_layout.addLayout(self.compliance_grid)
        compliance_layout.addStretch(1)
        self.compliance_tiles: dict[str, tuple[Tile, str]] = {}  # key -> (tile, its tab)
        self.lower.addTab(compliance_page, _("Compliance file"))
        self.lower.setTabVisible(COMPLIANCE_PAGE, False)
        trends_page = QWidget()
        charts = QHBoxLayout(trends_page)
        charts.setContentsMargins(0, 12, 0, 0)
        charts.setSpacing(12)
        self.cases_chart = CasesPerMonthChart()
        self.turnaround_chart = TurnaroundChart()
        charts.addWidget(self.cases_chart, 1)
        charts.addWidget(self.turnaround_chart, 1)
        self.lower.addTab(trends_page, _("Trends"))
        layout.addWidget(self.lower, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

    # -- figures ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        for key, tile in self.tiles.items():
            tile.set_clickable(key in TARGETS and can_open(self, TARGETS[key][0]))
        self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.refresh_button.setEnabled(False)
        session = self.session
        run_in_background(self, lambda _p: dashboard(session), self._show, self._failed,
                          show_after_ms=None)

    def _failed(self, sentence: CustosError) -> None:
        self._busy = False
        self.refresh_button.setEnabled(True)
        set_status(self.status, sentence, ok=False)

    def _show(self, figures: Dashboard) -> None:
        self._busy = False
        self.refresh_button.setEnabled(True)
        self.status.hide()
        self.figures = figures
        self.updated.setText(_("Updated at {time}").format(
            time=clock.local_text(clock.stamp())[11:]))
        t = self.tiles
        open_cases, late_cases = figures.cases_open, figures.cases_overdue
        t["cases_open"].show_figure(str(sum(open_cases.values())), _("Open cases"),
                                    by_kind(open_cases))
        late = sum(late_cases.values())
        t["cases_overdue"].show_figure(str(late), _("Overdue cases"), by_kind(late_cases),
                                       alarm=late > 0)
        t["alerts"].show_figure(str(figures.alerts_open), _("Unacknowledged alerts"),
                                alarm=figures.alerts_open > 0)
        t["erasures"].show_figure(str(figures.erasures_awaiting), _("Erasures awaiting"),
                                  _("Erasure requests not yet decided"))
        req = figures.requests
        t["requests_open"].show_figure(str(req.get("open", 0)), _("Open rights requests"))
        t["requests_week"].show_figure(str(req.get("due_this_week", 0)),
                                       _("Requests due this week"))
        t["requests_overdue"].show_figure(str(req.get("overdue", 0)), _("Overdue requests"),
                                          alarm=req.get("overdue", 0) > 0)
        files = figures.files
        t["files_on_loan"].show_figure(str(files.get("on_loan", 0)), _("Files on loan"))
        t["files_overdue"].show_figure(str(files.get("overdue", 0)), _("Loans overdue"),
                                       alarm=files.get("overdue", 0) > 0)
        t["files_awaiting"].show_figure(str(files.get("awaiting_approval", 0)),
                                        _("Loans awaiting approval"))
        self._backup_tile(t["backup"], figures.last_backup, _("Last successful backup"),
                          BACKUP_DAYS)
        self._backup_tile(t["verified"], figures.last_verified, _("Last verified backup"),
                          VERIFIED_DAYS)
        kinds = [(k.value, k.label) for k in CaseKind]
        months = list(figures.cases_per_month)
        self.cases_chart.set_data(months, kinds, figures.cases_per_month)
        self.turnaround_chart.set_data(figures.turnaround)
        self._show_compliance(figures.compliance)

    def _show_compliance(self, offered: list[ComplianceTile]) -> None:
        first_time = not self.lower.isTabVisible(COMPLIANCE_PAGE)
        self.lower.setTabVisible(COMPLIANCE_PAGE, bool(offered))
        alarms = sum(figure.alarm for figure in offered)
        self.lower.setTabText(COMPLIANCE_PAGE, _("Compliance file — {count} need attention")
                              .format(count=alarms) if alarms else _("Compliance file"))
        self.lower.tabBar().setTabTextColor(
            COMPLIANCE_PAGE, QColor(RED) if alarms else self.lower.palette().windowText().color())
        if offered and first_time:
            self.lower.setCurrentIndex(COMPLIANCE_PAGE)
        for figure in offered:
            if figure.key not in self.compliance_tiles:
                tile = Tile(figure.key)
                tile.clicked.connect(self.go)
                n = len(self.compliance_tiles)
                self.compliance_grid.addWidget(tile, n // 4, n % 4)
                tile.set_clickable(bool(figure.tab) and can_open(self, "compliance"))
                self.compliance_tiles[figure.key] = (tile, figure.tab)
            self.compliance_tiles[figure.key][0].show_figure(
                figure.value, figure.title, figure.detail, alarm=figure.alarm)

    @staticmethod
    def _backup_tile(tile: Tile, value: str, title: str, limit_days: int) -> None:
        stamp, _sep, name = value.partition("|")
        age, days = age_text(stamp)
        detail = clock.local_text(stamp) if days is not None else _("No backup on record")
        tile.show_figure(age, title, detail, alarm=days is None or days > limit_days)
        tile.setToolTip(name)  # a file name is one long word: it would widen its column

    # -- lists behind the tiles ---------------------------------------------------------

    def go(self, key: str) -> None:
        self.open_list.emit(key)
        if key in TARGETS:
            section_key, adjust = TARGETS[key]
            open_section(self, section_key, adjust)
        elif key in self.compliance_tiles:
            tab = self.compliance_tiles[key][1]
            open_section(self, "compliance", lambda section: section.show_part(tab))
