"""The archive room's screens: the Archive section (find, register, borrow, return, overdue,
destruction, transfers), the managers' Approvals section, and `CustomerFilesPanel` for the
customer page. `register_sections()` adds both sections to the main window's registry."""

from __future__ import annotations

from app.i18n import _
from app.security import Permission


def register_sections() -> None:
    from ui.archive.approvals import ApprovalsSection
    from ui.archive.section import ArchiveSection
    from ui.sections import Section, register

    register(Section("archive", lambda: _("Archive"), Permission.FILE_VIEW, ArchiveSection,
                     order=40))
    register(Section("archive_approvals", lambda: _("Archive approvals"),
                     Permission.FILE_APPROVE, ApprovalsSection, order=45))
