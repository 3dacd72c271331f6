"""The registry of main-window sections: what each is called, who may see it, how to build it.

A later capability (customers, archive, requests...) is a package under ui/ with a
`register_sections()` that calls `register`; `register_capabilities` (run at start-up)
calls each one present. The main window shows, in `order`, the sections whose permission
the session holds. Hiding a section
is a courtesy — the services behind it refuse the call on their own.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.security import Permission, Session
from ui.sections.access import AccessRequestsSection
from ui.sections.home import HomeSection
from ui.sections.integrity import IntegritySection
from ui.sections.settings import SecuritySettingsSection
from ui.sections.tasks import TasksSection
from ui.sections.users import UsersSection


@dataclass(frozen=True)
class Section:
    key: str
    title: Callable[[], str]  # called at display time, so a language switch takes effect
    permission: Permission
    factory: Callable[[Session], QWidget]
    order: int = 100
    # Who sees it, when the permission alone does not say (a section of tabs shown to
    # whoever may see one of its tabs); None: whoever holds `permission`.
    shown_to: Callable[[Session], bool] | None = None

    def visible(self, session: Session) -> bool:
        return self.shown_to(session) if self.shown_to else session.can(self.permission)


SECTIONS: list[Section] = [
    Section("tasks", lambda: _("Tasks"), Permission.ACCOUNTS_MANAGE, TasksSection, order=1),
    # Every role holds OWN_ACCOUNT: everyone can read what their roles do, and the keys.
    # Nobody starts there (ui.navigation.LANDINGS), so it comes last.
    Section("home", lambda: _("My roles and shortcuts"), Permission.OWN_ACCOUNT, HomeSection,
            order=990),
    Section("access", lambda: _("Access requests"), Permission.ACCESS_GRANT,
            AccessRequestsSection, order=70),
    Section("users", lambda: _("Users"), Permission.ACCOUNTS_MANAGE, UsersSection, order=800),
    Section("security", lambda: _("Security settings"), Permission.SECURITY_SETTINGS,
            SecuritySettingsSection, order=850),
    Section("integrity", lambda: _("Audit log integrity"), Permission.AUDIT_VERIFY,
            IntegritySection, order=900),
]


def register(section: Section) -> None:
    """Add a section, or replace the one with the same key."""
    SECTIONS[:] = [s for s in SECTIONS if s.key != section.key]
    SECTIONS.append(section)


# Capability packages asked for their sections at start-up, if they are installed.
CAPABILITIES = ("ui.customers", "ui.rights", "ui.archive", "ui.oversight", "ui.backups",
                "ui.compliance")


def register_capabilities() -> list[str]:
    """Let every capability package present register its sections; returns their names."""
    found = []
    for name in CAPABILITIES:
        if importlib.util.find_spec(name) is None:
            continue
        hook = getattr(importlib.import_module(name), "register_sections", None)
        if callable(hook):
            hook()
            found.append(name)
    return found


def sections_for(session: Session) -> list[Section]:
    return sorted((s for s in SECTIONS if s.visible(session)), key=lambda s: s.order)
