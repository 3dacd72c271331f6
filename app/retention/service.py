"""Retention runs: what has outlived its rule is deleted or anonymised — first as a dry run
(counts per category), then applied, one transaction per category, each run on record.

Customers on legal hold are skipped and listed. Administrators configure and run this; they
see counts and customer numbers, never customer data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, delete, func, or_, select

from app import audit, clock
from app.customers.model import CaseStatus
from app.customers.tables import consumption, customer, payment, service, service_case
from app.customers.tokens import customer_tokens, replace_tokens
from app.errors import ValidationError
from app.i18n import N_, _
from app.retention.tables import audit_purge_gate, retention_rule, retention_run
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect, schema
from app.store.fields import IDENTITY
from app.text import printable

# category -> (keep, unit, msgid describing what happens)
DEFAULT_RULES: dict[str, tuple[int, str, str]] = {
    "consumption": (24, "months", N_("Monthly consumption and payments older than this are "
                                     "deleted.")),
    "closed_identity": (3, "years", N_("Identity of customers whose last service ended "
                                       "longer ago than this is anonymised.")),
    "cases": (3, "years", N_("Service cases closed longer ago than this are deleted.")),
    "access_log": (3, "years", N_("Access-log events older than this expire.")),
}


@dataclass(frozen=True)
class Rule:
    category: str
    keep: int
    unit: str
    description: str
    updated_at: str = ""
    updated_by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RunReport:
    applied: bool
    cutoffs: dict[str, str]
    counts: dict[str, int]
    held: list[str] = field(default_factory=list)  # customer numbers skipped (legal hold)


def _cutoff(today: date, keep: int, unit: str) -> date:
    months = keep * 12 if unit == "years" else keep
    year, month = today.year, today.month - months
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, min(today.day, 28))


def rules(conn) -> list[Rule]:
    rows = {r.category: r for r in conn.execute(select(retention_rule))}
    out = []
    for category, (keep, unit, text) in DEFAULT_RULES.items():
        r = rows.get(category)
        out.append(Rule(category, r.keep if r else keep, r.unit if r else unit, text,
                        r.updated_at if r else "", r.updated_by if r else "",
                        r.reason if r else ""))
    return out


@requires(Permission.RETENTION_CONFIGURE)
def list_rules(session: Session) -> list[Rule]:
    with session.db.read() as conn:
        return rules(conn)


@requires(Permission.RETENTION_CONFIGURE)
def set_rule(session: Session, category: str, keep: int, unit: str, reason: str) -> None:
    if category not in DEFAULT_RULES:
        raise ValidationError(_("Unknown retention category."), field="category")
    if unit not in ("months", "years") or not 1 <= int(keep) <= 600:
        raise ValidationError(_("A retention period is 1 to 600 months or years."),
                              field="keep")
    if len(printable(reason, "reason", multiline=True).strip()) < 5:
        raise ValidationError(_("Give the reason for changing a retention rule."),
                              field="reason")
    with session.db.write() as conn:
        before = {r.category: r for r in rules(conn)}[category]
        values = {"keep": int(keep), "unit": unit, "updated_at": clock.stamp(),
                  "updated_by": session.username, "reason": reason.strip()[:500]}
        conn.execute(dialect.insert(conn, retention_rule).values(category=category, **values)
                     .on_conflict_do_update(index_elements=["category"], set_=values))
        audit.append(conn, session.db, actor=session.username, action="retention.rule_changed",
                     detail={"category": category, "before": f"{before.keep} {before.unit}",
                             "after": f"{int(keep)} {unit}", "reason": reason.strip()[:200]})


def _held_ids(conn, today: date) -> dict[int, str]:
    rows = conn.execute(select(customer.c.id, customer.c.customer_no).where(and_(
        customer.c.legal_hold_reason.is_not(None),
        or_(customer.c.legal_hold_until.is_(None),
            customer.c.legal_hold_until >= today.isoformat())))).all()
    return {r.id: r.customer_no for r in rows}


def _scope(conn, today: date) -> tuple[dict[str, date], dict[int, str]]:
    cut = {r.category: _cutoff(today, r.keep, r.unit) for r in rules(conn)}
    return cut, _held_ids(conn, today)


def _anonymise(conn, keys, ids: list[int]) -> None:
    """Closed customers' identity overwritten with the erasure's placeholders: plain text,
    since an administrator runs this and holds no key to seal with (erasure.py says why
    that is safe). Their search tokens go with their identity; an account holding the
    identity key keeps them findable by service number, which retention does not touch."""
    from app.rights.erasure import erased_identity

    for cid in ids:
        conn.execute(customer.update().where(customer.c.id == cid).values(
            **erased_identity(keys, cid), erased_at=clock.stamp()))
        if keys.active:
            replace_tokens(conn, cid, _service_tokens(conn, keys, cid))


def _service_tokens(conn, keys, cid: int) -> set[int]:
    if not keys.holds(IDENTITY):
        return set()
    services = [(keys.open("service", "service_no", r.id, r.service_no), r.kind)
                for r in conn.execute(select(service.c.id, service.c.service_no, service.c.kind)
                                      .where(service.c.customer_id == cid))]
    return customer_tokens(keys, name="", id_number="", phone="", services=services)


def _work(conn, cut: dict[str, date], held: dict[int, str], apply: bool,
          session: Session) -> dict[str, int]:
    held_ids = list(held)
    counts: dict[str, int] = {}
    # consumption and payments: by billing month / payment date
    period = cut["consumption"].strftime("%Y-%m")
    live_services = select(service.c.id).where(service.c.customer_id.not_in(held_ids))
    old_usage = and_(consumption.c.period < period, consumption.c.service_id.in_(live_services))
    old_pay = and_(payment.c.paid_on < cut["consumption"].isoformat(),
                   payment.c.service_id.in_(live_services))
    counts["consumption"] = conn.execute(select(func.count()).select_from(consumption)
                                         .where(old_usage)).scalar_one() + \
        conn.execute(select(func.count()).select_from(payment).where(old_pay)).scalar_one()
    # closed customers' identity
    last_end = (select(service.c.customer_id, func.max(service.c.end_date).label("ended"))
                .group_by(service.c.customer_id).subquery())
    stale = (select(customer.c.id).join(last_end, last_end.c.customer_id == customer.c.id)
             .where(customer.c.status == "closed", customer.c.erased_at.is_(None),
                    last_end.c.ended < cut["closed_identity"].isoformat(),
                    customer.c.id.not_in(held_ids)))
    stale_ids = [r for r in conn.execute(stale).scalars()]
    counts["closed_identity"] = len(stale_ids)
    # cases closed long ago
    old_cases = and_(service_case.c.status == CaseStatus.CLOSED.value,
                     service_case.c.closed_at < cut["cases"].isoformat(),
                     service_case.c.customer_id.not_in(held_ids))
    counts["cases"] = conn.execute(select(func.count()).select_from(service_case)
                                   .where(old_cases)).scalar_one()
    # the audit log: a prefix of the chain, stopping before any held customer's event
    ev = schema.audit_event
    upto = conn.execute(select(func.max(ev.c.seq)).where(
        ev.c.at < cut["access_log"].isoformat())).scalar() or 0
    held_nos = list(held.values())
    first_held = conn.execute(select(func.min(ev.c.seq)).where(
        ev.c.customer_ref.in_(held_nos), ev.c.seq <= upto)).scalar() if held_nos else None
    if first_held:
        upto = first_held - 1
    base = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "audit_base")
                        ).scalar()
    floor = int(base.split(":")[0]) if base else 0
    counts["access_log"] = max(0, upto - floor)
    if apply:
        conn.execute(delete(consumption).where(old_usage))
        conn.execute(delete(payment).where(old_pay))
        if stale_ids:
            _anonymise(conn, session.db.fields, stale_ids)
        conn.execute(delete(service_case).where(old_cases))
        if counts["access_log"]:
            last = conn.execute(select(ev.c.hash).where(ev.c.seq == upto)).scalar_one()
            from app.audit_verify import keys_snapshot

            # The signing keys registered among the expiring events stay known to `verify`.
            keys = keys_snapshot(conn, upto)
            if dialect.is_server(conn):
                # Staff logins cannot delete from the log nor move its base: the server's
                # own function does both, and keeps three years whatever the rules say.
                conn.exec_driver_sql("SELECT custos_expire_audit(%s, %s, %s)",
                                     (upto, f"{upto}:{last}", keys))
            else:
                conn.execute(audit_purge_gate.insert().values(upto=upto))
                conn.execute(delete(ev).where(ev.c.seq <= upto))
                conn.execute(delete(audit_purge_gate))
                for key, value in (("audit_base", f"{upto}:{last}"), ("audit_base_keys", keys)):
                    conn.execute(dialect.insert(conn, schema.meta).values(key=key, value=value)
                                 .on_conflict_do_update(index_elements=["key"],
                                                        set_={"value": value}))
    return counts


@requires(Permission.RETENTION_CONFIGURE)
def run_retention(session: Session, apply: bool = False, today: date | None = None) -> RunReport:
    """apply=False is the dry run: the same counts, nothing changed (still on record)."""
    day = today or date.today()
    db = session.db
    with db.write() as conn:
        started = clock.stamp()
        cut, held = _scope(conn, day)
        counts = _work(conn, cut, held, apply, session)
        report = RunReport(apply, {k: v.isoformat() for k, v in cut.items()}, counts,
                           sorted(held.values()))
        conn.execute(retention_run.insert().values(
            started_at=started, finished_at=clock.stamp(), run_by=session.username,
            applied=int(apply), result=json.dumps({"counts": counts, "held": report.held,
                                                   "cutoffs": report.cutoffs})))
        audit.append(conn, db, actor=session.username,
                     action="retention.applied" if apply else "retention.dry_run",
                     detail={"counts": counts, "held": len(report.held)})
    return report


@requires(Permission.RETENTION_CONFIGURE)
def past_runs(session: Session, limit: int = 50) -> list[dict]:
    with session.db.read() as conn:
        rows = conn.execute(select(retention_run).order_by(retention_run.c.id.desc())
                            .limit(limit)).all()
    return [{"started_at": r.started_at, "run_by": r.run_by, "applied": bool(r.applied),
             **json.loads(r.result)} for r in rows]
