"""The Compliance file section: a tab per part of the branch's compliance file.

Each part is a module listed in TAB_MODULES exposing `TAB = Tab(...)`; the section shows,
in `order`, the tabs whose permission the session holds, built the first time they are
chosen. A part adds its tab by adding its module, never by editing another part's.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.i18n import _
from app.security import Permission, Session
from ui.sections.common import section_title

TAB_MODULES = (
    "ui.compliance.breaches",
    "ui.compliance.assessments",
    "ui.compliance.partners",
    "ui.compliance.staff",
    "ui.compliance.reviews",
    "ui.compliance.evidence",
)


@dataclass(frozen=True)
class Tab:
    key: str                              # e.g. "breaches" (a dashboard tile's `tab`)
    title: Callable[[], str]              # called at display time
    permission: Permission
    factory: Callable[[Session], QWidget]
    order: int = 100


def all_tabs() -> list[Tab]:
    out = []
    for name in TAB_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        tab = getattr(importlib.import_module(name), "TAB", None)
        if isinstance(tab, Tab):
            out.append(tab)
    return sorted(out, key=lambda t: t.order)


def visible_tabs(session: Session) -> list[Tab]:
    return [t for t in all_tabs() if session.can(t.permission)]


class ComplianceSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Compliance file")))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("complianceTabs")
        layout.addWidget(self.tabs, 1)
        self.parts = visible_tabs(session)
        self.pages: dict[str, QWidget] = {}
        for tab in self.parts:
            holder = QWidget()
            holder.setObjectName(f"tab-{tab.key}")
            QVBoxLayout(holder).setContentsMargins(0, 8, 0, 0)
            self.tabs.addTab(holder, tab.title())
        self.tabs.currentChanged.connect(self._build)
        if self.parts:
            self._build(0)

    def _build(self, index: int) -> None:
        if not 0 <= index < len(self.parts):
            return
        tab = self.parts[index]
        if tab.key in self.pages:
            return
        page = tab.factory(self.session)
        self.pages[tab.key] = page
        self.tabs.widget(index).layout().addWidget(page)

    def show_part(self, key: str) -> QWidget | None:
        """Bring the tab `key` forward (a dashboard tile's click); its page, or None."""
        for i, tab in enumerate(self.parts):
            if tab.key == key:
                self.tabs.setCurrentIndex(i)
                self._build(i)
                return self.pages[key]
        return None
