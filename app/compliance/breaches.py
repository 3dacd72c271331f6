"""Personal-data breaches (个人信息安全事件): the register, reporting, closing.

A manager keeps the register (Permission.COMPLIANCE). Anyone who may open customer records
(counter staff too) may *report* a suspected incident: its deadlines run from detection, so
the sooner it is on record the better; a manager then takes it over. Customers are linked
by their ids (never their names) and counted. An incident closes only when the regulator
and every linked customer have been notified, or with a recorded reason why not.
Letters: app/compliance/breach_notices.py; deadlines: app/compliance/breach_deadlines.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from app import audit, clock
from app.compliance.breach_deadlines import raise_due_alerts, read_deadlines, urgency
from app.compliance.breach_tables import breach, breach_customer, breach_notice
from app.compliance.tiles import ComplianceTile
from app.customers.tables import customer
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.text import printable

CATEGORIES: dict[str, str] = {
    "identity": N_("Names and identity"),
    "id_number": N_("ID document numbers"),
    "contact": N_("Phone numbers, addresses and emails"),
    "services": N_("Services and service numbers"),
    "billing": N_("Consumption and payments"),
    "cases": N_("Cases and complaints"),
    "paper": N_("Paper files"),
}
MIN_REASON = 10  # characters: a reason why no notification was required


@dataclass(frozen=True)
class Breach:
    number: int
    detected_at: str
    summary: str
    what_happened: str
    categories: tuple[str, ...]
    consequences: str
    measures: str
    handler: str | None
    state: str
    regulator_due: str
    customers_due: str
    reported_by: str
    customers: int               # linked customers
    regulator_notified: str      # when the regulator was last notified ("" : not yet)
    customers_notified: int      # linked customers with a letter
    closed_at: str | None
    close_reason: str | None
    row_version: int

    @property
    def regulator_pending(self) -> bool:
        return self.state == "open" and not self.regulator_notified

    @property
    def customers_pending(self) -> int:
        return self.customers - self.customers_notified if self.state == "open" else 0

    @property
    def outstanding(self) -> bool:
        return self.regulator_pending or self.customers_pending > 0

    def urgency(self, now: datetime, warn_hours: int) -> str:
        """'passed', 'near' or '' for the earliest deadline still pending."""
        return urgency(self.next_due, now, warn_hours)

    @property
    def next_due(self) -> str:
        dues = [d for d, pending in ((self.regulator_due, self.regulator_pending),
                                     (self.customers_due, self.customers_pending > 0)) if pending]
        return min(dues) if dues else ""

    def category_labels(self) -> str:
        return ", ".join(_(CATEGORIES[c]) for c in self.categories if c in CATEGORIES)


def parse_detected(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in local time, not in the future."""
    try:
        moment = datetime.strptime(str(text).strip(), "%Y-%m-%d %H:%M").astimezone()
    except ValueError:
        raise ValidationError(_("Give the time of detection as YYYY-MM-DD HH:MM."),
                              field="detected") from None
    if moment > clock.now_utc() + timedelta(minutes=5):
        raise ValidationError(_("The time of detection cannot be in the future."),
                              field="detected")
    return moment


def _text(value: str, field: str, limit: int, required: str = "") -> str:
    text = printable(value or "", field, multiline=True).strip()
    if required and not text:
        raise ValidationError(required, field=field)
    if len(text) > limit:
        raise ValidationError(_("At most {count} characters.").format(count=limit), field=field)
    return text


def _categories(codes) -> str:
    chosen = [c.strip() for c in codes if c and c.strip()]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        raise ValidationError(_("Unknown category of data: {codes}.").format(
            codes=", ".join(unknown)), field="categories")
    return ",".join(c for c in CATEGORIES if c in chosen)


def customer_numbers(text: str | list[str]) -> list[str]:
    """'C1,C2 C3' (or a list) as distinct upper-case customer numbers, in order."""
    parts = text.replace(",", " ").split() if isinstance(text, str) else text
    return list(dict.fromkeys(p.strip().upper() for p in parts if p.strip()))


def _customer_ids(conn, numbers: list[str]) -> list[int]:
    if not numbers:
        return []
    found = dict(conn.execute(select(customer.c.customer_no, customer.c.id)
                              .where(customer.c.customer_no.in_(numbers))).all())
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(_("There is no customer {numbers}; nothing was saved.").format(
            numbers=", ".join(missing)))
    return [found[n] for n in numbers]


def _insert(session: Session, detected: str, summary: str, numbers, what_happened: str,
            handler: str | None, action: str, extra: dict | None = None) -> int:
    moment = parse_detected(detected)
    summary = _text(summary, "summary", 300, _("Say in a line what happened."))
    what_happened = _text(what_happened, "what_happened", 4000)
    with session.db.write() as conn:
        ids = _customer_ids(conn, customer_numbers(numbers or []))
        limits, now = read_deadlines(conn), clock.stamp()
        number = conn.execute(breach.insert().values(
            detected_at=clock.stamp(moment), summary=summary, what_happened=what_happened,
            handler=handler, state="open", regulator_due=limits.regulator_due(moment),
            customers_due=limits.customers_due(moment), reported_by=session.username,
            reported_at=now, updated_by=session.username, **(extra or {}))
        ).inserted_primary_key[0]
        if ids:
            conn.execute(breach_customer.insert(),
                         [{"breach_id": number, "customer_id": i} for i in ids])
        audit.append(conn, session.db, actor=session.username, action=action,
                     detail={"number": number, "count": len(ids)})
    return int(number)


@requires(Permission.COMPLIANCE)
def record_breach(session: Session, detected: str, summary: str, customers=(),
                  what_happened: str = "", categories=(), consequences: str = "",
                  measures: str = "") -> int:
    """A manager records an incident and handles it; returns its number."""
    extra = {"categories": _categories(categories),
             "consequences": _text(consequences, "consequences", 4000),
             "measures": _text(measures, "measures", 4000)}
    return _insert(session, detected, summary, customers, what_happened, session.username,
                   "breach.recorded", extra)


@requires(Permission.OWN_ACCOUNT)
def report_incident(session: Session, detected: str, summary: str, customers=(),
                    what_happened: str = "") -> int:
    """Anyone who works here reports a suspected incident the moment they notice it (the
    deadlines run from detection): counter staff a stranger reading a screen, an archive
    clerk a paper file gone, an administrator a backup drive lost. A manager takes it over;
    they see only its number, never the register. Customers are named only by those who
    may find customers (an administrator describes what happened instead)."""
    if customers and not session.can(Permission.CUSTOMER_FIND):
        raise ValidationError(_("Your role does not find customers: describe the incident "
                                "and the manager links the customers it affects."),
                              field="customers")
    return _insert(session, detected, summary, customers, what_happened, None,
                   "breach.reported")


def _rows(conn, where=None) -> list[Breach]:
    linked = (select(breach_customer.c.breach_id, func.count().label("n"))
              .group_by(breach_customer.c.breach_id).subquery())
    told = (select(breach_notice.c.breach_id,
                   func.count(func.distinct(breach_notice.c.customer_id)).label("n"))
            .where(breach_notice.c.recipient == "customer")
            .group_by(breach_notice.c.breach_id).subquery())
    reg = (select(breach_notice.c.breach_id, func.max(breach_notice.c.sent_at).label("at"))
           .where(breach_notice.c.recipient == "regulator")
           .group_by(breach_notice.c.breach_id).subquery())
    q = (select(breach, linked.c.n.label("linked"), told.c.n.label("told"),
                reg.c.at.label("reg_at"))
         .outerjoin(linked, linked.c.breach_id == breach.c.id)
         .outerjoin(told, told.c.breach_id == breach.c.id)
         .outerjoin(reg, reg.c.breach_id == breach.c.id)
         .order_by(breach.c.detected_at.desc(), breach.c.id.desc()))
    if where is not None:
        q = q.where(where)
    return [_view(r) for r in conn.execute(q)]


def _view(r) -> Breach:
    return Breach(int(r.id), r.detected_at, r.summary, r.what_happened,
                  tuple(c for c in r.categories.split(",") if c), r.consequences, r.measures,
                  r.handler, r.state, r.regulator_due, r.customers_due, r.reported_by,
                  int(r.linked or 0), r.reg_at or "", int(r.told or 0), r.closed_at,
                  r.close_reason, int(r.row_version))


def load(conn, number: int) -> Breach:
    try:
        key = int(number)
    except (TypeError, ValueError):
        key = 0
    found = _rows(conn, breach.c.id == key)
    if not found:
        raise NotFound(_("There is no personal-data breach {number}.").format(number=number))
    return found[0]


def _pending_alerts(rows: list[Breach], now: datetime, warn: int):
    """(number, whose, recipient, due) of each deadline near or passed: the handler's, or,
    for an incident nobody handles yet, the branch's (no one's: any manager acknowledges)."""
    out = []
    for b in rows:
        for recipient, due, pending in (("regulator", b.regulator_due, b.regulator_pending),
                                        ("customers", b.customers_due, b.customers_pending)):
            if pending and urgency(due, now, warn):
                out.append((b.number, b.handler or "", recipient, due))
    return out


def _listed(session: Session, open_only: bool) -> list[Breach]:
    where = breach.c.state == "open" if open_only else None
    with session.db.read() as conn:
        rows, warn = _rows(conn, where), read_deadlines(conn).warn_hours
    pending = _pending_alerts(rows, clock.now_utc(), warn)
    if pending:
        with session.db.write() as conn:
            raise_due_alerts(conn, session.db, session.username, pending)
    return rows


@requires(Permission.COMPLIANCE)
def list_breaches(session: Session, open_only: bool = False) -> list[Breach]:
    """The register, newest first; deadlines nearing or passed raise their alerts."""
    return _listed(session, open_only)


@requires(Permission.COMPLIANCE)
def check_deadlines(session: Session) -> int:
    """Raises the alerts of open incidents whose deadlines near or passed (the dashboard
    may call it when it is looked at; dashboard_tiles itself only reads). Returns how many
    incidents are open."""
    return len(_listed(session, True))


@requires(Permission.COMPLIANCE)
def get_breach(session: Session, number: int) -> Breach:
    with session.db.read() as conn:
        return load(conn, number)


@requires(Permission.COMPLIANCE)
def linked_customers(session: Session, number: int) -> list[tuple[str, bool]]:
    """(customer number, notified) of each linked customer: numbers, never names."""
    with session.db.read() as conn:
        load(conn, number)
        told = select(breach_notice.c.customer_id).where(and_(
            breach_notice.c.breach_id == int(number), breach_notice.c.recipient == "customer"))
        rows = conn.execute(
            select(customer.c.customer_no, customer.c.id.in_(told).label("told"))
            .join(breach_customer, breach_customer.c.customer_id == customer.c.id)
            .where(breach_customer.c.breach_id == int(number))
            .order_by(customer.c.customer_no)).all()
    return [(r.customer_no, bool(r.told)) for r in rows]


def _changed(session: Session, conn, b: Breach, values: dict, action: str, detail: dict):
    done = conn.execute(breach.update().where(and_(
        breach.c.id == b.number, breach.c.row_version == b.row_version,
        breach.c.state == "open")).values(
        row_version=b.row_version + 1, updated_by=session.username, **values)).rowcount
    if done != 1:
        raise Conflict(_("Breach {number} was changed or closed by someone else meanwhile; "
                         "open it again.").format(number=b.number))
    audit.append(conn, session.db, actor=session.username, action=action,
                 detail={"number": b.number, **detail})


@requires(Permission.COMPLIANCE)
def update_breach(session: Session, number: int, row_version: int, *, what_happened: str,
                  categories, consequences: str, measures: str, customers=None,
                  take_over: bool = False) -> Breach:
    """A manager completes the record; `customers` (numbers) replaces the linked ones;
    `take_over` makes the manager its handler (a reported incident has none)."""
    values = {"what_happened": _text(what_happened, "what_happened", 4000),
              "categories": _categories(categories),
              "consequences": _text(consequences, "consequences", 4000),
              "measures": _text(measures, "measures", 4000)}
    with session.db.write() as conn:
        b = replace(load(conn, number), row_version=int(row_version))
        if b.state != "open":
            raise Conflict(_("Breach {number} is closed.").format(number=b.number))
        if take_over or not b.handler:
            values["handler"] = session.username
        detail: dict = {}
        if customers is not None:
            detail["count"], removed = _relink(conn, b.number, customer_numbers(customers))
            if removed:  # the log says whom a manager took off the list, and so off the letters
                detail["unlinked"] = removed
        _changed(session, conn, b, values, "breach.updated", detail)
        return load(conn, number)


def _relink(conn, number: int, numbers: list[str]) -> tuple[int, list[str]]:
    """Replaces the customers linked to breach `number`; how many now, and the numbers of
    those taken off."""
    ids = _customer_ids(conn, numbers)
    told = set(conn.execute(select(breach_notice.c.customer_id).where(
        breach_notice.c.breach_id == number)).scalars())
    if told - set(ids) - {None}:
        raise Conflict(_("A customer who has already been sent a letter stays linked to the "
                         "breach."))
    removed = conn.execute(
        select(customer.c.customer_no).join(breach_customer,
                                            breach_customer.c.customer_id == customer.c.id)
        .where(breach_customer.c.breach_id == number, customer.c.id.not_in(ids or [-1]))
        .order_by(customer.c.customer_no)).scalars().all()
    conn.execute(breach_customer.delete().where(breach_customer.c.breach_id == number))
    if ids:
        conn.execute(breach_customer.insert(),
                     [{"breach_id": number, "customer_id": i} for i in ids])
    return len(ids), list(removed)


@requires(Permission.COMPLIANCE)
def close_breach(session: Session, number: int, reason: str = "") -> Breach:
    """Closes when every notification is done; otherwise only with a reason why none was
    required (at least MIN_REASON characters), which is recorded."""
    reason = _text(reason, "reason", 2000)
    with session.db.write() as conn:
        b = load(conn, number)
        if b.state != "open":
            raise Conflict(_("Breach {number} is already closed.").format(number=b.number))
        if b.outstanding and len(reason) < MIN_REASON:
            raise Conflict(_(
                "Breach {number} still has notifications outstanding (regulator: {regulator}, "
                "customers: {customers}); send them, or give the reason why none is required."
            ).format(number=b.number, regulator=_("pending") if b.regulator_pending
                     else _("done"), customers=b.customers_pending))
        _changed(session, conn, b, {"state": "closed", "closed_by": session.username,
                                    "closed_at": clock.stamp(), "close_reason": reason or None},
                 "breach.closed", {"outstanding": b.outstanding})
        return load(conn, number)


def due_alerts(conn, _today: date) -> list:
    """The deadlines of open incidents that near or passed, for the dashboard (which raises
    the alerts not raised yet, as the register's list does)."""
    from app.oversight.alerts import Due

    rows, warn = _rows(conn, breach.c.state == "open"), read_deadlines(conn).warn_hours
    now = clock.now_utc()
    return [Due("breach_overdue" if due <= clock.stamp(now) else "breach_due_soon", handler,
                f"breach:{number}:{recipient}", {"number": number, "due": clock.local_text(due)})
            for number, handler, recipient, due in _pending_alerts(rows, now, warn)]


def dashboard_tiles(conn, today: date) -> list[ComplianceTile]:
    """Open incidents; red when a deadline has passed; none while nothing is open (read
    only: their alerts are raised from due_alerts and the register's list)."""
    rows = _rows(conn, breach.c.state == "open")
    if not rows:
        return []
    warn = read_deadlines(conn).warn_hours
    now = clock.now_utc()
    states = [b.urgency(now, warn) for b in rows]
    passed, near = states.count("passed"), states.count("near")
    detail = ""
    if passed or near:
        detail = _("deadline passed: {passed} · nearing: {near}").format(passed=passed,
                                                                          near=near)
    else:
        detail = _("no deadline near")
    return [ComplianceTile("breaches_open", str(len(rows)), _("Open data breaches"), detail,
                           alarm=passed > 0, tab="breaches")]


def period_summary(conn, first: date, last: date) -> list[dict]:
    """The incidents detected in the period or still open during it (plain dicts, text
    masked), for the monthly compliance report."""
    from app.customers.freetext import mask_numbers_in

    start = clock.stamp(datetime.combine(first, datetime.min.time()).astimezone())
    end = clock.stamp(datetime.combine(last + timedelta(days=1),
                                       datetime.min.time()).astimezone())
    rows = _rows(conn, and_(breach.c.detected_at < end,
                            or_(breach.c.closed_at.is_(None), breach.c.closed_at >= start)))
    return [{"number": b.number, "detected_at": clock.local_text(b.detected_at),
             "summary": mask_numbers_in(b.summary), "state": b.state,
             "customers": b.customers, "customers_notified": b.customers_notified,
             "regulator_due": clock.local_text(b.regulator_due),
             "regulator_notified": clock.local_text(b.regulator_notified),
             "customers_due": clock.local_text(b.customers_due) if b.customers else "",
             "closed_at": clock.local_text(b.closed_at),
             "closed_with_reason": bool(b.close_reason) and b.state == "closed",
             "late": _late(b)} for b in rows]


def _late(b: Breach) -> bool:
    """A notification sent after its deadline, or still missing past it."""
    now = clock.stamp()
    regulator = b.regulator_notified or (now if b.regulator_pending else "")
    customers = now if b.customers_pending else ""
    return bool(regulator and regulator > b.regulator_due) or bool(
        customers and customers > b.customers_due)
