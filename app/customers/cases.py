"""Service cases — service records, fault reports, inquiries, complaints, suggestions — and
their life from open to closed.

Cases may be opened and worked for restricted customers too: a complaint must still be heard.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import and_, case, func, select

from app import audit, clock
from app.customers.model import (
    CASE_DUE_DAYS,
    CaseKind,
    CaseRecord,
    CaseStatus,
    Channel,
    Purpose,
)
from app.customers.records import case_from_row, customer_row
from app.customers.services import (
    iso_date,
    local_today,
    mask_service_no,
    number_forms,
    working_purpose,
)
from app.customers.tables import customer, service, service_case
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import versions
from app.store.fields import FieldKeys, open_row, sealed_values
from app.store.numbers import next_id
from app.store.schema import user, user_role
from app.text import printable

SUMMARY_MAX = 200
DETAILS_MAX = 5000
_S = CaseStatus
# Which moves a case may make; anything else is refused.
TRANSITIONS: frozenset[tuple[CaseStatus, CaseStatus]] = frozenset({
    (_S.OPEN, _S.IN_PROGRESS), (_S.OPEN, _S.RESOLVED), (_S.IN_PROGRESS, _S.RESOLVED),
    (_S.RESOLVED, _S.CLOSED), (_S.RESOLVED, _S.REOPENED), (_S.CLOSED, _S.REOPENED),
    (_S.REOPENED, _S.IN_PROGRESS), (_S.REOPENED, _S.RESOLVED),
})
OPEN_STATES = (_S.OPEN.value, _S.IN_PROGRESS.value, _S.REOPENED.value)
_ASSIGNABLE_ROLES = (Role.COUNTER.value, Role.MANAGER.value)


def _default_purpose(kind: str) -> str:
    return (Purpose.COMPLAINT if kind == CaseKind.COMPLAINT else Purpose.COUNTER_SERVICE).value


def _summary(text: str) -> str:
    text = " ".join(printable(text, "summary").split())
    if not text:
        raise ValidationError(_("Write a short summary of the case."), field="summary")
    if len(text) > SUMMARY_MAX:
        raise ValidationError(_("The summary is too long (at most {count} characters).")
                              .format(count=SUMMARY_MAX), field="summary")
    return text


def _details(text: str) -> str:
    text = printable(text, "details", multiline=True).strip()
    if len(text) > DETAILS_MAX:
        raise ValidationError(_("The details are too long (at most {count} characters).")
                              .format(count=DETAILS_MAX), field="details")
    return text


def _due(text: str) -> str:
    due = iso_date(text, "due_date")
    if due < local_today():
        raise ValidationError(_("The due date cannot be in the past."), field="due_date")
    return due.isoformat()


def _assignee(conn, username: str) -> str:
    """The account's own spelling of the username, if it may take cases."""
    row = conn.execute(select(user.c.id, user.c.username, user.c.disabled)
                       .where(user.c.username == str(username or "").strip())).first()
    if row is None or row.disabled:
        raise ValidationError(_("There is no active user named {user}.")
                              .format(user=str(username or "").strip()), field="assignee")
    allowed = conn.execute(select(func.count()).select_from(user_role).where(
        user_role.c.user_id == row.id, user_role.c.role.in_(_ASSIGNABLE_ROLES))).scalar_one()
    if not allowed:
        raise ValidationError(_("Cases can only be assigned to counter staff or managers."),
                              field="assignee")
    return row.username


def _opened(keys: FieldKeys, row) -> SimpleNamespace:
    """A case row with its texts (and its service's number, if selected) opened."""
    data = open_row(keys, "service_case", row)
    if data.get("service_no") is not None:
        data["service_no"] = keys.open("service", "service_no", data["service_id"],
                                       data["service_no"])
    return SimpleNamespace(**data)


def _case_row(conn, keys: FieldKeys, case_no: str) -> SimpleNamespace:
    row = conn.execute(select(service_case, customer.c.customer_no)
                       .join(customer, customer.c.id == service_case.c.customer_id)
                       .where(service_case.c.case_no == str(case_no or "").strip().upper())
                       ).first()
    if row is None:
        raise NotFound(_("There is no case {number}.").format(number=case_no))
    return _opened(keys, row)


def _service_of(conn, keys: FieldKeys, customer_id: int, service_no: str):
    """(id, kind, number) of the customer's service with that number, the latest first.
    Service numbers are sealed: the customer's few services are opened and compared here,
    never in SQL."""
    forms = set(number_forms(service_no))
    rows = conn.execute(select(service.c.id, service.c.kind, service.c.service_no)
                        .where(service.c.customer_id == customer_id)
                        .order_by(service.c.id.desc())).all()
    for r in rows:
        number = keys.open("service", "service_no", r.id, r.service_no)
        if number in forms:
            return r.id, r.kind, number
    return None


def _still_open(row) -> None:
    if row.status == CaseStatus.CLOSED:
        raise Conflict(_("Case {number} is closed; reopen it to change it.")
                       .format(number=row.case_no))


def _satisfaction(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(_("Satisfaction is a score from 1 to 5."), field="satisfaction")
    return value


@requires(Permission.CUSTOMER_EDIT)
def open_case(session: Session, customer_no: str, kind: str, channel: str, summary: str,
              details: str = "", service_no: str | None = None, assignee: str | None = None,
              due_date: str | None = None) -> str:
    """A new case, status open; returns its number (CS + 8 digits)."""
    try:
        case_kind = CaseKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of case."), field="kind") from None
    try:
        case_channel = Channel(channel)
    except ValueError:
        raise ValidationError(_("Choose the channel the case came in by."),
                              field="channel") from None
    text, more = _summary(summary), _details(details)
    due = _due(due_date) if due_date else (
        local_today() + timedelta(days=CASE_DUE_DAYS[case_kind])).isoformat()
    db = session.db
    with db.write() as conn:
        owner = customer_row(conn, customer_no)
        service_id, service_kind, number = None, "", ""
        if service_no:
            found = _service_of(conn, db.fields, owner.id, service_no)
            if found is None:
                raise ValidationError(_("This customer has no service with that number."),
                                      field="service_no")
            service_id, service_kind, number = found
        who = _assignee(conn, assignee if assignee else session.username)
        case_id = next_id(conn, service_case.c.id)
        case_no = f"CS{case_id:08d}"
        now = clock.stamp()
        conn.execute(service_case.insert().values(
            id=case_id, case_no=case_no, customer_id=owner.id, service_id=service_id,
            kind=case_kind.value, channel=case_channel.value,
            **sealed_values(db.fields, "service_case", case_id,
                            {"summary": text, "details": more}),
            status=CaseStatus.OPEN.value, assignee=who, due_date=due, created_at=now,
            created_by=session.username, updated_at=now))
        purpose = working_purpose(session, owner.customer_no, _default_purpose(case_kind))
        audit.append(conn, db, actor=session.username, action="case.opened",
                     customer_ref=owner.customer_no, purpose=purpose,
                     detail={"case_no": case_no, "kind": case_kind.value,
                             "channel": case_channel.value, "assignee": who, "due_date": due,
                             "service_no": mask_service_no(service_kind, number)
                             if number else None})
    session.purposes.setdefault(owner.customer_no, purpose)
    return case_no


@requires(Permission.CUSTOMER_EDIT)
def move_case(session: Session, case_no: str, to_status: str, resolution: str | None = None,
              satisfaction: int | None = None, note: str = "", *,
              expected_version: int | None = None) -> None:
    """One step of the case's life; resolving needs the resolution, scores come at the end."""
    try:
        target = CaseStatus(to_status)
    except ValueError:
        raise ValidationError(_("Choose the status to move the case to."),
                              field="to_status") from None
    score = _satisfaction(satisfaction)
    if score is not None and target not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise ValidationError(_("Satisfaction is recorded when a case is resolved or closed."),
                              field="satisfaction")
    answer = " ".join(str(resolution or "").split())
    if target is CaseStatus.RESOLVED and not answer:
        raise ValidationError(_("Write how the case was resolved."), field="resolution")
    if len(answer) > DETAILS_MAX:
        raise ValidationError(_("The resolution is too long (at most {count} characters).")
                              .format(count=DETAILS_MAX), field="resolution")
    db = session.db
    with db.write() as conn:
        row = _case_row(conn, db.fields, case_no)
        versions.check(conn, service_case, row.id, expected_version)
        current = CaseStatus(row.status)
        if (current, target) not in TRANSITIONS:
            raise Conflict(_("A case cannot go from {current} to {target}.")
                           .format(current=current.label, target=target.label))
        now = clock.stamp()
        values: dict = {"status": target.value,
                        **versions.edited(service_case, session.username, stamp=now)}
        if target is CaseStatus.RESOLVED:
            values.update(resolution=answer, resolved_at=now, satisfaction=score)
        elif target is CaseStatus.CLOSED:
            values.update(closed_at=now)
            if score is not None:
                values.update(satisfaction=score)
        elif target is CaseStatus.REOPENED:
            values.update(closed_at=None, satisfaction=None)
        conn.execute(service_case.update().where(service_case.c.id == row.id)
                     .values(**sealed_values(db.fields, "service_case", row.id, values)))
        purpose = working_purpose(session, row.customer_no, _default_purpose(row.kind))
        audit.append(conn, db, actor=session.username, action="case.moved",
                     customer_ref=row.customer_no, purpose=purpose,
                     detail={"case_no": row.case_no, "from": current.value, "to": target.value,
                             "satisfaction": score, "note": str(note or "").strip()[:200]})


@requires(Permission.CUSTOMER_EDIT)
def reassign_case(session: Session, case_no: str, assignee: str, *,
                  expected_version: int | None = None) -> None:
    db = session.db
    with db.write() as conn:
        row = _case_row(conn, db.fields, case_no)
        versions.check(conn, service_case, row.id, expected_version)
        _still_open(row)
        who = _assignee(conn, assignee)
        if who == row.assignee:
            raise Conflict(_("Case {number} is already assigned to {user}.")
                           .format(number=row.case_no, user=who))
        conn.execute(service_case.update().where(service_case.c.id == row.id)
                     .values(assignee=who,
                             **versions.edited(service_case, session.username)))
        audit.append(conn, db, actor=session.username, action="case.reassigned",
                     customer_ref=row.customer_no,
                     purpose=working_purpose(session, row.customer_no,
                                             _default_purpose(row.kind)),
                     detail={"case_no": row.case_no, "from": row.assignee, "to": who})


@requires(Permission.CUSTOMER_EDIT)
def update_case_details(session: Session, case_no: str, summary: str | None = None,
                        details: str | None = None, due_date: str | None = None,
                        reason: str = "", *, expected_version: int | None = None) -> None:
    """Correct the summary or details, or move the due date (which needs a reason)."""
    changes: dict = {}
    if summary is not None:
        changes["summary"] = _summary(summary)
    if details is not None:
        changes["details"] = _details(details)
    if due_date is not None:
        changes["due_date"] = _due(due_date)
    db = session.db
    with db.write() as conn:
        row = _case_row(conn, db.fields, case_no)
        versions.check(conn, service_case, row.id, expected_version)
        _still_open(row)
        changes = {k: v for k, v in changes.items() if v != getattr(row, k)}
        if not changes:
            raise ValidationError(_("Nothing was changed."), field=None)
        detail: dict = {"case_no": row.case_no, "fields": sorted(changes)}
        if "due_date" in changes:
            if len(reason.strip()) < 3:
                raise ValidationError(_("Give the reason for changing the due date."),
                                      field="reason")
            detail.update(due_from=row.due_date, due_to=changes["due_date"],
                          reason=reason.strip()[:200])
        conn.execute(service_case.update().where(service_case.c.id == row.id)
                     .values(**sealed_values(db.fields, "service_case", row.id, changes),
                             **versions.edited(service_case, session.username)))
        audit.append(conn, db, actor=session.username, action="case.updated",
                     customer_ref=row.customer_no,
                     purpose=working_purpose(session, row.customer_no,
                                             _default_purpose(row.kind)),
                     detail=detail)


@requires(Permission.CUSTOMER_OPEN)
def list_cases(session: Session, *, mine: bool = False, overdue: bool = False,
               kind: str | None = None, status: str | None = None,
               customer_no: str | None = None, limit: int = 1000) -> list[CaseRecord]:
    """The case queue: overdue cases first, then by due date."""
    try:
        kind_value = CaseKind(kind).value if kind else None
    except ValueError:
        raise ValidationError(_("Choose the kind of case."), field="kind") from None
    try:
        status_value = CaseStatus(status).value if status else None
    except ValueError:
        raise ValidationError(_("Choose a case status."), field="status") from None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10000:
        raise ValidationError(_("The list limit must be between 1 and 10000."), field="limit")
    today = local_today().isoformat()
    sc = service_case.c
    late = and_(sc.status.in_(OPEN_STATES), sc.due_date < today)
    conditions = []
    if mine:
        conditions.append(sc.assignee == session.username)       # case_by_assignee
    if status_value:
        conditions.append(sc.status == status_value)              # case_by_status_due
    if overdue:
        conditions.append(late)                                   # case_by_status_due range
    if kind_value:
        conditions.append(sc.kind == kind_value)
    customer_ref = None
    with session.db.read() as conn:
        if customer_no:
            owner = customer_row(conn, customer_no)
            customer_ref = owner.customer_no
            conditions.append(sc.customer_id == owner.id)         # case_by_customer
        rows = conn.execute(select(service_case, customer.c.customer_no,
                                   customer.c.name.label("customer_name"), service.c.service_no,
                                   service.c.kind.label("service_kind"))
                            .join(customer, customer.c.id == sc.customer_id)
                            .outerjoin(service, service.c.id == sc.service_id)
                            .where(*conditions)
                            .order_by(*_queue_order(late))
                            .limit(limit)).all()
    audit.record(session.db, actor=session.username, action="case.listed",
                 customer_ref=customer_ref,
                 detail={"mine": bool(mine), "overdue": bool(overdue), "kind": kind_value,
                         "status": status_value, "customer": customer_ref is not None,
                         "results": len(rows)})
    # Only the rows shown (at most `limit`) are opened; the queue's order is by status and
    # dates, never by the sealed texts. The customer's name, for the queue across customers,
    # is opened with the session's keys as the customer list shows it.
    keys = session.db.fields
    return [replace(case_from_row(o, o.customer_no, o.service_no, today, o.service_kind),
                    customer_name="" if customer_ref else
                    keys.open("customer", "name", o.customer_id, o.customer_name))
            for o in (_opened(keys, r) for r in rows)]


def customer_cases(conn, keys: FieldKeys, customer_id: int, customer_no: str
                   ) -> list[CaseRecord]:
    """Every case of one customer, newest first, texts opened (the access copy's)."""
    rows = conn.execute(select(service_case, service.c.service_no,
                               service.c.kind.label("service_kind"))
                        .outerjoin(service, service.c.id == service_case.c.service_id)
                        .where(service_case.c.customer_id == customer_id)
                        .order_by(service_case.c.created_at.desc())).all()
    today = local_today().isoformat()
    return [case_from_row(o, customer_no, o.service_no, today, o.service_kind)
            for o in (_opened(keys, r) for r in rows)]


def _queue_order(late) -> tuple:
    """Overdue first, then open work by due date, then finished cases newest first."""
    sc = service_case.c
    still_open = sc.status.in_(OPEN_STATES)
    return (case((late, 0), (still_open, 1), else_=2),
            case((still_open, sc.due_date), else_=""),
            case((still_open, ""), else_=sc.created_at).desc(), sc.case_no)


__all__ = ["OPEN_STATES", "TRANSITIONS", "customer_cases", "list_cases", "move_case", "open_case",
           "reassign_case", "update_case_details"]


@requires(Permission.CUSTOMER_OPEN)
def case_assignees(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of everyone a case may be assigned to."""
    u, r = user.c, user_role.c
    with session.db.read() as conn:
        rows = conn.execute(select(u.username, u.display_name).distinct()
                            .join(user_role, r.user_id == u.id)
                            .where(u.disabled == 0, r.role.in_(["counter", "manager"]))
                            .order_by(u.username)).all()
    return [(row.username, row.display_name) for row in rows]
