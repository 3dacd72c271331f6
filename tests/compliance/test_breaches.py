"""The breach register: recording, reporting, deadlines, notifications, closing, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.compliance import breach_deadlines, breaches
from app.compliance.breach_notices import notify
from app.compliance.breach_tables import breach, breach_notice
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.oversight.tables import alert
from app.security.roles import Role
from app.store import schema


def _ago(**delta) -> str:
    return (datetime.now() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def _count(session, table) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _actions(session, prefix="breach.") -> list[str]:
    with session.db.read() as conn:
        return list(conn.execute(select(schema.audit_event.c.action).where(
            schema.audit_event.c.action.like(prefix + "%")).order_by(
            schema.audit_event.c.seq)).scalars())


def test_record_links_customers_by_id_and_sets_deadlines(login, customers):
    manager = login(Role.MANAGER)
    numbers = [c[0] for c in customers[:2]]
    n = breaches.record_breach(manager, _ago(hours=2), "Lost a printed list",
                               ",".join(numbers), categories=["identity", "contact"])
    b = breaches.get_breach(manager, n)
    assert (b.customers, b.handler, b.state) == (2, "manager", "open")
    assert b.categories == ("identity", "contact")
    detected = datetime.fromisoformat(b.detected_at)
    assert datetime.fromisoformat(b.regulator_due) - detected == timedelta(hours=72)
    assert datetime.fromisoformat(b.customers_due) - detected == timedelta(days=3)
    assert [c for c, _told in breaches.linked_customers(manager, n)] == sorted(numbers)
    with manager.db.read() as conn:  # ids only: no name in the register's rows
        row = conn.execute(select(breach)).first()
    assert not any(name in str(row) for _no, name in customers)
    assert _actions(manager) == ["breach.recorded"]


def test_refusals_save_nothing(login, customers):
    manager = login(Role.MANAGER)
    for detected in ("2026-13-01 10:00", "yesterday", "2026-11-30", _ago(hours=-3)):
        with pytest.raises(ValidationError):
            breaches.record_breach(manager, detected, "x")
    with pytest.raises(NotFound) as caught:
        breaches.record_breach(manager, _ago(hours=1), "Leak",
                               f"{customers[0][0]},C99999999,nope")
    assert str(caught.value) == "There is no customer C99999999, NOPE; nothing was saved."
    with pytest.raises(ValidationError):
        breaches.record_breach(manager, _ago(hours=1), "   ")
    assert _count(manager, breach) == 0
    assert _actions(manager) == []


def test_counter_reports_but_cannot_read_the_register(login, customers):
    counter = login(Role.COUNTER)
    n = breaches.report_incident(counter, _ago(minutes=30), "Screen seen by a stranger",
                                 customers[0][0])
    for call in (lambda: breaches.list_breaches(counter), lambda: breaches.get_breach(counter, n),
                 lambda: breaches.close_breach(counter, n, "no reason needed at all")):
        with pytest.raises(PermissionDenied):
            call()
    archive = login(Role.ARCHIVE)  # a paper file gone missing is an incident too
    assert breaches.report_incident(archive, _ago(minutes=5), "Paper file lost",
                                    customers[0][0]) == n + 1
    admin = login(Role.ADMIN)      # a backup drive lost: described, no customers named
    with pytest.raises(ValidationError, match="does not find customers"):
        breaches.report_incident(admin, _ago(minutes=5), "x", customers[0][0])
    assert breaches.report_incident(admin, _ago(minutes=5), "Backup drive lost") == n + 2
    manager = login(Role.MANAGER)
    b = breaches.get_breach(manager, n)
    assert (b.handler, b.reported_by, b.customers) == (None, "counter", 1)
    b = breaches.update_breach(manager, n, b.row_version, what_happened="A customer saw it.",
                               categories=["identity"], consequences="Little.",
                               measures="Privacy filter fitted.")
    assert b.handler == "manager"
    with pytest.raises(Conflict):  # a stale copy
        breaches.update_breach(manager, n, b.row_version - 1, what_happened="", categories=[],
                               consequences="", measures="")
    b = breaches.update_breach(manager, n, b.row_version, what_happened="A customer saw it.",
                               categories=["identity"], consequences="Little.",
                               measures="Privacy filter fitted.", customers="")
    assert b.customers == 0  # taken off the letters: the log names whom
    with manager.db.read() as conn:
        last = conn.execute(select(schema.audit_event.c.detail).where(
            schema.audit_event.c.action == "breach.updated").order_by(
            schema.audit_event.c.seq.desc()).limit(1)).scalar()
    assert customers[0][0] in last and '"unlinked"' in last


def test_notifications_then_closing(login, customers, tmp_path):
    manager = login(Role.MANAGER)
    n = breaches.record_breach(manager, _ago(hours=1), "Mis-sent bills",
                               [c[0] for c in customers])
    with pytest.raises(Conflict, match="outstanding"):
        breaches.close_breach(manager, n, "")
    with pytest.raises(Conflict, match="outstanding"):
        breaches.close_breach(manager, n, "short")
    [letter] = notify(manager, n, "regulator", tmp_path)
    assert letter.read_bytes().startswith(b"%PDF")
    letters = notify(manager, n, "customers", tmp_path)
    assert sorted(p.name for p in letters) == sorted(
        f"breach-{n}-customer-{c[0]}.pdf" for c in customers)
    with pytest.raises(Conflict, match="no customer left"):
        notify(manager, n, "customers", tmp_path)
    with manager.db.read() as conn:
        rows = conn.execute(select(breach_notice)).all()
    assert len(rows) == 4 and all(r.sent_by == "manager" and len(r.sha256) == 64 for r in rows)
    acts = _actions(manager)
    assert acts.count("breach.customer_notified") == 3
    assert acts.count("breach.regulator_notified") == 1
    b = breaches.close_breach(manager, n)
    assert (b.state, b.close_reason) == ("closed", None)
    with pytest.raises(Conflict):
        breaches.close_breach(manager, n, "again, with a long reason")


def test_customer_letter_names_the_customer_in_both_languages(login, customers, tmp_path):
    from pypdf import PdfReader

    from app.settings import set_branch_details

    manager = login(Role.MANAGER)
    set_branch_details(manager, "Custos 测试营业厅", "北京市海淀区 1 号",
                       "数据保护专员 王五 010-12345678")
    n = breaches.record_breach(manager, _ago(hours=1), "Lost a laptop", customers[0][0],
                               consequences="Your phone number may be known.",
                               measures="Laptop locked remotely.")
    [path] = notify(manager, n, "customers", tmp_path)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert customers[0][1] in text and customers[0][0] in text
    assert "个人信息安全事件告知" in text and "Notice of a personal-data breach" in text
    assert "王五" in text and "Laptop locked remotely." in text


def test_closing_without_notifications_needs_a_reason(login):
    manager = login(Role.MANAGER)
    n = breaches.record_breach(manager, _ago(hours=1), "Door left open; nothing taken")
    b = breaches.close_breach(manager, n, "Checked the cabinet: no file was accessed.")
    assert b.close_reason.startswith("Checked")


def test_deadlines_are_settings_and_alerts_are_raised_once(login):
    manager = login(Role.MANAGER)
    with pytest.raises(ValidationError):
        breach_deadlines.set_deadlines(manager, -1, 3)
    breach_deadlines.set_deadlines(manager, 0, 5)  # regulator: immediately
    n = breaches.record_breach(manager, _ago(minutes=10), "Wrong fax number")
    b = breaches.get_breach(manager, n)
    assert b.regulator_due == b.detected_at
    breaches.list_breaches(manager)
    breaches.list_breaches(manager, open_only=True)
    with manager.db.read() as conn:
        rules = list(conn.execute(select(alert.c.rule, alert.c.actor)).all())
    assert rules == [("breach_overdue", "manager")]
    assert _actions(manager).count("breach.deadline_alert") == 1
    counter = login(Role.COUNTER)
    with pytest.raises(PermissionDenied):
        breach_deadlines.set_deadlines(counter, 72, 3)


def test_tile_and_period_summary(login, customers):
    manager = login(Role.MANAGER)
    with manager.db.read() as conn:
        assert breaches.dashboard_tiles(conn, date.today()) == []  # nothing open: no tile
    breach_deadlines.set_deadlines(manager, 0, 3)
    n = breaches.record_breach(manager, _ago(hours=1), "ID 110101199003074578 on a list",
                               customers[0][0])
    with manager.db.read() as conn:
        [tile] = breaches.dashboard_tiles(conn, date.today())
        rows = breaches.period_summary(conn, date.today() - timedelta(days=2), date.today())
    assert (tile.value, tile.alarm, tile.tab) == ("1", True, "breaches")
    [row] = rows
    assert row["number"] == n and row["customers"] == 1 and row["late"]
    assert "110101199003074578" not in row["summary"]


def test_a_nearing_deadline_is_amber_not_red(login):
    manager = login(Role.MANAGER)
    breach_deadlines.set_deadlines(manager, 30, 3)
    breaches.record_breach(manager, _ago(hours=10), "Bag with contracts left on a bus")
    assert breaches.check_deadlines(manager) == 1
    with manager.db.read() as conn:
        [tile] = breaches.dashboard_tiles(conn, date.today())
        rules = list(conn.execute(select(alert.c.rule)).scalars())
    assert rules == ["breach_due_soon"]
    assert (tile.alarm, tile.detail) == (False, "deadline passed: 0 · nearing: 1")


def test_the_customers_access_copy_lists_the_letter(login, customers, tmp_path):
    from app import audit_actions

    manager = login(Role.MANAGER)
    n = breaches.record_breach(manager, _ago(hours=1), "Lost list", customers[0][0])
    notify(manager, n, "customers", tmp_path)
    assert audit_actions.in_copy("breach.customer_notified")
    with manager.db.read() as conn:
        row = conn.execute(select(schema.audit_event).where(
            schema.audit_event.c.action == "breach.customer_notified")).one()
    assert row.customer_ref == customers[0][0]
    text = audit_actions.describe_text(row.action, actor=row.actor,
                                       customer_ref=row.customer_ref, detail=row.detail,
                                       lang="zh_CN", names={"manager": "王经理"})
    assert text.startswith(f"王经理生成了致客户 {customers[0][0]} 的安全事件 {n} 告知函")


def test_an_unhandled_report_alerts_the_branch_not_one_manager(login):
    """Nobody handles it yet: the alert is about no one's own actions, so any manager may
    acknowledge it (the manager who happened to look is not held to it)."""
    manager, counter = login(Role.MANAGER), login(Role.COUNTER)
    breach_deadlines.set_deadlines(manager, 0, 3)
    breaches.report_incident(counter, _ago(minutes=5), "Customer file left on the counter")
    breaches.list_breaches(manager)
    with manager.db.read() as conn:
        assert list(conn.execute(select(alert.c.actor, alert.c.rule)).all()) == [
            ("", "breach_overdue")]
