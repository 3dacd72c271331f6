"""A permission review as a printable PDF (zh_CN or en): who started and signed it, the
audit event that carries the signature, and each account with its decision and note."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from sqlalchemy import select

from app import audit, clock
from app.accounts.names import read_names
from app.compliance.reviews import LABELS, Review, every_months, read_review
from app.errors import ValidationError
from app.i18n import N_, current_language, translate
from app.pdf import PageFrame, Paragraph, Spacer, build, esc, key_values, styles, table
from app.security.guard import requires
from app.security.roles import _ROLE_LABELS, Permission, Role
from app.security.session import Session
from app.settings import branch_name
from app.store import schema

TITLE = N_("Permission review {number}")


def _roles(roles, lang: str) -> str:
    sep = "、" if lang == "zh_CN" else ", "
    return sep.join(translate(_ROLE_LABELS[Role(r)], lang) for r in roles) or \
        translate(N_("no role"), lang)


def _signature(conn, review: Review, names, lang: str) -> str:
    tr = lambda s: translate(s, lang)  # noqa: E731
    if review.signature_seq is None:
        return tr(N_("Not signed yet: a draft."))
    ev = schema.audit_event.c
    row = conn.execute(select(ev.signer, ev.signature).where(
        ev.seq == review.signature_seq)).first()
    signer, signature = (row.signer, row.signature) if row else (None, None)
    return tr(N_("Audit event {seq}, signed with the key of {name} ({signature}…)")).format(
        seq=review.signature_seq, name=names(signer) if signer else "?",
        signature=(signature or "")[:16])


def _decision(line, lang: str) -> str:
    tr = lambda s: translate(s, lang)  # noqa: E731
    if line.decision is None:
        return tr(N_("not decided"))
    text = tr(LABELS["Decision"][line.decision])
    if line.roles_after:
        text = tr(N_("{decision}: {roles}")).format(decision=text,
                                                    roles=_roles(line.roles_after, lang))
    if line.own_account:
        text += " " + tr(N_("(own account: flagged for another manager)"))
    return text


def _done(line, names, lang: str) -> str:
    if not line.changes:
        return ""
    if not line.done_at:
        return translate(N_("waiting for an administrator"), lang)
    done = translate(N_("{time} by {user}"), lang).format(time=clock.local_text(line.done_at),
                                                          user=names(line.done_by))
    return done if line.in_effect else translate(
        N_("{done}; the account is not as decided now"), lang).format(done=done)


def _story(conn, review: Review, lang: str) -> list:
    tr = lambda s: translate(s, lang)  # noqa: E731
    st, names = styles(), read_names(conn)
    signed = (tr(N_("{time} by {user}")).format(time=clock.local_text(review.signed_at),
                                                 user=names(review.signed_by))
              if review.signed_at else tr(N_("not signed")))
    head = [(tr(N_("Started")), tr(N_("{time} by {user}")).format(
                time=clock.local_text(review.started_at), user=names(review.started_by))),
            (tr(N_("Signed off")), signed),
            (tr(N_("Signature")), _signature(conn, review, names, lang)),
            (tr(N_("Accounts reviewed")), len(review.lines)),
            (tr(N_("Changes decided")), len(review.changes)),
            (tr(N_("Reviews fall due every")),
             tr(N_("{count} months")).format(count=every_months(conn)))]
    rows = [[line.username, line.display_name, _roles(line.roles, lang),
             _decision(line, lang), line.note, _done(line, names, lang)]
            for line in review.lines]
    return [Paragraph(esc(tr(TITLE).format(number=review.id)), st["title"]),
            Paragraph(esc(tr(N_("Each account's roles were checked against what its holder's "
                                "work needs (regulation art. 10: least privilege)."))),
                      st["body"]),
            Spacer(1, 3 * mm), key_values(head, key_width=45 * mm), Spacer(1, 4 * mm),
            Paragraph(esc(tr(N_("Accounts and decisions"))), st["h1"]),
            table([tr(N_("Username")), tr(N_("Name")), tr(N_("Roles at the review")),
                   tr(N_("Decision")), tr(N_("Note")), tr(N_("Carried out"))], rows,
                  widths=[22 * mm, 22 * mm, 26 * mm, 38 * mm, 38 * mm, 28 * mm])]


@requires(Permission.REVIEW_DECISIONS)
def review_pdf(session: Session, review_id: int, language: str | None = None) -> bytes:
    """The review on paper; printing it is on record."""
    lang = language or current_language()
    with session.db.read() as conn:
        review = read_review(conn, review_id)
        story = _story(conn, review, lang)
    title = translate(TITLE, lang).format(number=review.id)
    data = build(story, PageFrame(branch_name(session.db), title, session.display_name,
                                  clock.local_text(clock.stamp()), lang, ""))
    audit.record(session.db, actor=session.username, action="review.printed",
                 detail={"review": review.id})
    return data


@requires(Permission.REVIEW_DECISIONS)
def write_review_pdf(session: Session, review_id: int, out: Path,
                     language: str | None = None) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise ValidationError(translate(N_("A review is written as a .pdf file."),
                                        language or current_language()), field="out")
    from app.store.atomic import write_atomic

    write_atomic(out, review_pdf(session, review_id, language))
    return out
