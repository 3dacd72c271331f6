"""How long a branch has to notify a personal-data breach, as settings, and the alerts when a
deadline nears or passes (raised when the register is looked at, once per window).

The regulator: 72 hours from detection by default; 0 hours means "immediately" (the
deadline is the moment of detection, so an open incident is late until it is notified).
Customers: without undue delay, said as a number of days (3 by default). An alert is raised
`warn` hours before a deadline, and again once it has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app import audit, clock
from app.errors import ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect, schema

REGULATOR_HOURS = "breach_regulator_hours"
CUSTOMER_DAYS = "breach_customer_days"
WARN_HOURS = "breach_warn_hours"
DEFAULTS = {REGULATOR_HOURS: 72, CUSTOMER_DAYS: 3, WARN_HOURS: 24}
LIMITS = {REGULATOR_HOURS: (0, 720), CUSTOMER_DAYS: (1, 60), WARN_HOURS: (1, 168)}


@dataclass(frozen=True)
class Deadlines:
    regulator_hours: int   # 0: immediately
    customer_days: int
    warn_hours: int

    def regulator_due(self, detected: datetime) -> str:
        return clock.stamp(detected + timedelta(hours=self.regulator_hours))

    def customers_due(self, detected: datetime) -> str:
        return clock.stamp(detected + timedelta(days=self.customer_days))


def read_deadlines(conn) -> Deadlines:
    rows = dict(conn.execute(select(schema.setting.c.key, schema.setting.c.value)
                             .where(schema.setting.c.key.in_(list(DEFAULTS)))).all())
    values = {key: int(rows.get(key, default)) for key, default in DEFAULTS.items()}
    return Deadlines(values[REGULATOR_HOURS], values[CUSTOMER_DAYS], values[WARN_HOURS])


def deadlines(session: Session) -> Deadlines:
    """The deadlines in force (anyone who may report an incident sees what it sets off)."""
    with session.db.read() as conn:
        return read_deadlines(conn)


def _whole(value, key: str) -> int:
    low, high = LIMITS[key]
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise ValidationError(_("A breach deadline must be a whole number from {low} to "
                                "{high}.").format(low=low, high=high), field=key)
    return number


@requires(Permission.COMPLIANCE)
def set_deadlines(session: Session, regulator_hours: int, customer_days: int,
                  warn_hours: int = DEFAULTS[WARN_HOURS]) -> Deadlines:
    """New deadlines apply to incidents recorded from now on; recorded ones keep theirs."""
    values = {REGULATOR_HOURS: _whole(regulator_hours, REGULATOR_HOURS),
              CUSTOMER_DAYS: _whole(customer_days, CUSTOMER_DAYS),
              WARN_HOURS: _whole(warn_hours, WARN_HOURS)}
    with session.db.write() as conn:
        for key, value in values.items():
            conn.execute(dialect.insert(conn, schema.setting).values(key=key, value=str(value))
                         .on_conflict_do_update(index_elements=["key"],
                                                set_={"value": str(value)}))
        audit.append(conn, session.db, actor=session.username,
                     action="breach.deadlines_changed",
                     detail={"regulator_hours": values[REGULATOR_HOURS],
                             "customer_days": values[CUSTOMER_DAYS],
                             "warn_hours": values[WARN_HOURS]})
    return Deadlines(values[REGULATOR_HOURS], values[CUSTOMER_DAYS], values[WARN_HOURS])


def urgency(due: str | None, now: datetime, warn_hours: int) -> str:
    """'' (none pending or far off), 'near' (within warn hours) or 'passed'."""
    if not due:
        return ""
    left = clock.parse_stamp(due) - now
    if left <= timedelta(0):
        return "passed"
    return "near" if left <= timedelta(hours=warn_hours) else ""


def raise_due_alerts(conn, db, actor: str, pending: list[tuple[int, str, str, str]]) -> int:
    """Alerts for `pending` (number, handler, recipient, due) not yet raised; one audit
    event names them. Returns how many were new."""
    from app.oversight.alerts import raise_alert
    from app.oversight.tables import alert

    now, new = clock.stamp(), []
    for number, handler, recipient, due in pending:
        state = "passed" if due <= now else "near"
        rule = "breach_overdue" if state == "passed" else "breach_due_soon"
        window = f"breach:{number}:{recipient}"
        seen = conn.execute(select(alert.c.id).where(
            alert.c.rule == rule, alert.c.actor == handler, alert.c.window_key == window)).first()
        if seen is None:
            new.append((rule, handler, window, number, due))
    if not new:
        return 0
    seq = audit.append(conn, db, actor=actor, action="breach.deadline_alert",
                       detail={"number": ", ".join(str(n[3]) for n in new)})
    for rule, handler, window, number, due in new:
        raise_alert(conn, rule, handler, window,
                    {"number": number, "due": clock.local_text(due)}, evidence=[seq])
    return len(new)
