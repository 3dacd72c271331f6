"""The register of external recipients (regulation art. 12–13): each partner's purpose, the
data items it receives, its agreements with their confidentiality clause (dates, scope,
the SHA-256 of the signed file, which itself stays with the paper files) and the branch's
supervision checks. A partner without an agreement in force receives nothing
(app/compliance/disclosures.py); the information notice names those that have one
(`registered_recipients`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import and_, func, select

from app import audit, clock
from app.compliance.partner_tables import (
    disclosure,
    export_approval,
    partner,
    partner_agreement,
    partner_check,
)
from app.compliance.tiles import ComplianceTile
from app.errors import NotFound, ValidationError
from app.i18n import N_, _, translate
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.text import printable

# The data items a disclosure may hold, in the words the customer's copy uses.
DATA_ITEMS = {
    "name": N_("name"), "id_number": N_("ID number"), "phone": N_("phone number"),
    "address": N_("address"), "email": N_("email"), "services": N_("services held"),
    "consumption": N_("consumption and bills"), "payments": N_("payments"),
}
CHECK_DUE_DAYS = 365   # a partner not checked for a year shows red
EXPIRY_WARNING_DAYS = 30
MAX_DOCUMENT_BYTES = 50 << 20  # a scanned agreement; anything larger is the wrong file


@dataclass(frozen=True)
class PartnerView:
    name: str
    purpose: str
    purpose_en: str
    items: tuple[str, ...]
    valid_from: str        # the latest agreement's ("" : none recorded)
    valid_until: str
    scope: str
    sha256: str
    in_force: bool
    last_check_on: str
    last_finding: str
    last_checked_by: str
    disclosures: int


def today() -> date:
    """The branch's calendar day (the server's clock on a server)."""
    return clock.now_utc().astimezone().date()


def day_of(text: str, field: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD."), field=field) from None


def clean(text: str, field: str, limit: int, required: bool = True) -> str:
    value = " ".join(printable(text, field, multiline=True).split())
    if required and not value:
        raise ValidationError(_("Please fill in this field."), field=field)
    if len(value) > limit:
        raise ValidationError(_("At most {count} characters.").format(count=limit), field=field)
    return value


def parse_items(items) -> list[str]:
    """"name,phone" or a list of item codes, each known, in DATA_ITEMS order."""
    given = items.split(",") if isinstance(items, str) else list(items or ())
    chosen = {str(i).strip() for i in given if str(i).strip()}
    unknown = chosen - set(DATA_ITEMS)
    if unknown or not chosen:
        raise ValidationError(_("Choose the data items from: {items}.").format(
            items=", ".join(DATA_ITEMS)), field="items")
    return [i for i in DATA_ITEMS if i in chosen]


def items_text(items: str, lang: str) -> str:
    sep = "、" if lang == "zh_CN" else ", "
    return sep.join(translate(DATA_ITEMS[i], lang) for i in items.split(",") if i in DATA_ITEMS)


def file_digest(path: Path | str, field: str = "agreement") -> tuple[str, str]:
    """(file name, SHA-256) of a signed agreement, read in pieces up to MAX_DOCUMENT_BYTES;
    the file itself is not kept."""
    path = Path(path)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as f:
            while piece := f.read(1 << 20):
                size += len(piece)
                if size > MAX_DOCUMENT_BYTES:
                    raise ValidationError(_("The signed agreement {name} is larger than "
                                            "{limit} MB: is it the right file?").format(
                        name=path.name, limit=MAX_DOCUMENT_BYTES >> 20), field=field)
                digest.update(piece)
    except FileNotFoundError:
        raise ValidationError(_("There is no file {name}.").format(name=str(path)),
                              field=field) from None
    except OSError:
        raise ValidationError(_("The signed agreement {name} cannot be read.").format(
            name=path.name), field=field) from None
    if not size:
        raise ValidationError(_("The signed agreement {name} is empty.").format(
            name=path.name), field=field)
    return path.name, digest.hexdigest()


def partner_row(conn, name: str):
    row = conn.execute(select(partner).where(partner.c.name == " ".join(str(name).split()))
                       ).first()
    if row is None:
        raise NotFound(_("There is no registered partner {name}.").format(name=name))
    return row


def agreement_in_force(conn, partner_id: int, day: date):
    """The agreement covering `day` (the latest recorded, if several), or None."""
    a = partner_agreement.c
    return conn.execute(select(partner_agreement).where(
        a.partner_id == partner_id, a.valid_from <= day.isoformat(),
        a.valid_until >= day.isoformat()).order_by(a.id.desc()).limit(1)).first()


def _agreement_values(session: Session, agreement, valid_from, valid_until, scope) -> dict:
    start, end = day_of(valid_from, "valid_from"), day_of(valid_until, "valid_until")
    if end < start:
        raise ValidationError(_("The agreement cannot end before it starts."),
                              field="valid_until")
    file_name, digest = file_digest(agreement)
    return dict(valid_from=start.isoformat(), valid_until=end.isoformat(),
                scope=clean(scope, "scope", 500, required=False), file_name=file_name,
                sha256=digest, recorded_by=session.username, recorded_at=clock.stamp())


def _record_agreement(conn, session: Session, row, values: dict) -> None:
    conn.execute(partner_agreement.insert().values(partner_id=row.id, **values))
    audit.append(conn, session.db, actor=session.username,
                 action="partner.agreement_recorded",
                 detail={"partner": row.name, "valid_from": values["valid_from"],
                         "valid_until": values["valid_until"], "sha256": values["sha256"],
                         "file": values["file_name"]})


@requires(Permission.COMPLIANCE)
def add_partner(session: Session, name: str, purpose: str, agreement: Path | str,
                valid_from: str, valid_until: str, *, purpose_en: str = "", scope: str = "",
                items="name,phone") -> None:
    """Register an external recipient with its signed agreement."""
    name = clean(name, "name", 100)
    values = dict(name=name, purpose=clean(purpose, "purpose", 300),
                  purpose_en=clean(purpose_en, "purpose_en", 300, required=False),
                  data_items=",".join(parse_items(items)), added_by=session.username,
                  added_at=clock.stamp())
    terms = _agreement_values(session, agreement, valid_from, valid_until, scope)
    db = session.db
    with db.write() as conn:
        taken = conn.execute(select(partner.c.id).where(
            func.lower(partner.c.name) == name.lower())).first()
        if taken is not None:
            raise ValidationError(_("A partner named {name} is already registered.")
                                  .format(name=name), field="name")
        conn.execute(partner.insert().values(**values))
        audit.append(conn, db, actor=session.username, action="partner.added",
                     detail={"partner": name, "items": values["data_items"].split(",")})
        _record_agreement(conn, session, partner_row(conn, name), terms)


@requires(Permission.COMPLIANCE)
def record_agreement(session: Session, name: str, agreement: Path | str, valid_from: str,
                     valid_until: str, scope: str = "") -> None:
    """A renewed or new agreement; the earlier ones stay on record."""
    terms = _agreement_values(session, agreement, valid_from, valid_until, scope)
    with session.db.write() as conn:
        _record_agreement(conn, session, partner_row(conn, name), terms)


@requires(Permission.COMPLIANCE)
def record_check(session: Session, name: str, finding: str, checked_on: str = "") -> None:
    """A supervision check of the partner: when, what was found, by whom (this session)."""
    finding = clean(finding, "finding", 1000)
    day = day_of(checked_on, "checked_on") if checked_on else today()
    if day > today():
        raise ValidationError(_("A check cannot be dated in the future."), field="checked_on")
    db = session.db
    with db.write() as conn:
        row = partner_row(conn, name)
        conn.execute(partner_check.insert().values(
            partner_id=row.id, checked_on=day.isoformat(), finding=finding,
            checked_by=session.username, recorded_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="partner.checked",
                     detail={"partner": row.name, "checked_on": day.isoformat(),
                             "note": finding})


def _by_partner(conn, table, order) -> dict[int, list]:
    """Every row of `table`, grouped by partner, in `order` (one query for all partners)."""
    out: dict[int, list] = {}
    for r in conn.execute(select(table).order_by(*order)):
        out.setdefault(r.partner_id, []).append(r)
    return out


def _view(row, agreements: list, checks: list, count: int, day: date,
          names: dict[str, str]) -> PartnerView:
    text = day.isoformat()
    # The latest recorded agreement covering `day`, else the one that ends last.
    current = next((a for a in reversed(agreements)
                    if a.valid_from <= text <= a.valid_until), None)
    shown = current or max(agreements, key=lambda a: (a.valid_until, a.id), default=None)
    check = checks[-1] if checks else None
    return PartnerView(
        row.name, row.purpose, row.purpose_en, tuple(row.data_items.split(",")),
        shown.valid_from if shown else "", shown.valid_until if shown else "",
        shown.scope if shown else "", shown.sha256 if shown else "", current is not None,
        check.checked_on if check else "", check.finding if check else "",
        names.get(check.checked_by, check.checked_by) if check else "", count)


def partner_views(conn, day: date | None = None) -> list[PartnerView]:
    from app.store.schema import user

    names = {r.username: r.display_name or r.username
             for r in conn.execute(select(user.c.username, user.c.display_name))}
    agreements = _by_partner(conn, partner_agreement, [partner_agreement.c.id])
    checks = _by_partner(conn, partner_check, [partner_check.c.checked_on, partner_check.c.id])
    counts = dict(conn.execute(select(disclosure.c.partner_id, func.count())
                               .group_by(disclosure.c.partner_id)).all())
    return [_view(r, agreements.get(r.id, []), checks.get(r.id, []), counts.get(r.id, 0),
                  day or today(), names)
            for r in conn.execute(select(partner).order_by(partner.c.name))]


@requires(Permission.COMPLIANCE)
def list_partners(session: Session) -> list[PartnerView]:
    """Every partner, its agreement (in force or the last one, expired) and last check."""
    with session.db.read() as conn:
        return partner_views(conn)


def registered_recipients(conn) -> list[tuple[str, str, str]]:
    """(name, purpose in Chinese, purpose in English) of the partners with an agreement in
    force today: the recipients the information notice names."""
    return [(v.name, v.purpose, v.purpose_en or v.purpose)
            for v in partner_views(conn) if v.in_force]


def check_overdue(view: PartnerView, day: date) -> bool:
    """Not checked for a year (counted from the agreement's start if never checked)."""
    last = view.last_check_on or view.valid_from
    return not last or (day - date.fromisoformat(last)).days > CHECK_DUE_DAYS


def dashboard_tiles(conn, today: date) -> list[ComplianceTile]:
    """A branch with no partner and no export waiting has nothing here to watch."""
    views = partner_views(conn, today)
    soon = (today + timedelta(days=EXPIRY_WARNING_DAYS)).isoformat()
    expired = [v for v in views if not v.in_force]
    ending = [v for v in views if v.in_force and v.valid_until <= soon]
    unchecked = [v for v in views if v.in_force and check_overdue(v, today)]
    waiting = conn.execute(select(func.count()).select_from(export_approval)
                           .where(export_approval.c.approved.is_(None))).scalar()
    detail = _("{expired} without an agreement in force, {ending} ending within {days} "
               "days, {unchecked} not checked for a year").format(
        expired=len(expired), ending=len(ending), days=EXPIRY_WARNING_DAYS,
        unchecked=len(unchecked))
    tiles = [ComplianceTile("partners", str(len(views) - len(expired)),
                            _("Partners with an agreement in force"), detail,
                            alarm=bool(expired or unchecked), tab="partners")] if views else []
    if waiting:
        tiles.append(ComplianceTile("exports_waiting", str(waiting),
                                    _("Exports waiting for approval"),
                                    _("Bulk exports of customer data a manager must approve"),
                                    alarm=False, tab="partners"))
    return tiles


def period_summary(conn, first: date, last: date) -> list[dict]:
    """What happened with partners in [first, last], for the monthly compliance report:
    plain dicts, already masked (customer numbers only, no customer data), in time order.
    kind: "disclosure" | "check" | "agreement_ended" | "export"."""
    from app.compliance.disclosures import disclosure_rows
    from app.compliance.export_approvals import approval_rows

    start, end = first.isoformat(), last.isoformat()
    out = disclosure_rows(conn, start, end)
    c = partner_check.c
    for r in conn.execute(select(partner.c.name, c.checked_on, c.finding, c.checked_by)
                          .join(partner, partner.c.id == c.partner_id)
                          .where(c.checked_on >= start, c.checked_on <= end)):
        out.append({"kind": "check", "date": r.checked_on, "partner": r.name,
                    "what": r.finding, "by": r.checked_by})
    a = partner_agreement.c
    for r in conn.execute(select(partner.c.name, a.valid_until, a.recorded_by)
                          .join(partner, partner.c.id == a.partner_id)
                          .where(and_(a.valid_until >= start, a.valid_until <= end))):
        out.append({"kind": "agreement_ended", "date": r.valid_until, "partner": r.name,
                    "what": "", "by": r.recorded_by})
    out += approval_rows(conn, start, end)
    return sorted(out, key=lambda d: (d["date"], d["kind"]))
