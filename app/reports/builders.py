"""The five managers' reports: what each counts for a month, as a Report."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select

from app import audit_actions, clock
from app.accounts.names import display_names, name_of
from app.archive.tables import destruction_batch, destruction_item, loan
from app.customers.model import CaseKind
from app.customers.tables import service_case
from app.i18n import translate
from app.oversight.tables import alert
from app.rights import labels
from app.rights.model import RequestKind
from app.rights.tables import rights_request
from app.store import dialect
from app.store.schema import audit_event

OPEN = ("open", "in_progress", "reopened")


def month_bounds(period: str) -> tuple[str, str, date, date]:
    """UTC stamps of the local month's start and end, and its first/next-first days."""
    first = date.fromisoformat(period + "-01")
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (clock.stamp(clock.local_midnight(first.isoformat())),
            clock.stamp(clock.local_midnight(nxt.isoformat())), first, nxt)


def months_to(period: str, n: int = 12) -> list[str]:
    year, month = int(period[:4]), int(period[5:7])
    out = []
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def cases_report(conn, period: str, lang: str):
    tr = lambda s: translate(s, lang)  # noqa: E731
    start, end, _first, nxt = month_bounds(period)
    c = service_case.c
    opened = dict(conn.execute(select(c.kind, func.count()).where(
        c.created_at >= start, c.created_at < end).group_by(c.kind)).all())
    resolved = conn.execute(select(c.kind, c.created_at, c.resolved_at, c.satisfaction).where(
        c.resolved_at >= start, c.resolved_at < end)).all()
    overdue = dict(conn.execute(select(c.kind, func.count()).where(
        c.status.in_(OPEN), c.due_date < nxt.isoformat(), c.created_at < end)
        .group_by(c.kind)).all())
    days: dict[str, list[float]] = defaultdict(list)
    sat: dict[str, list[int]] = defaultdict(list)
    for r in resolved:
        took = (clock.parse_stamp(r.resolved_at) - clock.parse_stamp(r.created_at)).days
        days[r.kind].append(took)
        if r.satisfaction:
            sat[r.kind].append(r.satisfaction)
    rows = []
    for kind in CaseKind:
        k = kind.value
        rows.append([labels.label("CaseKind", k, lang), opened.get(k, 0), len(days[k]),
                     round(sum(days[k]) / len(days[k]), 1) if days[k] else "",
                     overdue.get(k, 0),
                     round(sum(sat[k]) / len(sat[k]), 2) if sat[k] else ""])
    months = months_to(period)
    monthly = Counter()
    for m, kind, n in conn.execute(select(dialect.month(c.created_at), c.kind, func.count())
                                   .where(c.created_at >= months[0] + "-01")
                                   .group_by(dialect.month(c.created_at), c.kind)):
        monthly[(m, kind)] = n
    series = {labels.label("CaseKind", k.value, lang): [monthly[(m, k.value)] for m in months]
              for k in CaseKind}
    all_sat = [s for v in sat.values() for s in v]
    summary = [(tr("Cases opened"), sum(opened.values())),
               (tr("Cases resolved"), len(resolved)),
               (tr("Open and overdue at the end of the month"), sum(overdue.values())),
               (tr("Average satisfaction (1–5)"),
                round(sum(all_sat) / len(all_sat), 2) if all_sat else "—")]
    return summary, [(tr("Cases per month by kind"), months, series, True)], [
        (tr("By kind"), [tr("Kind"), tr("Cases opened"), tr("Cases resolved"),
                         tr("Average days to resolve"),
                         tr("Overdue"), tr("Satisfaction")], rows, "")]


def requests_report(conn, period: str, lang: str):
    tr = lambda s: translate(s, lang)  # noqa: E731
    start, end, _f, _n = month_bounds(period)
    r = rights_request.c
    received = dict(conn.execute(select(r.kind, func.count()).where(
        r.received_at >= start, r.received_at < end).group_by(r.kind)).all())
    decided = conn.execute(select(r.request_no, r.kind, r.status, r.decided_at, r.due_date,
                                  r.extended_to, r.refusal_reason, r.late_reason).where(
        r.decided_at >= start, r.decided_at < end)).all()
    on_time, late, refused = Counter(), Counter(), []
    for d in decided:
        if d.decided_at[:10] <= (d.extended_to or d.due_date):
            on_time[d.kind] += 1
        else:
            late[d.kind] += 1
        if d.status == "refused":
            refused.append([d.request_no, labels.label("RequestKind", d.kind, lang),
                            d.refusal_reason or "", d.late_reason or ""])
    rows = [[labels.label("RequestKind", k.value, lang), received.get(k.value, 0),
             on_time[k.value], late[k.value]] for k in RequestKind]
    kinds = [labels.label("RequestKind", k.value, lang) for k in RequestKind]
    chart = (tr("Requests answered on time and late"), kinds,
             {tr("On time"): [on_time[k.value] for k in RequestKind],
              tr("Late"): [late[k.value] for k in RequestKind]}, True)
    summary = [(tr("Requests received"), sum(received.values())),
               (tr("Answered on time"), sum(on_time.values())),
               (tr("Answered late"), sum(late.values())), (tr("Refused"), len(refused))]
    return summary, [chart], [
        (tr("By kind"), [tr("Kind"), tr("Received"), tr("On time"), tr("Late")], rows, ""),
        (tr("Refusals and their reasons"), [tr("Request"), tr("Kind"), tr("Reason"),
                                            tr("Reason for delay")], refused, "")]


def archive_report(conn, period: str, lang: str):
    tr = lambda s: translate(s, lang)  # noqa: E731
    start, end, _first, nxt = month_bounds(period)
    lc = loan.c
    lent = conn.execute(select(func.count()).where(lc.lent_at >= start, lc.lent_at < end)
                        ).scalar_one()
    returned = conn.execute(select(lc.condition, func.count()).where(
        lc.returned_at >= start, lc.returned_at < end).group_by(lc.condition)).all()
    overdue = conn.execute(select(func.count()).where(
        lc.status.in_(["on_loan", "claimed_returned"]), lc.due_date < nxt.isoformat(),
        lc.lent_at < end)).scalar_one()
    lost = conn.execute(select(func.count()).where(lc.status == "lost",
                                                   lc.decided_at >= start)).scalar_one()
    batches = conn.execute(select(destruction_batch.c.batch_no, destruction_batch.c.method,
                                  destruction_batch.c.destroyed_on,
                                  func.count(destruction_item.c.file_id))
                           .join(destruction_item)
                           .where(destruction_batch.c.status == "destroyed",
                                  destruction_batch.c.recorded_at >= start,
                                  destruction_batch.c.recorded_at < end)
                           .group_by(destruction_batch.c.id)).all()
    by_condition = dict(returned)
    months = months_to(period)
    per_month = Counter(dict(conn.execute(select(dialect.month(lc.lent_at), func.count())
                                          .where(lc.lent_at >= months[0] + "-01")
                                          .group_by(dialect.month(lc.lent_at))).all()))
    summary = [(tr("Files lent"), lent), (tr("Files returned"), sum(by_condition.values())),
               (tr("Returned damaged or incomplete"),
                by_condition.get("damaged", 0) + by_condition.get("incomplete", 0)),
               (tr("On loan and overdue"), overdue), (tr("Marked lost"), lost),
               (tr("Files destroyed"), sum(b[3] for b in batches))]
    return summary, [(tr("Loans per month"), months, {tr("Loans"): [per_month[m] for m in months]},
                      False)], [
        (tr("Destructions recorded"), [tr("Batch"), tr("Method"), tr("Date"), tr("Files")],
         [list(b) for b in batches], "")]


def access_report(conn, period: str, lang: str):
    tr = lambda s: translate(s, lang)  # noqa: E731
    start, end, _f, _n = month_bounds(period)
    ev = audit_event.c
    by_user_action = conn.execute(select(ev.actor, ev.action, func.count()).where(
        ev.at >= start, ev.at < end).group_by(ev.actor, ev.action)
        .order_by(ev.actor, func.count().desc())).all()
    alerts = conn.execute(select(alert).where(alert.c.created_at >= start,
                                              alert.c.created_at < end)
                          .order_by(alert.c.created_at)).all()
    names = display_names(conn)
    users = sorted({r.actor for r in by_user_action})
    opened = Counter({r.actor: r[2] for r in by_user_action if r.action == "customer.opened"})
    revealed = Counter({r.actor: r[2] for r in by_user_action
                        if r.action == "customer.revealed"})
    from app.oversight.alerts import describe

    alert_rows = [[clock.local_text(a.created_at), name_of(names, a.actor),
                   describe(json.loads(a.summary)["rule"], json.loads(a.summary)["values"], lang),
                   name_of(names, a.acknowledged_by) or tr("open"), a.note or ""]
                  for a in alerts]
    summary = [(tr("Events"), sum(r[2] for r in by_user_action)),
               (tr("Users active"), len(users)), (tr("Alerts raised"), len(alerts)),
               (tr("Alerts still open"), sum(1 for a in alerts if not a.acknowledged_at))]
    return summary, [(tr("Customers opened and fields revealed, by user"),
                      [name_of(names, u) for u in users],
                      {tr("Opened"): [opened[u] for u in users],
                       tr("Revealed"): [revealed[u] for u in users]}, False)], [
        (tr("Events by user and action"), [tr("User"), tr("Action"), tr("Events")],
         [[name_of(names, r.actor), audit_actions.label(r.action, lang), r[2]]
          for r in by_user_action], ""),
        (tr("Alerts and how they were closed"), [tr("When"), tr("User"), tr("Rule"),
                                                 tr("Acknowledged by"), tr("Note")],
         alert_rows, "")]


def permissions_rows(reviews, lang: str):
    tr = lambda s: translate(s, lang)  # noqa: E731
    rows = [[r.username, r.display_name, ", ".join(labels_role(x, lang) for x in r.roles),
             tr("disabled") if r.disabled else tr("active"),
             clock.local_text(r.last_login_at) or tr("never"), r.actions_in_period,
             tr("unused for 90 days") if r.unused_90_days else ""] for r in reviews]
    summary = [(tr("Accounts"), len(reviews)),
               (tr("Unused for 90 days"), sum(1 for r in reviews if r.unused_90_days)),
               (tr("Disabled"), sum(1 for r in reviews if r.disabled))]
    return summary, [], [(tr("Accounts and their roles"),
                          [tr("Username"), tr("Name"), tr("Roles"), tr("Status"),
                           tr("Last login"), tr("Actions in the period"), tr("Flag")], rows,
                          tr("Review each account: remove roles no longer needed and disable "
                             "accounts no longer used."))]


def labels_role(role: str, lang: str) -> str:
    from app.security.roles import _ROLE_LABELS, Role

    return translate(_ROLE_LABELS[Role(role)], lang)


__all__ = ["access_report", "archive_report", "cases_report", "month_bounds",
           "permissions_rows", "requests_report"]
