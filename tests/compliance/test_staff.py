"""Staff confidentiality agreements and training (issue 16 §4): recorded by a manager or an
administrator only, kept as recorded in the store; no access to customer data, nor an
account enabled again, without a signed agreement; training falling due after the period
set (an alert and a tile from the dashboard); the monthly summary's rows. Both stores."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app import accounts, settings
from app.accounts import access
from app.compliance import staff
from app.compliance.staff import AgreementMissing
from app.errors import PermissionDenied, StoreError, ValidationError
from app.oversight.dashboard import dashboard
from app.oversight.tables import alert
from app.security.roles import Role
from app.store import dialect, schema

from ..conftest import PASSWORDS

TODAY = date.today()


def _actions(session, action: str) -> list:
    with session.db.read() as conn:
        return conn.execute(select(schema.audit_event.c.detail, schema.audit_event.c.outcome)
                            .where(schema.audit_event.c.action == action)).all()


def _line(session, username: str, day: date | None = None) -> staff.StaffLine:
    return next(x for x in staff.list_staff(session, day) if x.username == username)


def _new_clerk(admin, db_path, name: str = "clerk2") -> None:
    """A new counter clerk who has chosen their own password (waiting for access)."""
    accounts.add_user(admin, name, [Role.COUNTER], f"{name}-first-password")
    clerk = accounts.login(db_path, name, f"{name}-first-password")
    accounts.change_own_password(clerk, f"{name}-first-password", f"{name}-own-password")
    accounts.logout(clerk)


def test_an_agreement_keeps_the_file_checksum_and_is_audited(login, tmp_path):
    admin = login(Role.ADMIN)
    signed = tmp_path / "协议-admin.pdf"
    signed.write_bytes(b"%PDF-1.4 signed by admin")
    staff.record_agreement(admin, "ADMIN", (TODAY - timedelta(days=3)).isoformat(), signed)
    line = _line(admin, "admin")
    assert line.agreement_on == (TODAY - timedelta(days=3)).isoformat()
    assert line.file_name == "协议-admin.pdf"
    assert line.sha256 == hashlib.sha256(b"%PDF-1.4 signed by admin").hexdigest()
    detail, outcome = _actions(admin, "staff.agreement_recorded")[-1]
    assert '"admin"' in detail and line.sha256 in detail and outcome == "ok"


@pytest.mark.parametrize("signed, document, sentence", [
    ("2026-13-01", "present", "YYYY-MM-DD"),
    ((TODAY + timedelta(days=2)).isoformat(), "present", "in the future"),
    ("2026-01-05", "missing", "There is no file"),
    ("2026-01-05", "empty", "is empty"),
])
def test_bad_agreements_are_refused_in_one_sentence(login, tmp_path, signed, document,
                                                     sentence):
    manager = login(Role.MANAGER)
    path = tmp_path / "agreement.pdf"
    if document != "missing":
        path.write_bytes(b"" if document == "empty" else b"signed")
    with pytest.raises(ValidationError, match=sentence):
        staff.record_agreement(manager, "counter", signed, path)


def test_an_unknown_account_is_refused(login):
    with pytest.raises(ValidationError, match="no account named nobody"):
        staff.record_training(login(Role.MANAGER), TODAY.isoformat(), "Data protection",
                              "counter,nobody")


@pytest.mark.parametrize("role", [Role.COUNTER, Role.ARCHIVE])
def test_staff_without_the_permission_cannot_record(login, tmp_path, role):
    clerk = login(role)
    path = tmp_path / "mine.pdf"
    path.write_bytes(b"signed by myself")
    with pytest.raises(PermissionDenied):
        staff.record_agreement(clerk, clerk.username, TODAY.isoformat(), path)
    with pytest.raises(PermissionDenied):
        staff.record_training(clerk, TODAY.isoformat(), "Data protection", clerk.username)
    denied = _actions(clerk, "permission.denied")
    assert len(denied) == 2 and all(outcome == "denied" for _d, outcome in denied)


def test_no_access_to_customer_data_without_an_agreement(login, db_path, recovery_code,
                                                         tmp_path):
    admin, manager = login(Role.ADMIN), login(Role.MANAGER)
    _new_clerk(admin, db_path)
    with pytest.raises(AgreementMissing, match="custos staff agreement clerk2") as refused:
        access.approve_access(manager, "clerk2")
    assert "clerk2" in str(refused.value)
    with pytest.raises(AgreementMissing):
        access.approve_with_recovery(admin, "clerk2", recovery_code)
    assert [o for _d, o in _actions(admin, "staff.activation_refused")] == ["refused"] * 2
    assert [p.username for p in access.pending_accounts(manager)] == ["clerk2"]
    signed = tmp_path / "clerk2.pdf"
    signed.write_bytes(b"clerk2 signed")
    staff.record_agreement(admin, "clerk2", TODAY.isoformat(), signed)
    assert access.approve_access(manager, "clerk2") == {"names", "identity"}


def test_an_account_is_not_enabled_again_without_an_agreement(login, db_path, tmp_path):
    admin = login(Role.ADMIN)
    _new_clerk(admin, db_path, "clerk3")
    accounts.add_user(admin, "admin2", [Role.ADMIN], "admin2-first-password")
    for name in ("clerk3", "admin2"):
        accounts.disable_user(admin, name)
    with pytest.raises(AgreementMissing, match="clerk3"):
        accounts.enable_user(admin, "clerk3", "clerk3-again-password")
    accounts.enable_user(admin, "admin2", "admin2-again-password")  # reads no customer data
    signed = tmp_path / "clerk3.pdf"
    signed.write_bytes(b"clerk3 signed")
    staff.record_agreement(admin, "clerk3", TODAY.isoformat(), signed)
    accounts.enable_user(admin, "clerk3", "clerk3-again-password")
    assert not _line(admin, "clerk3").disabled


def test_training_falls_due_after_the_period_with_an_alert_and_a_tile(login):
    manager, admin = login(Role.MANAGER), login(Role.ADMIN)
    assert staff.period_months(manager) == 12
    assert not _line(manager, "counter").overdue  # made today: due a year on
    held = (TODAY - timedelta(days=40)).isoformat()
    number = staff.record_training(admin, held, "Customer data protection", "counter, archive")
    assert _actions(admin, "staff.training_recorded")
    assert [t.attendees for t in staff.list_trainings(manager) if t.number == number] == \
        [("archive", "counter")]
    assert not _line(manager, "counter").overdue
    settings.set_training_months(manager, 1)
    line = _line(manager, "counter")
    assert line.last_training == held and line.overdue
    assert not _line(manager, "manager").overdue  # never trained, but made today
    look = dashboard(manager)
    tile = next(t for t in look.compliance if t.key == "staff_training")
    assert tile.alarm and tile.value == "2" and tile.tab == "staff"
    with manager.db.read() as conn:
        raised = sorted(conn.execute(select(alert.c.actor).where(
            alert.c.rule == "training_due")).scalars())
    assert raised == ["archive", "counter"]
    dashboard(manager)  # raised once
    with manager.db.read() as conn:
        assert len(conn.execute(select(alert.c.id).where(
            alert.c.rule == "training_due")).all()) == 2
    with pytest.raises(ValidationError):
        settings.set_training_months(manager, 0)


def test_the_dashboard_has_no_staff_tile_while_nothing_is_due(login):
    manager = login(Role.MANAGER)
    assert not [t for t in dashboard(manager).compliance if t.key == "staff_training"]


def test_the_monthly_summary(login, db_path):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "clerk4", [Role.COUNTER], "clerk4-first-password")
    first = TODAY.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    staff.record_training(admin, TODAY.isoformat(), "Phishing", "counter,manager")
    with admin.db.read() as conn:
        rows = staff.period_summary(conn, first, last)
    assert [(r.kind, r.who, r.topic, r.attendees) for r in rows if r.kind == "training"] == \
        [("training", "admin", "Phishing", 2)]
    assert [r.who for r in rows if r.kind == "no_agreement"] == ["clerk4"]
    assert not [r for r in rows if r.kind == "due"]
    with admin.db.read() as conn:  # a year on, every account is due
        later = staff.period_summary(conn, last + timedelta(days=1),
                                     last + timedelta(days=400))
    assert {r.who for r in later if r.kind == "due"} >= {"admin", "archive", "clerk4"}


@pytest.mark.parametrize("statement", [
    "UPDATE staff_agreement SET sha256 = 'x'", "DELETE FROM staff_agreement",
    "UPDATE training_session SET topic = 'x'", "DELETE FROM training_attendee"])
def test_agreements_and_training_are_kept_as_recorded(login, statement):
    admin = login(Role.ADMIN)
    staff.record_training(admin, TODAY.isoformat(), "Data protection", "counter")
    with pytest.raises((DBAPIError, StoreError), match="kept as recorded|may not make it"), \
            admin.db.write() as conn:
        dialect.raw(conn, statement)


def test_the_passwords_of_the_suite_work(db_path):
    """The suite's own accounts got their agreements before their keys (conftest)."""
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        with counter.db.read() as conn:
            assert staff.has_agreement(conn, "counter")
    finally:
        accounts.logout(counter)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_monthly_compliance_summary_lists_trainings_due(login, lang):
    from app.reports.service import build_report

    manager = login(Role.MANAGER)
    staff.record_training(manager, (TODAY - timedelta(days=40)).isoformat(), "Phishing",
                          "counter")
    settings.set_training_months(manager, 1)
    report = build_report(manager, "compliance", TODAY.strftime("%Y-%m"), lang)
    words = {"en": ("Staff confidentiality and training", "training overdue",
                    "Trainings due at the month's end"),
             "zh_CN": ("员工保密与培训", "培训逾期", "月末培训到期人数")}[lang]
    table = next(t for t in report.tables if t.heading == words[0])
    assert [r[1:3] for r in table.rows if r[1] == words[1]] == [[words[1], "counter"]]
    assert dict(report.summary)[words[2]] == 1
