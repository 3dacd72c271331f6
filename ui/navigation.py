"""The workspace: a navigation list on the left, the chosen section on the right.

Sections are built the first time they are chosen, so a section nobody opens does no work.
Each role starts on its work (LANDINGS); Ctrl+F finds a customer from any section, for a
role that may search customers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.security import Role, Session
from ui.sections import Section, sections_for
from ui.sections.access import pending_banner

NAVIGATION_WIDTH = 220
CUSTOMERS = "customers"

# Where each role starts: counter staff on Customers (the search box has the focus), archive
# clerks on Archive › Find (the scan box has it), managers on the dashboard, administrators
# on their tasks. A person with several roles starts on the first of these that applies, in
# this order: a customer waiting at the counter or a scan at the archive desk cannot wait,
# the overview and the tasks can.
LANDINGS: tuple[tuple[Role, str], ...] = (
    (Role.COUNTER, CUSTOMERS),
    (Role.ARCHIVE, "archive"),
    (Role.MANAGER, "dashboard"),
    (Role.ADMIN, "tasks"),
)


def landing(session: Session, keys: list[str]) -> str | None:
    """The section this session starts on (the first listed when no landing is present)."""
    for role, key in LANDINGS:
        if role in session.roles and key in keys:
            return key
    return keys[0] if keys else None


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
        # Window-wide; the Customers section answers Ctrl+F itself while it is shown.
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.activated.connect(self.find_customer)
        self.navigation.currentRowChanged.connect(self._chosen)
        start = landing(session, self.keys())
        if start is not None:
            self.navigation.setCurrentRow(self.keys().index(start))

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def show_section(self, key: str) -> QWidget:
        self.navigation.setCurrentRow(self.keys().index(key))
        return self.built[key]

    def current(self) -> QWidget | None:
        return self.stack.currentWidget()

    def find_customer(self) -> None:
        """Ctrl+F: Customers, with the search box ready (built now if never opened)."""
        if CUSTOMERS in self.keys():
            self.show_section(CUSTOMERS).focus_search()

    def _follow_find(self) -> None:
        # Two live shortcuts for one key would cancel each other out.
        self.find_shortcut.setEnabled(CUSTOMERS in self.keys()
                                      and self.current() is not self.built.get(CUSTOMERS))

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
            go_to = getattr(widget, "go_to", None)  # a section that sends you elsewhere
            if go_to is not None:
                go_to.connect(self.show_section)
        self.stack.setCurrentWidget(widget)
        self._follow_find()
