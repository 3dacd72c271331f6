"""Impact assessments (个人信息保护影响评估, PIPL Art. 55–56): one per processing activity
of the privacy register (app/rights/register.py), and one for any new activity (sharing with
a partner, a new use typed in), kept at least three years.

A manager records a version; another manager approves it (in a branch with one manager,
that manager approves their own, and the assessment says so). An approved version replaces
the activity's current one, which is kept, marked superseded. Nothing deletes an assessment
(the table's triggers refuse it; retention does not know the table). An activity lacks a
current assessment when it has no approved version, or its approved one is past its review
date; such a review raises an alert when the state is looked at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.compliance.assessment_model import (
    Assessment,
    Draft,
    Risk,
    Standing,
    activity_label,
    checked_dates,
    checked_items,
    checked_risks,
    checked_texts,
)
from app.compliance.assessments_tables import impact_assessment as ia
from app.compliance.tiles import ComplianceTile
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _, current_language
from app.oversight.alerts import Due, raise_deadlines
from app.rights.model import Category
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import schema
from app.text import printable

REVIEW_RULE = "pia_review_due"


@dataclass(frozen=True)
class ActivityStanding:
    """One activity of the register (or a new one assessed): is its assessment current?"""
    activity: str
    label: str
    in_register: bool
    standing: Standing
    current: Assessment | None   # the approved version in force (maybe past its review)
    pending: Assessment | None   # a newer version awaiting approval

    @property
    def lacking(self) -> bool:
        return self.standing is not Standing.CURRENT


# -- reading ----------------------------------------------------------------------------

def _names(conn) -> dict[str, str]:
    u = schema.user
    return {r.username: r.display_name or r.username
            for r in conn.execute(select(u.c.username, u.c.display_name))}


def _view(row, names: dict[str, str]) -> Assessment:
    risks = tuple(Risk(r["risk"], r["likelihood"], r["severity"])
                  for r in json.loads(row.risks))
    return Assessment(row.id, row.activity, row.version, row.purpose, row.necessity,
                      tuple(json.loads(row.data_items)), risks, row.measures, row.conclusion,
                      row.assessed_by, row.assessed_on, row.review_by, row.recorded_at,
                      row.approved_by, row.approved_at, bool(row.sole_manager),
                      row.superseded_by, row.superseded_at, names)


def _all(conn, activity: str | None = None) -> list[Assessment]:
    q = select(ia).order_by(ia.c.activity, ia.c.version.desc())
    if activity is not None:
        q = q.where(ia.c.activity == activity)
    names = _names(conn)
    return [_view(r, names) for r in conn.execute(q)]


def _one(conn, number) -> Assessment:
    try:
        key = int(str(number).strip().lstrip("#"))
    except ValueError:
        raise NotFound(_("There is no impact assessment {number}.").format(
            number=number)) from None
    row = conn.execute(select(ia).where(ia.c.id == key)).first()
    if row is None:
        raise NotFound(_("There is no impact assessment {number}.").format(number=number))
    return _view(row, _names(conn))


def standings(conn, today: date) -> list[ActivityStanding]:
    """Every register activity, in register order, then the new activities assessed."""
    found = _all(conn)
    by_activity: dict[str, list[Assessment]] = {}
    for a in found:
        by_activity.setdefault(a.activity, []).append(a)
    keys = [c.value for c in Category]
    keys += sorted(k for k in by_activity if k not in keys)
    return [_standing(k, by_activity.get(k, []), today) for k in keys]


def _standing(activity: str, versions: list[Assessment], today: date) -> ActivityStanding:
    current = next((a for a in versions if a.approved_at and not a.superseded_by), None)
    pending = next((a for a in versions if not a.approved_at and not a.superseded_by), None)
    if current is not None and current.review_by >= today.isoformat():
        standing = Standing.CURRENT
    elif current is not None:
        standing = Standing.OVERDUE
    else:
        standing = Standing.AWAITING if pending else Standing.NONE
    return ActivityStanding(activity, activity_label(activity), activity in keys_of_register(),
                            standing, current, pending)


def keys_of_register() -> set[str]:
    return {c.value for c in Category}


def _reviews_due(found: list[ActivityStanding]) -> list[Due]:
    # The activity is named in the language of whoever looked (an alert keeps one text).
    return [Due(REVIEW_RULE, s.current.assessed_by, f"pia:{s.current.id}",
                {"number": s.current.id, "activity": s.label, "date": s.current.review_by})
            for s in found if s.standing is Standing.OVERDUE]


def due_alerts(conn, today: date) -> list[Due]:
    """Reviews past their date (the dashboard raises their alerts, once each)."""
    return _reviews_due(standings(conn, today))


def _list_separator() -> str:
    return "、" if current_language() == "zh_CN" else ", "


def _today() -> date:
    return clock.now_utc().astimezone().date()


@requires(Permission.COMPLIANCE)
def activity_standings(session: Session, today: date | None = None) -> list[ActivityStanding]:
    """The register view: each activity and whether its assessment is current. Reviews past
    their date raise their alert here (once each)."""
    day = today or _today()
    with session.db.read() as conn:
        found = standings(conn, day)
    raise_deadlines(session.db, session.username, _reviews_due(found))
    return found


@requires(Permission.COMPLIANCE)
def list_assessments(session: Session, activity: str | None = None) -> list[Assessment]:
    """Every version kept, newest first within each activity."""
    with session.db.read() as conn:
        return _all(conn, None if activity is None else resolve_activity(conn, activity))


@requires(Permission.COMPLIANCE)
def get_assessment(session: Session, number) -> Assessment:
    with session.db.read() as conn:
        return _one(conn, number)


# -- the activity a person names ---------------------------------------------------------

def resolve_activity(conn, typed: str) -> str:
    """A register category by its key or its label in either language; a new activity
    already assessed by its name (any case); else the new activity's name as typed."""
    name = " ".join(printable(typed, "activity").split())
    if len(name) < 2 or len(name) > 120:
        raise ValidationError(_("Name the activity: a register category, or a new activity "
                                "in 2 to 120 characters."), field="activity")
    folded = name.casefold()
    for c in Category:
        if folded in (c.value, c.label_in("en").casefold(), c.label_in("zh_CN").casefold()):
            return c.value
    known = conn.execute(select(ia.c.activity).where(func.lower(ia.c.activity) == name.lower())
                         .limit(1)).scalar()
    return known or name


@requires(Permission.COMPLIANCE)
def known_activities(session: Session) -> list[tuple[str, str]]:
    """(key, label) of the register's activities, then of the new ones already assessed."""
    with session.db.read() as conn:
        others = [r[0] for r in conn.execute(select(ia.c.activity).distinct())]
    register = [(c.value, c.label) for c in Category]
    return register + [(k, k) for k in sorted(set(others) - keys_of_register())]


# -- writing ----------------------------------------------------------------------------

@requires(Permission.COMPLIANCE)
def record_assessment(session: Session, draft: Draft, today: date | None = None) -> Assessment:
    """A new version for the activity, awaiting approval; it replaces an earlier version
    still awaiting approval (kept, superseded), not the approved one in force."""
    texts = checked_texts(draft)
    items, risks = checked_items(draft.items), checked_risks(draft.risks)
    assessed, review = checked_dates(draft, today or _today())
    with session.db.write() as conn:
        activity = resolve_activity(conn, draft.activity)
        version = (conn.execute(select(func.max(ia.c.version))
                                .where(ia.c.activity == activity)).scalar() or 0) + 1
        now = clock.stamp()
        try:
            new_id = conn.execute(ia.insert().values(
                activity=activity, version=version, **texts,
                data_items=json.dumps(items, ensure_ascii=False),
                risks=json.dumps(risks, ensure_ascii=False), assessed_by=session.username,
                assessed_on=assessed.isoformat(), review_by=review.isoformat(),
                recorded_at=now)).inserted_primary_key[0]
        except IntegrityError:
            raise Conflict(_("Someone recorded another version of this assessment at the same "
                             "time; look at the list and try again.")) from None
        conn.execute(ia.update().where(and_(
            ia.c.activity == activity, ia.c.id != new_id, ia.c.approved_at.is_(None),
            ia.c.superseded_by.is_(None))).values(superseded_by=new_id, superseded_at=now))
        audit.append(conn, session.db, actor=session.username, action="pia.recorded",
                     detail={"number": new_id, "activity": activity, "version": version})
        return _one(conn, new_id)


def _managers(conn) -> set[str]:
    u, r = schema.user, schema.user_role
    return {row[0] for row in conn.execute(
        select(u.c.username).join(r, r.c.user_id == u.c.id)
        .where(r.c.role == Role.MANAGER.value, u.c.disabled == 0))}


@requires(Permission.COMPLIANCE)
def approve_assessment(session: Session, number) -> Assessment:
    """Approve a version awaiting approval: it becomes the activity's current assessment.
    The assessor may not approve their own unless they are the branch's only manager."""
    with session.db.write() as conn:
        found = _one(conn, number)
        if found.superseded_by:
            raise Conflict(_("Impact assessment {number} was superseded by no. {newer}; "
                             "approve that one.").format(number=found.id,
                                                         newer=found.superseded_by))
        if found.approved_at:
            raise Conflict(_("Impact assessment {number} was already approved by {user}.")
                           .format(number=found.id, user=found.approved_by))
        own = found.assessed_by == session.username
        if own and _managers(conn) - {session.username}:
            raise Conflict(_("Another manager must approve an assessment you made yourself."))
        now = clock.stamp()
        done = conn.execute(ia.update().where(
            ia.c.id == found.id, ia.c.approved_at.is_(None), ia.c.superseded_by.is_(None))
            .values(approved_by=session.username, approved_at=now, sole_manager=int(own)))
        if done.rowcount != 1:
            raise Conflict(_("Someone changed this assessment meanwhile; look at the list "
                             "again."))
        conn.execute(ia.update().where(and_(
            ia.c.activity == found.activity, ia.c.id != found.id,
            ia.c.approved_at.is_not(None), ia.c.superseded_by.is_(None)))
            .values(superseded_by=found.id, superseded_at=now))
        audit.append(conn, session.db, actor=session.username, action="pia.approved",
                     detail={"number": found.id, "activity": found.activity,
                             "sole_manager": own})
        return _one(conn, found.id)


# -- the dashboard and the monthly report -------------------------------------------------

def dashboard_tiles(conn, today: date) -> list[ComplianceTile]:
    """One tile: how many activities lack a current assessment (red when any does)."""
    found = standings(conn, today)
    lacking = [s for s in found if s.lacking]
    detail = (_("All {count} activities assessed and in review.").format(count=len(found))
              if not lacking else _("Lacking: {activities}").format(
                  activities=_list_separator().join(s.label for s in lacking[:4])
                  + ("…" if len(lacking) > 4 else "")))
    return [ComplianceTile("assessments_lacking", str(len(lacking)),
                           _("Activities without a current impact assessment"), detail,
                           alarm=bool(lacking), tab="assessments")]


@dataclass(frozen=True)
class PeriodRow:
    """What happened to an assessment in the period: `event` is "recorded", "approved" or
    "review_due" (its review date fell in the period), `on` its date (YYYY-MM-DD)."""
    number: int
    activity: str
    activity_label: str
    version: int
    event: str
    on: str
    by: str
    standing: str        # Approved / Awaiting approval / Superseded by no. N, in words
    sole_manager: bool   # approved by its own assessor, the branch's only manager


def period_summary(conn, first: date, last: date) -> list[PeriodRow]:
    """Assessments recorded, approved, or due for review between `first` and `last`."""
    out = []
    lo, hi = first.isoformat(), last.isoformat()
    for a in _all(conn):
        events = [("recorded", a.assessed_on, a.assessed_by),
                  ("approved", clock.local_text(a.approved_at)[:10], a.approved_by or ""),
                  ("review_due", a.review_by, "")]
        for event, on, by in events:
            if on and lo <= on <= hi and not (event == "review_due" and a.superseded_by):
                out.append(PeriodRow(a.id, a.activity, a.activity_label(), a.version, event,
                                     on, by, a.state(), a.sole_manager))
    return sorted(out, key=lambda r: (r.on, r.number))
