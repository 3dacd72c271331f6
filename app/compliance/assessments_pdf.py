"""An impact assessment as a PDF (个人信息保护影响评估报告), in Chinese or English: the
activity (with its privacy-register entry), purpose and necessity, data items, the risks to
customers rated, the measures, the conclusion, who assessed and who approved, the review
date and how long it is kept. Saving it is an audit event, in the same transaction."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from app import audit, clock
from app.compliance.assessment_model import Assessment, Level, one_year_after
from app.compliance.assessments import _one
from app.errors import ValidationError
from app.i18n import _, current_language, translate
from app.pdf import (
    PageFrame,
    Paragraph,
    Spacer,
    build,
    esc,
    headings_kept_with_text,
    key_values,
    styles,
    table,
)
from app.rights.labels import label as word
from app.rights.register import load_register
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import BRANCH_NAME
from app.store import schema
from app.store.atomic import write_atomic

KEPT_YEARS = 3  # PIPL Art. 56: the report and the handling record, three years at least


def kept_until(a: Assessment) -> str:
    """Three years after the version stops being the one in force (or after its review
    date while it still is), never sooner than three years after it was made."""
    end = date.fromisoformat(a.superseded_at[:10] if a.superseded_at else a.review_by)
    for _year in range(KEPT_YEARS):
        end = one_year_after(end)
    return end.isoformat()


def _person(a: Assessment, username: str | None) -> str:
    if not username:
        return ""
    name = a.names.get(username, username)
    return name if name == username else f"{name} ({username})"


def _register_rows(conn, a: Assessment, lang: str) -> list[tuple[str, str]]:
    tr = partial(translate, language=lang)
    entry = next((e for e in load_register(conn) if e.category == a.activity), None)
    if entry is None:
        return []
    bases = ("；" if lang == "zh_CN" else "; ").join(word("LegalBasis", b, lang)
                                                     for b in entry.legal_basis)
    return [(tr("Purposes"), entry.purposes.get(lang, "")), (tr("Legal basis"), bases),
            (tr("Recipients"), entry.recipients.get(lang, "")),
            (tr("Retention"), entry.retention.get(lang, ""))]


def _facts(a: Assessment, lang: str) -> list[tuple[str, str]]:
    tr = partial(translate, language=lang)
    approved = (tr("{name}, {day}").format(name=_person(a, a.approved_by),
                                           day=clock.local_text(a.approved_at)[:10])
                if a.approved_at else tr("Not yet approved"))
    rows = [(tr("Activity"), a.activity_label(lang)),
            (tr("In the privacy register"), tr("Yes") if a.in_register else
             tr("No: a new activity")),
            (tr("Version"), str(a.version)), (tr("State"), a.state(lang)),
            (tr("Assessed by"), _person(a, a.assessed_by)),
            (tr("Assessment date"), a.assessed_on), (tr("Approved by"), approved)]
    if a.sole_manager:
        rows.append(("", tr("Approved by its assessor: the branch's only manager.")))
    return rows + [(tr("Review by"), a.review_by),
                   (tr("Kept until at least"), tr("{day} (PIPL Art. 56)").format(
                       day=kept_until(a)))]


def _body(conn, a: Assessment, lang: str) -> list:
    tr = partial(translate, language=lang)
    st = styles()
    def lvl(value: str) -> str:
        return Level(value).label_in(lang)

    story = [Paragraph(esc(tr("Personal information protection impact assessment")),
                     st["title"]), key_values(_facts(a, lang))]
    register = _register_rows(conn, a, lang)
    if register:
        story += [Paragraph(esc(tr("The activity in the privacy register")), st["h1"]),
                  key_values(register)]
    for heading, text in ((tr("Purpose"), a.purpose), (tr("Necessity"), a.necessity)):
        story += [Paragraph(esc(heading), st["h1"]), Paragraph(esc(text), st["body"])]
    story += [Paragraph(esc(tr("Data items")), st["h1"]),
              Paragraph(esc(("、" if lang == "zh_CN" else ", ").join(a.items)), st["body"]),
              Paragraph(esc(tr("Risks to customers")), st["h1"]),
              table([tr("Risk"), tr("Likelihood"), tr("Severity"), tr("Level")],
                    [(r.text, lvl(r.likelihood), lvl(r.severity), lvl(r.level.value))
                     for r in a.risks], widths=[100 * mm, 22 * mm, 22 * mm, 22 * mm]),
              Spacer(1, 2 * mm),
              Paragraph(esc(tr("Overall risk level: {level}").format(
                  level=lvl(a.risk_level.value))), st["body"])]
    for heading, text in ((tr("Measures"), a.measures), (tr("Conclusion"), a.conclusion)):
        story += [Paragraph(esc(heading), st["h1"]), Paragraph(esc(text), st["body"])]
    sign = tr("Signature:") + " " + "_" * 24
    # The signatures stay together on one page, with the end of the text above them.
    story += [KeepTogether([Spacer(1, 8 * mm), table(
        [tr("Assessed by"), tr("Approved by")],
        [(_person(a, a.assessed_by), _person(a, a.approved_by)), ("", ""), (sign, sign)],
        widths=[87 * mm, 87 * mm], zebra=False)])]
    return story


def render(conn, a: Assessment, lang: str, generated_by: str) -> bytes:
    tr = partial(translate, language=lang)
    branch = conn.execute(schema.setting.select().where(
        schema.setting.c.key == BRANCH_NAME)).first()
    frame = PageFrame(branch.value if branch else tr("Custos branch"),
                      tr("Impact assessment"), generated_by, clock.local_text(clock.stamp()),
                      lang, tr("No. {number}").format(number=a.id))
    return build(headings_kept_with_text(_body(conn, a, lang)), frame)


@requires(Permission.COMPLIANCE)
def assessment_pdf(session: Session, number, out: Path | str | None = None,
                   lang: str | None = None) -> bytes:
    """The assessment as a PDF in `lang` (the session's language by default), written to
    `out` and logged in one transaction."""
    lang = lang or current_language()
    with session.db.write() as conn:
        found = _one(conn, number)
        data = render(conn, found, lang, session.display_name or session.username)
        audit.append(conn, session.db, actor=session.username, action="pia.printed",
                     detail={"number": found.id, "language": lang})
        if out is not None:
            try:
                write_atomic(Path(out), data, mode=0o600)
            except OSError:
                raise ValidationError(_("The PDF cannot be saved as {name}; choose another "
                                        "folder or name.").format(name=Path(out).name),
                                      field="out") from None
    return data


__all__ = ["Level", "assessment_pdf", "kept_until", "render"]
