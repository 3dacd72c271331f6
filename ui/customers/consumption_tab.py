"""The Consumption tab: every month on record, payments, and a small chart of the amounts
billed in the last 12 months (drawn with QPainter; no chart library)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from app.customers.model import ConsumptionMonth, PaymentRecord
from app.customers.records import twelve_months_ago
from app.customers.services import PAYMENT_CHANNELS
from app.i18n import _
from ui.customers.common import fill_table, gigabytes, read_only_table, yuan
from ui.style import ACCENT, TAB_MARGINS


def last_twelve(today: date | None = None) -> list[str]:
    """The 12 months ending with this one, oldest first, as YYYY-MM."""
    first = twelve_months_ago(today)
    year, month = int(first[:4]), int(first[5:])
    out = []
    for _i in range(12):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def billed_by_month(history: tuple[ConsumptionMonth, ...], months: list[str]) -> list[int]:
    totals: dict[str, int] = defaultdict(int)
    for row in history:
        totals[row.period] += row.billed_fen
    return [totals.get(m, 0) for m in months]


class BilledChart(QWidget):
    """Bars of the billed amount per month, all services together."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[str] = []
        self.amounts: list[int] = []
        self.setMinimumHeight(150)
        self.setToolTip(_("Amount billed per month, all services together"))

    def set_data(self, months: list[str], amounts: list[int]) -> None:
        self.months, self.amounts = months, amounts
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 170)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QColor("#dde1e7"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if not self.amounts:
            return
        metrics = painter.fontMetrics()
        line = metrics.height()
        top, bottom, left, right = line + 8, line + 8, 10, 10
        width = self.width() - left - right
        height = self.height() - top - bottom
        slot = width / len(self.amounts)
        peak = max(max(self.amounts), 1)
        for i, (month, amount) in enumerate(zip(self.months, self.amounts, strict=True)):
            bar_height = height * amount / peak
            x = left + i * slot + slot * 0.18
            bar = QRectF(x, top + height - bar_height, slot * 0.64, bar_height)
            painter.fillRect(bar, QColor(ACCENT if i == len(self.amounts) - 1 else "#7ea6d6"))
            painter.setPen(QColor("#55606e"))
            label = QRectF(left + i * slot, top + height + 4, slot, line)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, month[5:])
            if amount == peak or i == len(self.amounts) - 1:
                painter.setPen(QColor("#1d2733"))
                value = QRectF(left + i * slot - slot, top + height - bar_height - line - 2,
                               slot * 3, line)
                painter.drawText(value, Qt.AlignmentFlag.AlignCenter, yuan(amount))
        painter.end()


def channel_label(value: str) -> str:
    known = dict(PAYMENT_CHANNELS)
    return _(known[value]) if value in known else value


class ConsumptionTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        top = QHBoxLayout()
        self.chart = BilledChart()
        top.addWidget(self.chart, 2)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.months = read_only_table([_("Month"), _("Service number"), _("Voice (min)"),
                                       _("SMS"), _("Data"), _("Billed")], stretch=1)
        self.payments = read_only_table([_("Paid on"), _("Service number"), _("Channel"),
                                         _("Amount"), _("For month")], stretch=1)
        months_box, payments_box = QWidget(), QWidget()
        for box, title, table in ((months_box, _("Monthly consumption"), self.months),
                                  (payments_box, _("Payments"), self.payments)):
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 8, 0, 0)
            heading = QLabel(title)
            heading.setStyleSheet("font-weight: bold;")
            column.addWidget(heading)
            column.addWidget(table)
            splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

    def show_consumption(self, history: tuple[ConsumptionMonth, ...],
                         payments: tuple[PaymentRecord, ...]) -> None:
        months = last_twelve()
        amounts = billed_by_month(history, months)
        self.chart.set_data(months, amounts)
        total = sum(amounts)
        self.summary.setText("\n".join((
            _("Billed in the last 12 months: {total}").format(total=yuan(total)),
            _("Monthly average: {average}").format(average=yuan(total // 12)),
            _("Months on record: {count}").format(count=len({r.period for r in history})))))
        fill_table(self.months, [
            (row.period, row.service_no, f"{row.voice_minutes:,}", f"{row.sms_count:,}",
             gigabytes(row.data_mb), yuan(row.billed_fen)) for row in history],
            align_right=(2, 3, 4, 5))
        fill_table(self.payments, [
            (p.paid_on, p.service_no, channel_label(p.channel), yuan(p.amount_fen),
             p.period or "") for p in payments], align_right=(3,))
