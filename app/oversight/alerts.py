"""Anomaly alerts, evaluated as each audit event is written (no separate daemon).

Rules and default thresholds (managers change them): one user opening more than 30
distinct customers in an hour; customer access outside business hours; more than 10
reveals of ID numbers by one user in a day; every bulk export; 5 failed logins for one
name within 15 minutes; a customer opened with purpose "other"; 10 searches that could
guess a masked number within 15 minutes (whole ID or phone numbers that matched nobody, ID
tails longer than the mask shows: app/customers/guesses.py). Each alert names the user, the
rule and the evidence (the events), and waits for a manager's acknowledgement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select

from app import audit_actions, clock
from app.audit_actions import Event
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.i18n import N_, _, translate
from app.oversight.tables import alert
from app.store import dialect, schema

ev = schema.audit_event

RULES: dict[str, str] = {
    "many_customers": N_("Opened more than {limit} different customers within an hour"),
    "after_hours": N_("Customer data accessed outside business hours ({start}–{end})"),
    "many_reveals": N_("Revealed more than {limit} ID numbers in one day"),
    "bulk_export": N_("Exported {limit} or more rows of customer data at once"),
    "failed_logins": N_("{limit} or more failed logins within 15 minutes"),
    "purpose_other": N_("Opened a customer with the purpose 'Other'"),
    "number_guessing": N_("{limit} or more searches that could guess a masked ID or phone "
                          "number within 15 minutes"),
    "rollback": N_("The database was older than the one opened on {date}: it may have been "
                   "replaced by an older copy"),
    "pia_review_due": N_("Impact assessment {number} ({activity}) was due for review on "
                         "{date}"),
    "review_due": N_("The permission review was due on {date}"),
    "self_review": N_("Decided on their own account in permission review {review}"),
    "breach_due_soon": N_("Personal-data breach {number}: its notifications are due by {due}"),
    "breach_overdue": N_("Personal-data breach {number}: its notifications were due by {due} "
                         "and are not all done"),
    "training_due": N_("Training on the protection of customer data was due on {due} (last "
                       "attended: {last})"),
}

DEFAULTS: dict[str, dict] = {
    "many_customers": {"limit": 30},
    "after_hours": {"start": "08:00", "end": "20:00"},
    "many_reveals": {"limit": 10},
    "bulk_export": {"limit": 100},
    "failed_logins": {"limit": 5},
    "purpose_other": {},
    "number_guessing": {"limit": 10},
    "rollback": {},
    "pia_review_due": {},
    "review_due": {},
    "self_review": {},
    "breach_due_soon": {},
    "breach_overdue": {},
    "training_due": {},
}

def thresholds(conn) -> dict[str, dict]:
    raw = conn.execute(select(schema.setting.c.value)
                       .where(schema.setting.c.key == "alert_thresholds")).scalar()
    stored = json.loads(raw) if raw else {}
    return {rule: {**DEFAULTS[rule], **stored.get(rule, {})} for rule in RULES}


def describe(rule: str, values: dict, lang: str | None = None) -> str:
    return (translate(RULES[rule], lang) if lang else _(RULES[rule])).format(**values)


def _raise(conn, rule: str, actor: str, window: str, evidence: list[int], values: dict,
           at: str) -> None:
    summary = json.dumps({"rule": rule, "values": values})
    conn.execute(dialect.insert(conn, alert).values(
        rule=rule, actor=actor, created_at=at, window_key=window,
        evidence=json.dumps(evidence), summary=summary)
        .on_conflict_do_update(index_elements=["rule", "actor", "window_key"],
                               set_={"evidence": json.dumps(evidence)}))


def raise_alert(conn, rule: str, actor: str, window: str, values: dict,
                evidence: list[int] | tuple[int, ...] = ()) -> None:
    """An alert a part of the program raises when a state is looked at (a review due...):
    once per rule, actor and window."""
    _raise(conn, rule, actor, window, list(evidence), values, clock.stamp())


def raise_rollback(conn, actor: str, seq: int, anchor) -> None:
    """A database behind one of its audit anchors (app/audit_anchor.py): always an alert."""
    at = clock.stamp()
    _raise(conn, "rollback", actor, f"{anchor.where}:{anchor.seq}:{anchor.hash[:16]}", [seq],
           {"date": anchor.at[:10]}, at)


@dataclass(frozen=True)
class Due:
    """A deadline alert: the compliance file's parts say which are due as their state is
    looked at (lists, tiles); `raise_deadlines` raises each once."""
    rule: str
    actor: str     # whom it is about (the handler, the assessor, the trainee...)
    window: str    # what it is about, e.g. "pia:7"; (rule, actor, window) is unique
    values: dict


def _known(conn, due: Due) -> bool:
    return conn.execute(select(alert.c.id).where(
        alert.c.rule == due.rule, alert.c.actor == due.actor,
        alert.c.window_key == due.window)).first() is not None


def raise_deadlines(db, by: str, dues) -> int:
    """Raise the deadline alerts not raised yet, each once, in one write transaction with an
    audit event (`by` saw them due): so the branch server's trail ties the new rows to a
    signed event, and a look that finds nothing new writes nothing. How many were new."""
    from app import audit

    dues = list(dues)
    if not dues:
        return 0
    with db.read() as conn:
        if all(_known(conn, d) for d in dues):
            return 0
    with db.write() as conn:
        new = [d for d in dues if not _known(conn, d)]
        at = clock.stamp()
        for d in new:
            _raise(conn, d.rule, d.actor, d.window, [], d.values, at)
        if new:
            audit.append(conn, db, actor=by, action="alert.deadline",
                         detail={"count": len(new), "rules": sorted({d.rule for d in new})})
    return len(new)


def _local(at: str) -> datetime:
    return clock.parse_stamp(at).astimezone()


def _many_customers(conn, e: Event, limits: dict) -> None:
    hour_ago = clock.stamp(clock.parse_stamp(e.at) - timedelta(hours=1))
    rows = conn.execute(select(ev.c.seq, ev.c.customer_ref).where(and_(
        ev.c.actor == e.actor, ev.c.action == e.action, ev.c.at >= hour_ago))
        .order_by(ev.c.seq)).all()
    limit = int(limits["many_customers"]["limit"])
    if len({r.customer_ref for r in rows}) > limit:
        _raise(conn, "many_customers", e.actor, _local(e.at).strftime("%Y-%m-%d %H"),
               [r.seq for r in rows][-200:], {"limit": limit}, e.at)


def _purpose_other(conn, e: Event, _limits: dict) -> None:
    if e.purpose and e.purpose.startswith("other"):
        _raise(conn, "purpose_other", e.actor, str(e.seq), [e.seq], {}, e.at)


def _after_hours(conn, e: Event, limits: dict) -> None:
    hours, local = limits["after_hours"], _local(e.at)
    if not hours["start"] <= local.strftime("%H:%M") < hours["end"]:
        _raise(conn, "after_hours", e.actor, local.strftime("%Y-%m-%d"), [e.seq],
               {"start": hours["start"], "end": hours["end"]}, e.at)


def _many_reveals(conn, e: Event, limits: dict) -> None:
    if e.detail.get("field") != "id_number":
        return
    local = _local(e.at)
    day_start = clock.stamp(local.replace(hour=0, minute=0, second=0, microsecond=0))
    rows = conn.execute(select(ev.c.seq, ev.c.detail).where(and_(
        ev.c.actor == e.actor, ev.c.action == e.action, ev.c.at >= day_start))
        .order_by(ev.c.seq)).all()
    reveals = [r.seq for r in rows if json.loads(r.detail).get("field") == "id_number"]
    limit = int(limits["many_reveals"]["limit"])
    if len(reveals) > limit:
        _raise(conn, "many_reveals", e.actor, local.strftime("%Y-%m-%d"), reveals,
               {"limit": limit}, e.at)


def _bulk_export(conn, e: Event, limits: dict) -> None:
    limit = int(limits["bulk_export"]["limit"])
    if int(e.detail.get("rows", 0)) >= limit:
        _raise(conn, "bulk_export", e.actor, str(e.seq), [e.seq], {"limit": limit}, e.at)


def _failed_logins(conn, e: Event, limits: dict) -> None:
    since = clock.stamp(clock.parse_stamp(e.at) - timedelta(minutes=15))
    watched = [a.code for a in audit_actions.ACTIONS.values()
               if "failed_logins" in a.watched_by]
    rows = conn.execute(select(ev.c.seq).where(and_(
        ev.c.actor == e.actor, ev.c.action.in_(watched), ev.c.at >= since))
        .order_by(ev.c.seq)).scalars().all()
    limit = int(limits["failed_logins"]["limit"])
    if len(rows) >= limit:
        _raise(conn, "failed_logins", e.actor, _local(e.at).strftime("%Y-%m-%d %H"),
               list(rows), {"limit": limit}, e.at)


def _number_guessing(conn, e: Event, limits: dict) -> None:
    from app.customers.guesses import WINDOW, misses

    found = misses(conn, e.actor, clock.parse_stamp(e.at) - WINDOW)
    limit = int(limits["number_guessing"]["limit"])
    if len(found) >= limit:
        _raise(conn, "number_guessing", e.actor, _local(e.at).strftime("%Y-%m-%d %H"),
               [s for s, _t in found][-200:], {"limit": limit}, e.at)


CHECKS = {"many_customers": _many_customers, "purpose_other": _purpose_other,
          "after_hours": _after_hours, "many_reveals": _many_reveals,
          "bulk_export": _bulk_export, "failed_logins": _failed_logins,
          "number_guessing": _number_guessing}


def evaluate(conn, event: Event, rules: tuple[str, ...]) -> None:
    """The rules watching `event`'s action (the catalogue says which), in its transaction."""
    limits = thresholds(conn)
    for rule in rules:
        CHECKS[rule](conn, event, limits)


# The rollback rule is raised by app/audit_anchor.py (raise_rollback), not by an action.
audit_actions.watch(CHECKS, evaluate)


@dataclass(frozen=True)
class Alert:
    id: int
    rule: str
    actor: str
    created_at: str
    evidence: tuple[int, ...]
    description: str
    acknowledged_by: str | None
    acknowledged_at: str | None
    note: str | None


def _view(row) -> Alert:
    summary = json.loads(row.summary)
    return Alert(row.id, row.rule, row.actor, row.created_at, tuple(json.loads(row.evidence)),
                 describe(summary["rule"], summary["values"]), row.acknowledged_by,
                 row.acknowledged_at, row.note)


def list_alerts_impl(conn, open_only: bool) -> list[Alert]:
    q = select(alert).order_by(alert.c.created_at.desc())
    if open_only:
        q = q.where(alert.c.acknowledged_at.is_(None))
    return [_view(r) for r in conn.execute(q.limit(1000))]


def count_open(conn) -> int:
    return conn.execute(select(func.count()).select_from(alert)
                        .where(alert.c.acknowledged_at.is_(None))).scalar_one()


def acknowledge_impl(conn, db, session, alert_id: int, note: str) -> None:
    from app import audit
    from app.text import printable

    if len(printable(note, "note", multiline=True).strip()) < 3:
        raise ValidationError(_("Write what you found and did about this alert."),
                              field="note")
    row = conn.execute(select(alert).where(alert.c.id == int(alert_id))).first()
    if row is None:
        raise NotFound(_("There is no alert {number}.").format(number=alert_id))
    if row.acknowledged_at:
        raise Conflict(_("This alert was already acknowledged by {user}.").format(
            user=row.acknowledged_by))
    if _about(conn, row, session.username):
        raise PermissionDenied(_("This alert is about your own actions: another manager "
                                 "must acknowledge it."))
    conn.execute(alert.update().where(alert.c.id == row.id).values(
        acknowledged_by=session.username, acknowledged_at=clock.stamp(),
        note=note.strip()[:1000]))
    audit.append(conn, db, actor=session.username, action="alert.acknowledged",
                 detail={"alert": row.id, "rule": row.rule, "user": row.actor})


def _about(conn, row, username: str) -> bool:
    """Whether the alert is about `username`'s own actions: raised about them, or about a
    permission review they signed."""
    if row.actor.casefold() == username.casefold():
        return True
    review = json.loads(row.summary).get("values", {}).get("review")
    if review is None:
        return False
    from app.compliance.reviews_tables import permission_review as pr

    signer = conn.execute(select(pr.c.signed_by).where(pr.c.id == int(review))).scalar()
    return (signer or "").casefold() == username.casefold()


def close_rule(conn, db, rule: str, by: str, note: str) -> None:
    """Acknowledge every open alert of `rule` whose cause `by` has just put right (a due
    review signed), on record like a manager's acknowledgement."""
    from app import audit

    rows = conn.execute(select(alert).where(alert.c.rule == rule,
                                            alert.c.acknowledged_at.is_(None))).all()
    for row in rows:
        if _about(conn, row, by):
            continue
        conn.execute(alert.update().where(alert.c.id == row.id).values(
            acknowledged_by=by, acknowledged_at=clock.stamp(), note=note))
        audit.append(conn, db, actor=by, action="alert.acknowledged",
                     detail={"alert": row.id, "rule": row.rule, "user": row.actor})


def waiting_for_another_manager(conn, before: str) -> list:
    """Open alerts raised before `before` about a manager's own actions: only another
    manager may acknowledge them (in a branch of one manager they stay open)."""
    from app.store.schema import user, user_role

    managers = set(conn.execute(select(user.c.username).join(
        user_role, user_role.c.user_id == user.c.id).where(user_role.c.role == "manager"))
        .scalars())
    rows = conn.execute(select(alert).where(alert.c.acknowledged_at.is_(None),
                                            alert.c.created_at < before)
                        .order_by(alert.c.created_at)).all()
    return [r for r in rows if r.actor in managers
            or "review" in json.loads(r.summary).get("values", {})]


def set_thresholds_impl(conn, db, session, values: dict[str, dict]) -> None:
    from app import audit

    current = thresholds(conn)
    for rule, change in values.items():
        if rule not in RULES:
            raise ValidationError(_("Unknown alert rule."), field="rule")
        for key, value in change.items():
            if key == "limit" and not (isinstance(value, int) and 1 <= value <= 10000):
                raise ValidationError(_("A limit is a whole number from 1 to 10000."),
                                      field=rule)
            if key in ("start", "end"):
                try:
                    datetime.strptime(value, "%H:%M")
                except (TypeError, ValueError):
                    raise ValidationError(_("Give business hours as HH:MM."),
                                          field=rule) from None
        current[rule] = {**current[rule], **change}
    conn.execute(dialect.insert(conn, schema.setting).values(key="alert_thresholds",
                                                      value=json.dumps(current))
                 .on_conflict_do_update(index_elements=["key"],
                                        set_={"value": json.dumps(current)}))
    audit.append(conn, db, actor=session.username, action="alert.thresholds_changed",
                 detail={"thresholds": current})
