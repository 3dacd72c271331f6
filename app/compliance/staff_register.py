"""The staff register as a PDF (regulation art. 15), for the branch's compliance file and a
regulator's visit: each account's signed confidentiality agreement (day, SHA-256 of the
signed file), its last training and when the next falls due, then the training sessions
with their attendees."""

from __future__ import annotations

from functools import partial

from reportlab.lib.units import mm

from app import audit, clock
from app.accounts.names import display_names, name_of
from app.compliance.partners import today
from app.compliance.reviews_pdf import _roles as roles_text
from app.compliance.staff import StaffLine, staff_lines, training_months, trainings
from app.i18n import N_, translate
from app.pdf import PageFrame, Paragraph, build, esc, headings_kept_with_text, styles, table
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import branch_name

TITLE = N_("Register of staff agreements and training")


def _account_rows(lines: list[StaffLine], lang: str) -> list[list[str]]:
    tr = partial(translate, language=lang)
    rows = []
    for x in lines:
        name = f"{x.display_name} ({x.username})" if x.display_name != x.username \
            else x.username
        if x.disabled:
            name += " · " + tr("disabled")
        agreement = x.agreement_on or (tr("MISSING") if x.lacks_agreement else tr("none"))
        due = "" if x.disabled else x.training_due + (" · " + tr("OVERDUE") if x.overdue
                                                       else "")
        rows.append([name, roles_text(x.roles, lang), agreement, x.sha256[:16],
                     x.last_training or tr("never"), due])
    return rows


def _story(lines, sessions, months: int, names: dict, lang: str) -> list:
    tr = partial(translate, language=lang)
    st = styles()
    active = [x for x in lines if not x.disabled]
    story: list = [
        Paragraph(esc(tr(TITLE)), st["title"]),
        Paragraph(esc(tr("On {day}: {count} active accounts, {missing} without a signed "
                         "confidentiality agreement, {due} whose training is overdue. "
                         "Training falls due {months} months after a person's last one.")
                      .format(day=today().isoformat(), count=len(active),
                              missing=sum(x.lacks_agreement for x in active),
                              due=sum(x.overdue for x in active), months=months)),
                  st["body"]),
        Paragraph(esc(tr("Accounts, agreements and training due")), st["h2"]),
        table([tr("Person"), tr("Roles"), tr("Agreement signed"), tr("Checksum (SHA-256)"),
               tr("Last training"), tr("Training due")], _account_rows(lines, lang),
              widths=[36 * mm, 24 * mm, 28 * mm, 34 * mm, 24 * mm, 28 * mm]),
        Paragraph(esc(tr("Training sessions")), st["h2"]),
    ]
    sep = "、" if lang == "zh_CN" else ", "
    story.append(table([tr("Date"), tr("Topic"), tr("Attendees"), tr("Recorded by")],
                       [[t.held_on, t.topic, sep.join(name_of(names, p) for p in t.attendees),
                         name_of(names, t.recorded_by)] for t in sessions],
                       widths=[24 * mm, 54 * mm, 70 * mm, 26 * mm]) if sessions else
                 Paragraph(esc(tr("No training session recorded.")), st["small"]))
    return story


@requires(Permission.STAFF_RECORDS)
def register_pdf(session: Session, language: str) -> bytes:
    """The register in `language` ("zh_CN" or "en"); printing it is audited."""
    with session.db.read() as conn:
        lines, sessions = staff_lines(conn, today()), trainings(conn)
        months, names = training_months(conn), display_names(conn)
    frame = PageFrame(branch_name(session.db), translate(TITLE, language),
                      session.display_name, clock.local_text(clock.stamp()), language)
    data = build(headings_kept_with_text(_story(lines, sessions, months, names, language)),
                 frame)
    audit.record(session.db, actor=session.username, action="staff.register_printed",
                 detail={"accounts": len(lines), "language": language})
    return data
