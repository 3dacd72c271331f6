"""The information notice (告知书): the five questions of a privacy policy answered from the
processing register — which data items, what for (with the optional uses a customer may
decline, and how), to whom, for how long, and how to complain.

Its register part is `register.register_facts`, the same words the access copy prints, so
the notice and a customer's copy cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from reportlab.lib.units import mm
from sqlalchemy import and_, select

from app import clock
from app.i18n import N_, translate
from app.pdf import PageFrame, Paragraph, Spacer, build, esc, headings_kept_with_text, styles, table
from app.rights import labels
from app.rights.access_copy import rights_and_complaints
from app.rights.model import RegisterEntry
from app.rights.register import register_facts
from app.store.schema import audit_event

# A registered partner as app.compliance.partners.registered_recipients gives it:
# (name, purpose in Chinese, purpose in English).
Partner = tuple[str, str, str]

# The uses a customer may refuse without losing any service, each with its consent.
OPTIONAL_USES = (
    ("marketing", N_("We contact you about offers and new services by phone, SMS or email.")),
    ("partner_sharing", N_("We give your contact details and the services you hold to the "
                           "registered partners listed below, for the purposes listed.")),
    ("analytics", N_("We study your consumption and service history, alone or with other "
                     "customers', to group customers and shape offers (profiling). No "
                     "decision about you is taken this way.")),
)

# The columns of each question's table: (heading, fact keys, widths in mm).
QUESTIONS = (
    (N_("1. Which data we hold"), ("items", "source"), (28, 100, 46)),
    (N_("2. What we use it for"), ("purposes", "legal_basis", "automated"), (28, 66, 44, 36)),
    (N_("3. Who receives it"), ("recipients", "transfers"), (28, 90, 56)),
    (N_("4. How long we keep it"), ("retention",), (28, 146)),
)


def _question(entries: Sequence[RegisterEntry], lang: str, heading: str, keys, widths,
              st) -> list:
    tr = partial(translate, language=lang)
    facts = [register_facts(e, lang) for e in entries]
    header = [tr("Data category")] + [facts[0][k][0] for k in keys] if facts else []
    rows = [[labels.label("Category", e.category, lang)] + [f[k][1] for k in keys]
            for e, f in zip(entries, facts, strict=True)]
    return [Paragraph(esc(tr(heading)), st["h1"]),
            table(header, rows, widths=[w * mm for w in widths])]


def _optional_uses(lang: str, branch: dict[str, str], st) -> list:
    tr = partial(translate, language=lang)
    contact = branch.get("privacy_contact") or tr("the branch manager")
    place = branch.get("branch_name") or tr("our branch")
    return [
        Paragraph(esc(tr("Uses you may decline")), st["h2"]),
        Paragraph(esc(tr("These uses need your consent. Without it you keep every service; "
                         "you may refuse or withdraw it at any time, free of charge.")),
                  st["body"]),
        table([tr("Use"), tr("What it means")],
              [(labels.label("ConsentPurpose", use, lang), tr(text))
               for use, text in OPTIONAL_USES], widths=[40 * mm, 134 * mm]),
        Paragraph(esc(tr("How to decline: at the counter of {branch}; by phone or in writing "
                         "to {contact}; or by a request to withdraw your consent (an "
                         "objection to marketing, or to automated decisions and profiling, "
                         "works the same way). It takes effect at once and never affects "
                         "your services.").format(branch=place, contact=contact)),
                  st["body"]),
    ]


def _partners(lang: str, partners: Sequence[Partner], st) -> list:
    tr = partial(translate, language=lang)
    heading = Paragraph(esc(tr("Registered partners")), st["h2"])
    if not partners:
        return [heading, Paragraph(esc(tr("We give your data to no partner outside the "
                                          "branch.")), st["body"])]
    return [heading,
            Paragraph(esc(tr("Only with your consent to sharing with partners, or where the "
                             "law requires it; each partner signed a confidentiality "
                             "agreement with us.")), st["body"]),
            table([tr("Partner"), tr("Purpose")],
                  [(name, zh if lang == "zh_CN" else en) for name, zh, en in partners],
                  widths=[60 * mm, 114 * mm])]


def notice_story(entries: Sequence[RegisterEntry], lang: str, branch: dict[str, str],
                 partners: Sequence[Partner] = ()) -> list:
    tr = partial(translate, language=lang)
    st = styles()
    story: list = [
        Paragraph(esc(tr("How we handle your personal data")), st["title"]),
        Paragraph(esc(tr("{branch} collects only what the services need. This notice says "
                         "which data we hold, what for, who receives it, how long we keep it "
                         "and how to complain.").format(
            branch=branch.get("branch_name") or tr("our branch"))), st["body"]),
        Spacer(1, 3 * mm),
    ]
    for heading, keys, widths in QUESTIONS:
        story += _question(entries, lang, heading, keys, widths, st)
        if keys[0] == "purposes":
            story += _optional_uses(lang, branch, st)
        if keys[0] == "recipients":
            story += _partners(lang, partners, st)
    story += [Paragraph(esc(tr("5. How complaints are handled")), st["h1"]),
              Paragraph(esc(tr("A complaint about how we handle your data is registered as a "
                               "complaint case, looked into by the branch manager, and "
                               "answered to you with its outcome. If you are not satisfied, "
                               "or have no answer within 30 days, you may take it to the "
                               "regulator (see below).")), st["body"])]
    return story + rights_and_complaints(lang, branch, in_copy=False)


def render(entries: Sequence[RegisterEntry], lang: str, branch: dict[str, str], *,
           generated_by: str, request_no: str = "",
           partners: Sequence[Partner] = ()) -> bytes:
    tr = partial(translate, language=lang)
    story = notice_story(entries, lang, branch, partners)
    return build(headings_kept_with_text(story),
                 PageFrame(branch.get("branch_name") or tr("Custos branch"),
                           tr("Information notice"), generated_by,
                           clock.local_text(clock.stamp()), lang, request_no))


@dataclass(frozen=True)
class NoticeEvent:
    """One row of the monthly compliance report's part on notices and objections."""

    at: str            # UTC stamp
    what: str          # notice_printed | notice_answer | objection_reviewed
    request_no: str    # "" for a notice printed without a request
    customer_no: str   # "" likewise
    by: str            # the staff login


def period_summary(conn, first: date, last: date) -> list[NoticeEvent]:
    """Notices given (printed, or as a request's answer) and objections to profiling
    reviewed by a person, from `first` to `last` (local days, inclusive), oldest first.
    Nothing personal beyond the customer number; the reviewer's note stays in the log."""
    start = clock.stamp(clock.local_midnight(first.isoformat()))
    end = clock.stamp(clock.local_midnight((last + timedelta(days=1)).isoformat()))
    ev = audit_event.c
    rows = conn.execute(select(ev.at, ev.action, ev.customer_ref, ev.actor, ev.detail).where(
        and_(ev.at >= start, ev.at < end, ev.action.in_(
            ["notice.printed", "request.artefact_prepared", "request.human_review"])))
        .order_by(ev.seq)).all()
    out = []
    for r in rows:
        detail = json.loads(r.detail or "{}")
        if r.action == "request.artefact_prepared" and detail.get("kind") != "notice":
            continue
        what = {"notice.printed": "notice_printed", "request.artefact_prepared":
                "notice_answer", "request.human_review": "objection_reviewed"}[r.action]
        out.append(NoticeEvent(r.at, what, detail.get("request", ""), r.customer_ref or "",
                               r.actor))
    return out
