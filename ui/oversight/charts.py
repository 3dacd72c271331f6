"""The dashboard's two charts, drawn with QPainter (no chart library): cases per month by
kind as stacked bars with a legend, and rights-request turnaround — the days each request
took as a bar, the days it was allowed as a marker."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app import palette
from app.customers.model import CaseKind
from app.i18n import _

LATE = QColor(palette.LATE)
ON_TIME = QColor(palette.ON_TIME)
INK = QColor(palette.INK)
MUTED = QColor(palette.MUTED)
GRID = QColor(palette.GRID)
MAX_REQUESTS = 60  # the latest ones; more bars than this would be slivers


STEPS = (1, 2, 3, 4, 5, 6, 8)
TENS = (10, 15, 20, 25, 30, 40, 50, 60, 80)


def nice_top(peak: float) -> int:
    """A round number at or above `peak` for the top of the value axis: four grid steps of
    a whole, round size (1, 2, 5, 10, 15, 25, 40...)."""
    wanted = peak / 4
    for step in STEPS:
        if wanted <= step:
            return 4 * step
    scale = 1
    while True:
        for step in TENS:
            if wanted <= step * scale:
                return 4 * step * scale
        scale *= 10


def year_marks(months: list[str], slot: float, year_width: float) -> set[int]:
    """Which months carry their year under the month: each January, and the first month
    unless a January follows too closely for both years to be read apart."""
    marks = {i for i, m in enumerate(months) if m.endswith("-01")}
    first_january = min(marks, default=len(months))
    if first_january > 0 and first_january * slot >= year_width:
        marks.add(0)
    return marks


class _Chart(QWidget):
    """A white card with a title line and a plot area; subclasses draw inside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(460, 250)

    def title(self) -> str:
        return ""

    def has_data(self) -> bool:
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QColor("#dde1e7"))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        line = painter.fontMetrics().height()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(INK)
        painter.drawText(QRectF(12, 8, self.width() - 24, line), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter, self.title())
        font.setBold(False)
        painter.setFont(font)
        if not self.has_data():
            painter.setPen(MUTED)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter,
                             _("Nothing in the last 12 months."))
        else:
            self.draw(painter, line)
        painter.end()

    def draw(self, painter: QPainter, line: int) -> None:
        raise NotImplementedError

    def _legend(self, painter: QPainter, entries: list[tuple[QColor, str, bool]],
                top: float) -> float:
        """Swatches and names in a row (wrapping), left to right; returns the height used.
        A `True` third item draws the swatch as a line (a marker) instead of a square."""
        metrics = painter.fontMetrics()
        x, y, line = 12.0, top, metrics.height()
        for colour, name, as_line in entries:
            width = 14 + 4 + metrics.horizontalAdvance(name) + 14
            if x + width > self.width() - 12 and x > 12:
                x, y = 12.0, y + line + 2
            if as_line:
                painter.setPen(QPen(colour, 2.5))
                painter.drawLine(QPointF(x, y + line / 2), QPointF(x + 14, y + line / 2))
            else:
                painter.fillRect(QRectF(x + 2, y + line / 2 - 5, 10, 10), colour)
            painter.setPen(MUTED)
            painter.drawText(QRectF(x + 18, y, width, line), Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter, name)
            x += width
        return y + line - top

    def _axis(self, painter: QPainter, plot: QRectF, top_value: int) -> None:
        """Four grid lines with their values on the left of the plot."""
        line = painter.fontMetrics().height()
        for i in range(5):
            value = top_value * i / 4
            y = plot.bottom() - plot.height() * i / 4
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(MUTED)
            painter.drawText(QRectF(0, y - line / 2, plot.left() - 6, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{value:g}")


class CasesPerMonthChart(_Chart):
    """Stacked bars: one per month, one colour per kind of case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[str] = []
        self.kinds: list[tuple[str, str]] = []  # (kind, label)
        self.counts: dict[str, dict[str, int]] = {}
        self._plot = QRectF()

    def set_data(self, months: list[str], kinds: list[tuple[str, str]],
                 counts: dict[str, dict[str, int]]) -> None:
        self.months, self.kinds, self.counts = months, kinds, counts
        self.update()

    def title(self) -> str:
        return _("Cases opened per month, by kind")

    def totals(self) -> list[int]:
        return [sum(self.counts.get(m, {}).values()) for m in self.months]

    def has_data(self) -> bool:
        return any(self.totals())

    def draw(self, painter: QPainter, line: int) -> None:
        colours = {kind: QColor(palette.CASE_KIND_COLOURS[CaseKind(kind)])
                   for kind, _label in self.kinds}
        used = self._legend(painter, [(colours[k], label, False) for k, label in self.kinds],
                            top=12 + line)
        top_value = nice_top(max(self.totals()))
        left = painter.fontMetrics().horizontalAdvance(str(top_value)) + 18
        plot = QRectF(left, 12 + line + used + 12, self.width() - left - 14,
                      self.height() - (12 + line + used + 12) - 2 * line - 12)
        self._plot = plot
        self._axis(painter, plot, top_value)
        slot = plot.width() / max(len(self.months), 1)
        years = year_marks(self.months, slot,
                           painter.fontMetrics().horizontalAdvance("2026") + 8)
        for i, month in enumerate(self.months):
            x = plot.left() + i * slot + slot * 0.18
            y = plot.bottom()
            for kind, _label in self.kinds:
                n = self.counts.get(month, {}).get(kind, 0)
                if not n:
                    continue
                height = plot.height() * n / top_value
                painter.fillRect(QRectF(x, y - height, slot * 0.64, height), colours[kind])
                y -= height
            painter.setPen(MUTED)
            cell = QRectF(plot.left() + i * slot - 8, plot.bottom() + 3, slot + 16, line)
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, month[5:])
            if i in years:
                painter.drawText(cell.translated(0, line), Qt.AlignmentFlag.AlignCenter,
                                 month[:4])

    def event(self, event: QEvent) -> bool:  # Qt's name: a tooltip per bar
        if event.type() == QEvent.Type.ToolTip and self.months and self._plot.width() > 0:
            assert isinstance(event, QHelpEvent)
            slot = self._plot.width() / len(self.months)
            i = int((event.pos().x() - self._plot.left()) // slot)
            if 0 <= i < len(self.months):
                month = self.months[i]
                parts = [f"{label} {self.counts.get(month, {}).get(kind, 0)}"
                         for kind, label in self.kinds]
                QToolTip.showText(event.globalPos(), f"{month}\n" + " · ".join(parts), self)
                return True
        return super().event(event)


class TurnaroundChart(_Chart):
    """A bar per decided request (days taken), a dark marker at the days it was allowed;
    bars past their marker are red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.requests: list[tuple[str, int, int]] = []
        self._plot = QRectF()

    def set_data(self, requests: list[tuple[str, int, int]]) -> None:
        self.requests = list(requests)[-MAX_REQUESTS:]
        self.update()

    def title(self) -> str:
        return _("Rights requests: days taken against the days allowed")

    def has_data(self) -> bool:
        return bool(self.requests)

    def late_count(self) -> int:
        return sum(1 for _n, took, allowed in self.requests if took > allowed)

    def draw(self, painter: QPainter, line: int) -> None:
        used = self._legend(painter, [(ON_TIME, _("Days taken"), False),
                                      (LATE, _("Late"), False),
                                      (INK, _("Days allowed"), True)], top=12 + line)
        peak = max(max(took, allowed) for _n, took, allowed in self.requests)
        top_value = nice_top(peak)
        left = painter.fontMetrics().horizontalAdvance(str(top_value)) + 18
        plot = QRectF(left, 12 + line + used + 12, self.width() - left - 14,
                      self.height() - (12 + line + used + 12) - line - 14)
        self._plot = plot
        self._axis(painter, plot, top_value)
        slot = plot.width() / len(self.requests)
        for i, (_number, took, allowed) in enumerate(self.requests):
            x = plot.left() + i * slot + slot * 0.15
            width = max(slot * 0.7, 1.0)
            height = plot.height() * took / top_value
            painter.fillRect(QRectF(x, plot.bottom() - height, width, max(height, 1.0)),
                             LATE if took > allowed else ON_TIME)
            y = plot.bottom() - plot.height() * allowed / top_value
            painter.setPen(QPen(INK, 2.5))
            painter.drawLine(QPointF(x - slot * 0.1, y), QPointF(x + width + slot * 0.1, y))
        painter.setPen(MUTED)
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), line),
                         Qt.AlignmentFlag.AlignCenter,
                         _("{count} requests decided, {late} late").format(
                             count=len(self.requests), late=self.late_count()))

    def event(self, event: QEvent) -> bool:  # Qt's name: a tooltip per bar
        if event.type() == QEvent.Type.ToolTip and self.requests and self._plot.width() > 0:
            assert isinstance(event, QHelpEvent)
            slot = self._plot.width() / len(self.requests)
            i = int((event.pos().x() - self._plot.left()) // slot)
            if 0 <= i < len(self.requests):
                number, took, allowed = self.requests[i]
                QToolTip.showText(event.globalPos(), _(
                    "{number}: {days} days taken of {allowed} allowed").format(
                    number=number, days=took, allowed=allowed), self)
                return True
        return super().event(event)

