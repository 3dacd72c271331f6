"""The data-rights screens: the Requests section (intake to completion of the nine kinds of
request) and the Privacy register section. `register_sections()` adds both to the registry."""

from __future__ import annotations

from app.i18n import _
from app.security import Permission


def register_sections() -> None:
    from ui.rights.register_section import RegisterSection
    from ui.rights.requests_section import RequestsSection
    from ui.sections import Section, register

    register(Section("requests", lambda: _("Requests"), Permission.REQUEST_TAKE,
                     RequestsSection, order=30))
    register(Section("privacy_register", lambda: _("Privacy register"),
                     Permission.REQUEST_DECIDE, RegisterSection, order=60))
