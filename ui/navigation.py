"""The workspace: a navigation list on the left, the chosen section on the right.

Sections are built the first time they are chosen, so a section nobody opens does no work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.security import Session
from ui.sections import Section, sections_for
from ui.sections.access import pending_banner

NAVIGATION_WIDTH = 220


class Workspace(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sections: list[Section] = sections_for(session)
        self.built: dict[str, QWidget] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(NAVIGATION_WIDTH)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for section in self.sections:
            item = QListWidgetItem(section.title())
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            self.navigation.addItem(item)
        layout.addWidget(self.navigation)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        # An account whose access to customer data waits for a manager says so, once.
        self.banner = pending_banner(session)
        if self.banner is not None:
            right.addWidget(self.banner)
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        layout.addLayout(right, 1)
        self.navigation.currentRowChanged.connect(self._chosen)
        if self.sections:
            self.navigation.setCurrentRow(0)

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def show_section(self, key: str) -> QWidget:
        self.navigation.setCurrentRow(self.keys().index(key))
        return self.built[key]

    def current(self) -> QWidget | None:
        return self.stack.currentWidget()

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self.sections):
            return
        section = self.sections[row]
        widget = self.built.get(section.key)
        if widget is None:
            widget = section.factory(self.session)
            widget.setObjectName(f"section-{section.key}")
            self.built[section.key] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
