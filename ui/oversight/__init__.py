"""The managers' oversight screens: Dashboard (their home), Access log, Alerts, Reports and
Import. `register_sections()` adds the five to the main window's registry."""

from __future__ import annotations

from app.i18n import _
from app.security import Permission


def register_sections() -> None:
    from ui.oversight.access_log import AccessLogSection
    from ui.oversight.alerts import AlertsSection
    from ui.oversight.dashboard import DashboardSection
    from ui.oversight.import_section import ImportSection
    from ui.oversight.reports import ReportsSection
    from ui.sections import Section, register

    register(Section("dashboard", lambda: _("Dashboard"), Permission.OVERSIGHT,
                     DashboardSection, order=5))
    register(Section("access_log", lambda: _("Access log"), Permission.OVERSIGHT,
                     AccessLogSection, order=50))
    register(Section("alerts", lambda: _("Alerts"), Permission.OVERSIGHT, AlertsSection,
                     order=55))
    register(Section("reports", lambda: _("Reports"), Permission.OVERSIGHT, ReportsSection,
                     order=60))
    register(Section("import", lambda: _("Import"), Permission.IMPORT, ImportSection,
                     order=65))
