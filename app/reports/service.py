"""Building a named report for a month, as PDF or XLSX (managers)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from app import audit, clock
from app.errors import ValidationError
from app.i18n import N_, current_language, translate
from app.oversight.review import permission_review
from app.reports import builders
from app.reports.compliance import compliance_report
from app.reports.model import Chart, Report, Table
from app.reports.render import to_pdf, to_xlsx
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import branch_name
from app.store.atomic import write_atomic

TITLES = {
    "cases": N_("Monthly service-case report"),
    "requests": N_("Rights-requests report"),
    "archive": N_("Archive report"),
    "access": N_("Access-log summary"),
    "permissions": N_("Permission review"),
    "compliance": N_("Compliance summary"),
}
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@requires(Permission.OVERSIGHT)
def build_report(session: Session, name: str, period: str, language: str | None = None) -> Report:
    if name not in TITLES:
        raise ValidationError(translate("Unknown report; the reports are cases, requests, "
                                        "archive, access, permissions and compliance.",
                                        language or current_language()), field="name")
    if not _PERIOD.match(period or ""):
        raise ValidationError(translate("Give the period as YYYY-MM, for example 2026-10.",
                                        language or current_language()), field="period")
    lang = language or current_language()
    if name == "permissions":
        _s, _e, first, nxt = builders.month_bounds(period)
        reviews = permission_review(session, first.isoformat(),
                                    (nxt - timedelta(days=1)).isoformat(), today=date.today())
        summary, charts, tables = builders.permissions_rows(reviews, lang)
    else:
        build = {"cases": builders.cases_report, "requests": builders.requests_report,
                 "archive": builders.archive_report, "access": builders.access_report,
                 "compliance": compliance_report}[name]
        with session.db.read() as conn:
            summary, charts, tables = build(conn, period, lang)
    return Report(name, translate(TITLES[name], lang), period, branch_name(session.db),
                  session.display_name, clock.local_text(clock.stamp()), lang, summary,
                  [Chart(h, c, s, st) for h, c, s, st in charts],
                  [Table(h, hd, rows, note) for h, hd, rows, note in tables])


@requires(Permission.OVERSIGHT)
def write_report(session: Session, name: str, period: str, out: Path,
                 language: str | None = None) -> Path:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError(translate("A report is written as .pdf or .xlsx.",
                                        language or current_language()), field="out")
    report = build_report(session, name, period, language)
    data = to_pdf(report) if suffix == ".pdf" else to_xlsx(report)
    write_atomic(out, data)
    audit.record(session.db, actor=session.username, action="report.printed",
                 detail={"report": name, "period": period, "format": suffix[1:]})
    return out


@requires(Permission.OVERSIGHT)
def report_pdf(session: Session, name: str, period: str,
               language: str | None = None) -> tuple[bytes, str]:
    """The PDF for preview and printing; printing it is on record like saving it."""
    report = build_report(session, name, period, language)
    data = to_pdf(report)
    audit.record(session.db, actor=session.username, action="report.printed",
                 detail={"report": name, "period": period, "format": "pdf"})
    return data, report.title
