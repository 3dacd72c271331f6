"""Retention: dry run then apply, legal holds skipped, the audit chain still verifies."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import audit
from app.customers.hold import lift_legal_hold, place_legal_hold
from app.customers.tables import consumption, customer
from app.demo_records import fill_records
from app.errors import PermissionDenied, ValidationError
from app.retention import service
from app.security.roles import Role
from app.store import dialect
from app.store.schema import audit_event


@pytest.fixture
def filled(login):
    manager = login(Role.MANAGER)
    fill_records(manager, 60, random.Random(3))
    return manager


def _count(session, table):
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_dry_run_changes_nothing_and_apply_matches_it(filled, login):
    admin = login(Role.ADMIN)
    before = _count(filled, consumption)
    dry = service.run_retention(admin)
    assert not dry.applied and dry.counts["consumption"] > 0
    assert _count(filled, consumption) == before
    done = service.run_retention(admin, apply=True)
    assert done.counts == dry.counts
    assert _count(filled, consumption) < before
    assert service.run_retention(admin).counts["consumption"] == 0
    assert len(service.past_runs(admin)) == 3


def test_legal_hold_is_skipped_and_listed(filled, login):
    admin = login(Role.ADMIN)
    place_legal_hold(filled, "C000000001", "court order 17/2026")
    report = service.run_retention(admin, apply=True)
    assert report.held == ["C000000001"]
    with filled.db.read() as conn:
        cid = conn.execute(select(customer.c.id).where(customer.c.customer_no ==
                                                       "C000000001")).scalar_one()
        from app.customers.tables import service as svc
        oldest = conn.execute(select(func.min(consumption.c.period)).join(svc).where(
            svc.c.customer_id == cid)).scalar()
    assert oldest < report.cutoffs["consumption"][:7]  # five years kept under the hold
    lift_legal_hold(filled, "C000000001", "order lifted")
    with pytest.raises(PermissionDenied):
        place_legal_hold(login(Role.COUNTER), "C000000001", "no right to do this")


# The file's expiry follows the rules and the given day; the server keeps three years by
# its own clock whatever it is told (tests/store/test_server.py).
@pytest.mark.file_only
def test_access_log_expiry_keeps_the_chain_verifiable(filled, login):
    admin = login(Role.ADMIN)
    later = date.today() + timedelta(days=365 * 3 + 40)
    with filled.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
    report = service.run_retention(admin, apply=True, today=later)
    assert report.counts["access_log"] == total  # every event so far is older than 3 years
    result = audit.verify(admin.db)
    assert result.intact, result
    with pytest.raises(Exception, match="append-only|may not make it"):  # file | server
        with admin.db.write() as conn:
            dialect.raw(conn, "DELETE FROM audit_event")


def test_rules_are_edited_with_a_reason(login):
    admin = login(Role.ADMIN)
    with pytest.raises(ValidationError):
        service.set_rule(admin, "consumption", 36, "months", "")
    service.set_rule(admin, "consumption", 36, "months", "tax office asked for three years")
    assert {r.category: r.keep for r in service.list_rules(admin)}["consumption"] == 36
    with pytest.raises(PermissionDenied):
        service.list_rules(login(Role.MANAGER))
