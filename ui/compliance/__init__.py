"""The compliance file's screen (合规台账): one section, a tab per part of the file
(ui/compliance/section.py). `register_sections()` adds it to the main window's registry."""

from __future__ import annotations

from app.i18n import _
from app.security import Permission


def register_sections() -> None:
    from ui.compliance.section import ComplianceSection, visible_tabs
    from ui.sections import Section, register

    # The manager keeps the file; a part an administrator must act on (staff agreements,
    # the decisions of a permission review) also shows where the administrator works.
    register(Section("compliance", lambda: _("Compliance file"), Permission.COMPLIANCE,
                     ComplianceSection, order=58,
                     shown_to=lambda session: bool(visible_tabs(session))))
