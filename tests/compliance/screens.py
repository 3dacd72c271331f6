"""The Compliance file section opened on one of its tabs, for the UI tests of its parts."""

from __future__ import annotations

from ui.compliance.section import ComplianceSection
from ui.worker import idle_tasks

KEPT: list = []  # the sections under test, alive until the next test opens one


def open_part(qtbot, session, key: str):
    """The section as `session` sees it, `key`'s tab in front, its listing read."""
    KEPT.clear()
    section = ComplianceSection(session)
    KEPT.append(section)
    qtbot.addWidget(section)
    section.resize(1200, 720)
    section.show()
    page = section.show_part(key)
    qtbot.waitUntil(idle_tasks, timeout=10_000)
    return page
