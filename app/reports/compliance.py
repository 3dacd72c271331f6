"""The monthly compliance summary (`custos report compliance`): what the branch's
compliance file (app/compliance) held and what fell due in one calendar month — breaches,
impact assessments due, disclosures to partners and approved bulk exports, trainings due,
permission reviews and the alerts about managers' own actions left open, notices and
objections answered, and the backup evidence — for the manager to sign and a regulator to
read.

Each part of the file answers for the month through its `period_summary(conn, first,
last)` (no customer data beyond customer numbers); this module only lays the answers out
as tables (the same for PDF and XLSX), in the report's language."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.accounts.names import display_names, name_of
from app.i18n import N_, translate
from app.reports.builders import month_bounds

Section = tuple[list[tuple[str, object]], list[tuple[str, list[str], list[list[object]], str]]]


def compliance_report(conn, period: str, lang: str):
    """(summary, charts, tables) for the month `period` (YYYY-MM)."""
    _start, _end, first, nxt = month_bounds(period)
    last = nxt - timedelta(days=1)
    names = display_names(conn)
    summary: list[tuple[str, object]] = []
    tables: list[tuple[str, list[str], list[list[object]], str]] = []
    for part in PARTS:
        part_summary, part_tables = part(conn, first, last, lang, names)
        summary += part_summary
        tables += part_tables
    return summary, [], tables


def _tr(lang: str):
    return lambda s: translate(s, lang)


def _yes(value: bool, lang: str) -> str:
    return translate(N_("yes"), lang) if value else translate(N_("no"), lang)


def breaches(conn, first, last, lang, names) -> Section:
    from app.compliance.breaches import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = [[r["number"], r["detected_at"], r["summary"], tr(STATES.get(r["state"], r["state"])),
              f'{r["customers_notified"]}/{r["customers"]}', r["regulator_due"],
              r["regulator_notified"] or tr("not yet"), r["closed_at"],
              _yes(r["late"], lang)] for r in rows]
    late = sum(1 for r in rows if r["late"])
    return ([(tr("Personal-data breaches"), len(rows)), (tr("Breach notifications late"), late)],
            [(tr("Personal-data breaches"),
              [tr("No."), tr("Detected"), tr("What happened"), tr("State"),
               tr("Customers notified / affected"), tr("Regulator due"), tr("Regulator notified"),
               tr("Closed"), tr("Late")], table,
              "" if rows else tr("No breach was open in this month."))])


STATES = {"open": N_("open"), "closed": N_("closed")}
ASSESSMENT_EVENTS = {"recorded": N_("recorded"), "approved": N_("approved"),
                     "review_due": N_("review due")}


def assessments(conn, first, last, lang, names) -> Section:
    from app.compliance.assessments import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = [[r.number, r.activity_label, r.version, tr(ASSESSMENT_EVENTS.get(r.event, r.event)),
              r.on, name_of(names, r.by) if r.by else "",
              tr("the only manager approved their own") if r.sole_manager else ""]
             for r in rows]
    due = sum(1 for r in rows if r.event == "review_due")
    return ([(tr("Impact assessments recorded or approved"), len(rows) - due),
             (tr("Impact assessments due for review"), due)],
            [(tr("Impact assessments"),
              [tr("No."), tr("Activity"), tr("Version"), tr("Event"), tr("Date"), tr("By"),
               tr("Note")], table, "")])


PARTNER_KINDS = {"disclosure": N_("disclosure"), "check": N_("supervision check"),
                 "agreement_ended": N_("agreement ended"), "export": N_("bulk export")}


def partners(conn, first, last, lang, names) -> Section:
    from app.compliance.partners import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = []
    for r in rows:
        detail = r.get("what", "")
        if r["kind"] == "disclosure":
            basis = r.get("legal_basis") or tr("the customer's consent")
            detail = f"{r.get('customer_no', '')} · {r.get('items', '')} · {basis}"
        elif r["kind"] == "export":
            detail = " · ".join(str(x) for x in (r.get("what", ""), r.get("state", ""),
                                                 r.get("rows_written", "")) if x != "")
        table.append([r["date"], tr(PARTNER_KINDS.get(r["kind"], r["kind"])),
                      r.get("partner", ""), detail, name_of(names, r.get("by", ""))])
    disclosed = sum(1 for r in rows if r["kind"] == "disclosure")
    exports = sum(1 for r in rows if r["kind"] == "export")
    return ([(tr("Disclosures to partners"), disclosed), (tr("Bulk exports"), exports)],
            [(tr("Partners, disclosures and bulk exports"),
              [tr("Date"), tr("Kind"), tr("Partner"), tr("What"), tr("By")], table, "")])


STAFF_KINDS = {"training": N_("training held"), "due": N_("training overdue"),
               "no_agreement": N_("no confidentiality agreement")}


def staff(conn, first, last, lang, names) -> Section:
    from app.compliance.staff import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = []
    for r in rows:
        if r.kind == "training":
            detail = tr("{topic} ({count} attendees)").format(topic=r.topic, count=r.attendees)
        elif r.kind == "due":
            detail = tr("last training: {day}").format(day=r.last or tr("never"))
        else:
            detail = tr("reads customer data")
        who = "" if r.kind == "training" else name_of(names, r.who)  # the trainee's
        table.append([r.day, tr(STAFF_KINDS[r.kind]), who, detail])
    due = sum(1 for r in rows if r.kind == "due")
    missing = sum(1 for r in rows if r.kind == "no_agreement")
    return ([(tr("Training sessions held"), sum(1 for r in rows if r.kind == "training")),
             (tr("Trainings due at the month's end"), due),
             (tr("Accounts without a confidentiality agreement"), missing)],
            [(tr("Staff confidentiality and training"),
              [tr("Date"), tr("What"), tr("Person"), tr("Detail")], table,
              "" if rows else tr("No training was held or due in this month, and every "
                                 "account reading customer data has its agreement."))])


REVIEW_KINDS = {"signed": N_("review signed"), "due": N_("review overdue"),
                "never_reviewed": N_("never reviewed"),
                "waiting_alert": N_("alert about a manager's own actions, still open")}


def reviews(conn, first, last, lang, names) -> Section:
    from app.compliance.reviews import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = []
    for r in rows:
        if r.kind == "signed":
            detail = tr("{accounts} accounts, {changes} changes, {done} carried out").format(
                accounts=r.accounts, changes=r.changes, done=r.carried_out)
            if r.own_account:
                detail += " · " + tr("decided on their own account")
        elif r.kind == "waiting_alert":
            detail = tr("alert {number}").format(number=r.alert)
        else:
            detail = ""
        table.append([r.day, tr(REVIEW_KINDS.get(r.kind, r.kind)),
                      name_of(names, r.who) if r.who else "", detail])
    waiting = sum(1 for r in rows if r.kind == "waiting_alert")
    return ([(tr("Permission reviews signed"), sum(1 for r in rows if r.kind == "signed")),
             (tr("Alerts waiting for another manager"), waiting)],
            [(tr("Permission reviews"), [tr("Date"), tr("What"), tr("Who"), tr("Detail")],
              table, tr("An alert about a manager's own actions waits for another manager; "
                        "in a branch with one manager it stays open and is listed here.")
              if waiting else "")])


NOTICE_KINDS = {"notice_printed": N_("information notice printed"),
                "notice_answer": N_("information notice given on a request"),
                "objection_reviewed": N_("objection to profiling reviewed by a person")}


def notices(conn, first, last, lang, names) -> Section:
    from app.rights.notice import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = [[clock.local_text(r.at), tr(NOTICE_KINDS.get(r.what, r.what)), r.request_no,
              r.customer_no, name_of(names, r.by)] for r in rows]
    return ([(tr("Objections to profiling reviewed"),
              sum(1 for r in rows if r.what == "objection_reviewed"))],
            [(tr("Notices and objections"), [tr("When"), tr("What"), tr("Request"),
                                            tr("Customer"), tr("By")], table, "")])


BACKUP_KINDS = {"backup": N_("backup"), "restore_test": N_("restore test"),
                "restore": N_("restore")}


def backups(conn, first, last, lang, names) -> Section:
    from app.compliance.evidence import period_summary

    tr, rows = _tr(lang), period_summary(conn, first, last)
    table = [[clock.local_text(r.at), tr(BACKUP_KINDS.get(r.kind, r.kind)),
              tr("succeeded") if r.outcome == "ok" else tr("failed"), r.file,
              tr("off-site") if r.offsite else tr("on-site"),
              name_of(names, r.by)] for r in rows]
    ok = [r for r in rows if r.outcome == "ok"]
    tested = sum(1 for r in ok if r.kind == "restore_test")
    return ([(tr("Backups made"), sum(1 for r in ok if r.kind == "backup")),
             (tr("Backups off-site"), sum(1 for r in ok if r.kind == "backup" and r.offsite)),
             (tr("Backups test-restored"), tested)],
            [(tr("Backup evidence"), [tr("When"), tr("What"), tr("Result"), tr("File"),
                                      tr("Where"), tr("By")], table,
              "" if tested else tr("No backup was test-restored in this month."))])


# The parts, in the order the report shows them.
PARTS = (breaches, assessments, partners, staff, reviews, notices, backups)
