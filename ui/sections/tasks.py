"""Tasks: the administrator's first screen — what waits for them now, each with the way to it.

The list comes from app.accounts.tasks; this screen only draws it and opens the section
where a task is done (`go_to(section key)`, which the workspace follows).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.accounts.tasks import Place, Task, admin_tasks
from app.i18n import _
from app.security import Session
from ui.dialogs import hint_label
from ui.lifetime import delete_later
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

# Where each kind of task is done: the section key, and the button that opens it.
PLACES = {
    Place.ACCOUNTS: ("users", lambda: _("Open Users")),
    Place.BACKUPS: ("backups", lambda: _("Open Backups")),
    Place.KEYS: ("keys", lambda: _("Open Keys")),
    Place.COMPLIANCE: ("compliance", lambda: _("Open Compliance file")),
}
URGENT_MARK = "#b3261e"


class TaskCard(QFrame):
    def __init__(self, task: Task, go_to: Signal) -> None:
        super().__init__()
        self.setObjectName("card")
        self.task = task
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        mark = QLabel("●" if task.urgent else "○")
        mark.setStyleSheet(f"color: {URGENT_MARK};" if task.urgent else "")
        mark.setToolTip(_("Urgent") if task.urgent else "")
        row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        self.sentence = QLabel(task.sentence)
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.sentence, 1)
        key, caption = PLACES[task.place]
        self.button = QPushButton(caption())
        self.button.clicked.connect(lambda: go_to.emit(key))
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)


class TasksSection(QWidget):
    go_to = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.cards: list[TaskCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(section_title(_("Tasks")))
        layout.addWidget(hint_label(_("What waits for you now: accounts, backups and keys. "
                                      "Urgent tasks come first.")))
        self.summary = QLabel()
        layout.addWidget(self.summary)
        holder = QWidget()
        self.list = QVBoxLayout(holder)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(8)
        self.list.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        self.refresh_button = QPushButton(_("Check again"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name: time moves on
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        run_in_background(self, lambda _p: admin_tasks(session), self._show,
                          lambda sentence: set_status(self.status, sentence, ok=False),
                          show_after_ms=None)

    def _show(self, tasks: list[Task]) -> None:
        self.status.hide()
        for card in self.cards:
            self.list.removeWidget(card)
            delete_later(card)
        self.cards = [TaskCard(task, self.go_to) for task in tasks]
        for index, card in enumerate(self.cards):
            self.list.insertWidget(index, card)
        self.summary.setText(_("Nothing is waiting for you.") if not tasks else
                             _("Tasks waiting: {count}").format(count=len(tasks)))
        if self.cards:
            self.cards[0].button.setFocus(Qt.FocusReason.OtherFocusReason)
