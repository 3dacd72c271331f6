"""The steps of a request as a line: received → identity verified → in progress → closed."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.clock import local_text
from app.rights.model import RequestStatus, RightsRequest
from ui.lifetime import delete_later
from ui.rights.common import DONE, MUTED, OVERDUE
from ui.style import ACCENT

STEPS = (RequestStatus.RECEIVED, RequestStatus.VERIFIED, RequestStatus.IN_PROGRESS)


class Timeline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 4, 0, 4)
        self.labels: list[QLabel] = []

    def show_request(self, request: RightsRequest) -> None:
        while self.labels:
            label = self.labels.pop()
            self.row.removeWidget(label)
            delete_later(label)
        while self.row.count():
            self.row.takeAt(0)
        status = RequestStatus(request.status)
        final = status if status in (RequestStatus.COMPLETED, RequestStatus.REFUSED) \
            else RequestStatus.COMPLETED
        steps = (*STEPS, final)
        reached = steps.index(status)
        for index, step in enumerate(steps):
            if index:
                self._add("→<br>&nbsp;", MUTED.name())
            when = ""
            if index == 0:
                when = local_text(request.received_at)
            elif index == 3 and request.decided_at:
                when = local_text(request.decided_at)
            mark = "●" if index <= reached else "○"
            weight = 700 if index == reached else 400
            text = (f"<span style='font-weight:{weight}'>{mark}&nbsp;&nbsp;"
                    f"{escape(step.label)}</span><br><span style='color:#55606e;"
                    f"font-size:11px'>{when or '&nbsp;'}</span>")
            if index > reached:
                colour = MUTED.name()
            elif index == 3:
                colour = (OVERDUE if step is RequestStatus.REFUSED else DONE).name()
            else:
                colour = ACCENT
            self._add(text, colour)
        self.row.addStretch(1)

    def _add(self, text: str, colour: str) -> None:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setStyleSheet(f"color: {colour}; padding: 0 6px;")
        self.labels.append(label)
        self.row.addWidget(label)
