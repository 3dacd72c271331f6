"""Anomaly rules on generated event streams, acknowledgement, thresholds, log review."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from app import audit, clock
from app.demo_records import fill_records
from app.demo_requests import OPEN_AGES
from app.errors import Conflict, PermissionDenied, ValidationError
from app.oversight import review
from app.security.roles import Role


def _rules(session):
    return sorted(a.rule for a in review.list_alerts(session))


def _events(session, count, **event):
    for i in range(count):
        audit.record(session.db, **{k: (v(i) if callable(v) else v) for k, v in event.items()})


@pytest.fixture
def manager(login, monkeypatch):
    # Business hours by default; the after-hours rule is tested on its own.
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(clock, "now_utc", lambda: noon.astimezone(clock.UTC))
    return login(Role.MANAGER)


def test_many_distinct_customers_in_an_hour(manager):
    _events(manager, 30, actor="counter", action="customer.opened",
            customer_ref=lambda i: f"C{i:09d}", purpose="counter_service")
    assert _rules(manager) == []
    _events(manager, 1, actor="counter", action="customer.opened", customer_ref="C999999999",
            purpose="counter_service")
    found = review.list_alerts(manager)
    assert [a.rule for a in found] == ["many_customers"]
    assert found[0].actor == "counter" and len(found[0].evidence) == 31
    # the same hour does not raise a second alert
    _events(manager, 3, actor="counter", action="customer.opened",
            customer_ref=lambda i: f"X{i}", purpose="counter_service")
    assert _rules(manager) == ["many_customers"]


def test_id_reveals_exports_failed_logins_and_purpose_other(manager):
    _events(manager, 11, actor="counter", action="customer.revealed", customer_ref="C1",
            purpose="counter_service", detail={"field": "id_number", "reason": "x"})
    _events(manager, 20, actor="counter", action="customer.revealed", customer_ref="C1",
            purpose="counter_service", detail={"field": "phone", "reason": "x"})
    _events(manager, 1, actor="manager", action="export.marketing", detail={"rows": 900})
    _events(manager, 5, actor="archive", action="login.failed", outcome="failed")
    _events(manager, 1, actor="counter", action="customer.opened", customer_ref="C2",
            purpose="other: curious")
    assert _rules(manager) == ["bulk_export", "failed_logins", "many_reveals", "purpose_other"]


def test_after_hours(login, monkeypatch):
    late = datetime.now().astimezone().replace(hour=23, minute=30)
    monkeypatch.setattr(clock, "now_utc", lambda: late.astimezone(clock.UTC))
    manager = login(Role.MANAGER)
    _events(manager, 2, actor="counter", action="customer.opened", customer_ref="C3",
            purpose="counter_service")
    assert _rules(manager) == ["after_hours"]


def test_acknowledge_with_note_and_change_thresholds(manager, login):
    review.set_alert_thresholds(manager, {"many_customers": {"limit": 2}})
    _events(manager, 3, actor="counter", action="customer.opened",
            customer_ref=lambda i: f"C{i}", purpose="counter_service")
    alert = review.list_alerts(manager)[0]
    assert "2" in alert.description
    with pytest.raises(ValidationError):
        review.acknowledge_alert(manager, alert.id, "")
    review.acknowledge_alert(manager, alert.id, "spoke with the clerk: a queue of families")
    with pytest.raises(Conflict):
        review.acknowledge_alert(manager, alert.id, "again")
    assert review.list_alerts(manager) == []
    assert review.list_alerts(manager, open_only=False)[0].acknowledged_by == "manager"
    with pytest.raises(ValidationError):
        review.set_alert_thresholds(manager, {"many_customers": {"limit": 0}})
    with pytest.raises(PermissionDenied):
        review.list_alerts(login(Role.COUNTER))


def test_log_review_filters_and_pages(manager, login):
    fill_records(manager, 5, random.Random(1))
    _events(manager, 40, actor="counter", action="customer.opened",
            customer_ref=lambda i: f"C{i % 4:09d}", purpose="counter_service")
    seqs = review.search_log(manager, review.LogFilter(actor="counter"))
    assert len(seqs) == 40 and list(seqs) == sorted(seqs, reverse=True)
    rows = review.log_rows(manager, seqs[:10])
    assert [r.seq for r in rows] == list(seqs[:10]) and all(r.actor == "counter" for r in rows)
    by_customer = review.search_log(manager, review.LogFilter(customer_no="C000000001"))
    assert len(by_customer) == 10
    today = datetime.now().date().isoformat()
    assert len(review.search_log(manager, review.LogFilter(action="customer.", since=today,
                                                           until=today))) >= 40
    tomorrow = (datetime.now().date() + timedelta(days=1)).isoformat()
    assert len(review.search_log(manager, review.LogFilter(since=tomorrow))) == 0


def test_permission_review_flags_unused_accounts(manager):
    from datetime import date

    today = date.today()
    rows = review.permission_review(manager, (today - timedelta(days=30)).isoformat(),
                                    today.isoformat(), today=today + timedelta(days=100))
    by_name = {r.username: r for r in rows}
    assert set(by_name) == {"admin", "counter", "archive", "manager"}
    assert all(r.unused_90_days for r in rows)
    assert by_name["manager"].actions_in_period > 0 and by_name["admin"].roles == ("admin",)


def test_dashboard_counts(manager):
    from app.oversight.dashboard import dashboard

    fill_records(manager, 200, random.Random(4))
    d = dashboard(manager)
    assert sum(d.cases_open.values()) > 0
    assert all(d.cases_overdue.get(k, 0) <= v for k, v in d.cases_open.items())
    # The generated branch has its open rights requests (app/demo_requests.py): two late.
    assert len(d.cases_per_month) == 12 and d.requests == {"open": len(OPEN_AGES),
                                                           "due_this_week": 4, "overdue": 2}
