"""The compliance file's deadlines become alerts when the manager's dashboard is looked at:
once each, in a write of their own with a signed event, so that on the branch server the
trail ties every new alert row to the log (nothing "changed outside Custos")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app import audit
from app.compliance import breach_deadlines, breaches
from app.oversight.dashboard import dashboard
from app.oversight.tables import alert
from app.security.roles import Role
from app.store import schema


def test_the_dashboard_raises_a_passed_deadline_once_and_on_record(login):
    manager, counter = login(Role.MANAGER), login(Role.COUNTER)
    breach_deadlines.set_deadlines(manager, 0, 3)  # the regulator: at once
    detected = (datetime.now() - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    breaches.report_incident(counter, detected, "Customer file left on the counter")
    first = dashboard(manager)
    again = dashboard(manager)
    with manager.db.read() as conn:
        raised = conn.execute(select(alert.c.rule, alert.c.actor)).all()
        events = conn.execute(select(schema.audit_event.c.action).where(
            schema.audit_event.c.action == "alert.deadline")).all()
    assert raised == [("breach_overdue", "")] and len(events) == 1
    assert first.alerts_open == again.alerts_open == 1  # counted in the same look
    tile = next(t for t in again.compliance if t.key == "breaches_open")
    assert tile.alarm and tile.tab == "breaches"
    report = audit.verify(manager.db)
    assert report.intact and report.outside == (), report


def test_a_look_that_finds_nothing_new_writes_nothing(login):
    manager = login(Role.MANAGER)
    dashboard(manager)
    with manager.db.read() as conn:
        before = conn.execute(select(schema.audit_event.c.seq)
                              .order_by(schema.audit_event.c.seq.desc())).first()
    dashboard(manager)
    with manager.db.read() as conn:
        after = conn.execute(select(schema.audit_event.c.seq)
                             .order_by(schema.audit_event.c.seq.desc())).first()
    assert before == after
