"""The register of external recipients as a PDF, for the branch's compliance file and a
regulator's visit: each partner, what it receives and why, its agreement (dates, scope,
SHA-256 of the signed file), its supervision checks and how many disclosures it received."""

from __future__ import annotations

from functools import partial

from reportlab.lib.units import mm
from sqlalchemy import select

from app import audit, clock
from app.compliance.partner_tables import partner, partner_check
from app.compliance.partners import items_text, partner_views, today
from app.i18n import translate
from app.pdf import (
    PageFrame,
    Paragraph,
    build,
    esc,
    headings_kept_with_text,
    key_values,
    styles,
    table,
)
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import branch_name


def _checks(conn) -> dict[str, list]:
    """Each partner's checks, oldest first, the checker by their name."""
    from app.store.schema import user

    names = {r.username: r.display_name or r.username
             for r in conn.execute(select(user.c.username, user.c.display_name))}
    out: dict[str, list] = {}
    for r in conn.execute(select(partner.c.name, partner_check.c.checked_on,
                                 partner_check.c.finding, partner_check.c.checked_by)
                          .join(partner, partner.c.id == partner_check.c.partner_id)
                          .order_by(partner_check.c.checked_on, partner_check.c.id)):
        out.setdefault(r.name, []).append((r.checked_on, r.finding,
                                           names.get(r.checked_by, r.checked_by)))
    return out


def _story(views, checks: dict, lang: str) -> list:
    tr = partial(translate, language=lang)
    st = styles()
    story: list = [Paragraph(esc(tr("Register of external recipients")), st["title"]),
                   Paragraph(esc(tr("On {day}: {count} partners, {live} with an agreement in "
                                    "force.").format(day=today().isoformat(),
                                                     count=len(views),
                                                     live=sum(v.in_force for v in views))),
                             st["body"])]
    for v in views:
        state = tr("in force") if v.in_force else tr("NOT IN FORCE")
        story += [Paragraph(esc(v.name), st["h2"]), key_values([
            (tr("Purpose"), v.purpose if lang == "zh_CN" else (v.purpose_en or v.purpose)),
            (tr("Data it receives"), items_text(",".join(v.items), lang)),
            (tr("Agreement"), f"{v.valid_from} – {v.valid_until}"
                              + (f"（{state}）" if lang == "zh_CN" else f" ({state})")),
            (tr("Confidentiality clause"), v.scope),
            (tr("Checksum (SHA-256)"), v.sha256),
            (tr("Disclosures"), str(v.disclosures)),
        ])]
        done = checks.get(v.name, [])
        story.append(table([tr("Checked on"), tr("Finding"), tr("By")],
                           done,
                           widths=[28 * mm, 118 * mm, 28 * mm]) if done else
                     Paragraph(esc(tr("No supervision check recorded.")), st["small"]))
    return story


@requires(Permission.COMPLIANCE)
def register_pdf(session: Session, language: str) -> bytes:
    """The register in `language` ("zh_CN" or "en"); printing it is audited."""
    with session.db.read() as conn:
        views, checks = partner_views(conn), _checks(conn)
    frame = PageFrame(branch_name(session.db),
                      translate("Register of external recipients", language),
                      session.display_name, clock.local_text(clock.stamp()), language)
    data = build(headings_kept_with_text(_story(views, checks, language)), frame)
    audit.record(session.db, actor=session.username, action="partner.register_printed",
                 detail={"partners": len(views), "language": language})
    return data
