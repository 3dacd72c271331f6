"""Impact assessments: recording, approval by another manager (or the only one), versions
kept and superseded, what lacks a current assessment, refusals, tiles and the period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app import accounts, audit
from app.accounts import access
from app.compliance import assessments as pia
from app.compliance.assessment_model import Draft, Risk, Standing, parse_risk, split_items
from app.demo import sign_confidentiality
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.security.roles import Role
from app.store import schema

TODAY = date(2026, 12, 1)
SECOND_PW = "second-manager-pw-1"


def draft(activity="identity", **changes) -> Draft:
    values = dict(purpose="Real-name registration of customers.",
                  necessity="Required by the real-name rules; no less data will do.",
                  items=("name", "ID number", "address"),
                  risks=(Risk("ID copies read without need", "medium", "high"),),
                  measures="Masked by default; reveals logged with a reason.",
                  conclusion="Acceptable with the measures in place.",
                  assessed_on=TODAY - timedelta(days=3))
    values.update(changes)
    return Draft(activity, **values)


@pytest.fixture
def second_manager(db_path, login):
    """A second manager, approved by the first (keys sealed), password kept."""
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "manager2", [Role.MANAGER], SECOND_PW, display_name="王经理")
    with admin.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == "manager2")
                     .values(must_change_password=0))
        audit.append(conn, admin.db, actor="admin", action="test.passwords_kept")
    sign_confidentiality(admin, "manager2")
    access.approve_access(login(Role.MANAGER), "manager2")
    return accounts.login(db_path, "manager2", SECOND_PW)


def test_a_second_manager_approves_and_the_activity_is_current(login, second_manager):
    manager = login(Role.MANAGER)
    first = pia.record_assessment(manager, draft(), today=TODAY)
    assert (first.activity, first.version, first.approved_at) == ("identity", 1, None)
    states = {s.activity: s for s in pia.activity_standings(manager, TODAY)}
    assert states["identity"].standing is Standing.AWAITING
    with pytest.raises(Conflict, match="Another manager"):
        pia.approve_assessment(manager, first.id)
    approved = pia.approve_assessment(second_manager, first.id)
    assert approved.approved_by == "manager2" and not approved.sole_manager
    states = {s.activity: s for s in pia.activity_standings(manager, TODAY)}
    assert states["identity"].standing is Standing.CURRENT
    assert states["identity"].current.review_by == "2027-11-28"  # a year after assessed
    with pytest.raises(Conflict, match="already approved"):
        pia.approve_assessment(second_manager, first.id)
    accounts.logout(second_manager)


def test_a_new_version_replaces_the_current_one_only_when_approved(login, second_manager):
    manager = login(Role.MANAGER)
    v1 = pia.record_assessment(manager, draft(), today=TODAY)
    pia.approve_assessment(second_manager, v1.id)
    v2 = pia.record_assessment(manager, draft(conclusion="Still acceptable."), today=TODAY)
    state = {s.activity: s for s in pia.activity_standings(manager, TODAY)}["identity"]
    assert state.current.id == v1.id and state.pending.id == v2.id
    assert state.standing is Standing.CURRENT
    v3 = pia.record_assessment(manager, draft(conclusion="Third try."), today=TODAY)
    assert pia.get_assessment(manager, v2.id).superseded_by == v3.id  # a draft replaced
    with pytest.raises(Conflict, match="superseded"):
        pia.approve_assessment(second_manager, v2.id)
    pia.approve_assessment(second_manager, v3.id)
    kept = pia.list_assessments(manager, "Identity")  # the label finds the key
    assert [a.version for a in kept] == [3, 2, 1]
    assert pia.get_assessment(manager, v1.id).superseded_by == v3.id
    accounts.logout(second_manager)


def test_the_only_manager_approves_their_own_and_it_says_so(login):
    manager = login(Role.MANAGER)
    made = pia.record_assessment(manager, draft("Sharing with a partner"), today=TODAY)
    approved = pia.approve_assessment(manager, made.id)
    assert approved.approved_by == "manager" and approved.sole_manager
    # A new activity is listed after the register's, by the name typed (any case after).
    again = pia.record_assessment(manager, draft("sharing WITH a partner"), today=TODAY)
    assert again.activity == "Sharing with a partner" and again.version == 2


def test_lacking_a_current_assessment(login, db_path):
    manager = login(Role.MANAGER)
    found = pia.activity_standings(manager, TODAY)
    assert [s.activity for s in found][:7] == ["identity", "services", "consumption", "cases",
                                                "paper_files", "consents", "access_log"]
    assert all(s.lacking and s.standing is Standing.NONE for s in found)
    old = pia.record_assessment(manager, draft("cases", assessed_on=date(2025, 1, 10)),
                                today=TODAY)
    pia.approve_assessment(manager, old.id)
    ok = pia.record_assessment(manager, draft("services"), today=TODAY)
    pia.approve_assessment(manager, ok.id)
    states = {s.activity: s for s in pia.activity_standings(manager, TODAY)}
    assert states["cases"].standing is Standing.OVERDUE and states["cases"].lacking
    assert states["services"].standing is Standing.CURRENT and not states["services"].lacking
    assert sum(s.lacking for s in states.values()) == 6
    # The overdue review raised one alert, once, however often the state is looked at.
    pia.activity_standings(manager, TODAY)
    with manager.db.read() as conn:
        tiles = pia.dashboard_tiles(conn, TODAY)
        raised = conn.execute(text("SELECT actor, window_key FROM alert "
                                   "WHERE rule = 'pia_review_due'")).all()
    assert raised == [("manager", f"pia:{old.id}")]
    assert [(t.key, t.value, t.alarm, t.tab) for t in tiles] == [
        ("assessments_lacking", "6", True, "assessments")]
    # Raised in a write of its own with a signed event: on the server nothing is outside.
    report = audit.verify(manager.db)
    assert report.intact, report.reason
    assert report.outside == ()


@pytest.mark.parametrize(("changes", "field"), [
    ({"conclusion": "   "}, "conclusion"),
    ({"review_by": TODAY - timedelta(days=5)}, "review_by"),     # before the assessment
    ({"review_by": TODAY - timedelta(days=3)}, "review_by"),     # the same day
    ({"assessed_on": TODAY + timedelta(days=1)}, "assessed_on"),
    ({"items": (" ", "")}, "items"),
    ({"risks": ()}, "risks"),
    ({"purpose": "bad\x07text"}, "purpose"),
])
def test_refusals(login, changes, field):
    manager = login(Role.MANAGER)
    with pytest.raises(ValidationError) as refused:
        pia.record_assessment(manager, draft(**changes), today=TODAY)
    assert refused.value.field == field
    assert pia.list_assessments(manager) == []


def test_a_counter_clerk_may_not_add_nor_see(login):
    counter = login(Role.COUNTER)
    for call in (lambda: pia.record_assessment(counter, draft(), today=TODAY),
                 lambda: pia.activity_standings(counter), lambda: pia.list_assessments(counter)):
        with pytest.raises(PermissionDenied):
            call()
    with counter.db.read() as conn:
        denied = conn.execute(text("SELECT count(*) FROM audit_event "
                                   "WHERE action = 'permission.denied'")).scalar()
    assert denied == 3


def test_nothing_deletes_or_rewrites_an_assessment(login):
    manager = login(Role.MANAGER)
    made = pia.record_assessment(manager, draft(), today=TODAY)
    pia.approve_assessment(manager, made.id)
    for statement in ("DELETE FROM impact_assessment",
                      "UPDATE impact_assessment SET conclusion = 'changed'",
                      "UPDATE impact_assessment SET review_by = '2099-01-01'",
                      "UPDATE impact_assessment SET approved_by = 'someone'"):
        # The file's triggers refuse it; so do the server's (and its grants: no DELETE).
        with pytest.raises(Exception, match="kept|no longer|recorded once|may not make it"):
            with manager.db.write() as conn:
                conn.execute(text(statement))
    assert pia.get_assessment(manager, made.id).conclusion == made.conclusion


def test_not_found_and_audit_events(login):
    manager = login(Role.MANAGER)
    with pytest.raises(NotFound):
        pia.get_assessment(manager, 999)
    with pytest.raises(NotFound):
        pia.approve_assessment(manager, "x")
    made = pia.record_assessment(manager, draft(), today=TODAY)
    pia.approve_assessment(manager, made.id)
    with manager.db.read() as conn:
        actions = [r[0] for r in conn.execute(text(
            "SELECT action FROM audit_event WHERE action LIKE 'pia.%' ORDER BY seq"))]
    assert actions == ["pia.recorded", "pia.approved"]


def test_period_summary(login):
    manager = login(Role.MANAGER)
    made = pia.record_assessment(manager, draft("cases", assessed_on=date(2025, 11, 20),
                                                review_by=date(2026, 11, 15)), today=TODAY)
    pia.approve_assessment(manager, made.id)
    with manager.db.read() as conn:
        rows = pia.period_summary(conn, date(2026, 11, 1), date(2026, 11, 30))
        earlier = pia.period_summary(conn, date(2025, 11, 1), date(2025, 11, 30))
    assert [(r.number, r.event, r.on) for r in rows] == [(made.id, "review_due", "2026-11-15")]
    assert [(r.event, r.by, r.activity_label) for r in earlier] == [
        ("recorded", "manager", "Service cases")]


def test_parsing_what_people_type():
    assert parse_risk("leak of numbers | 高 | Medium") == Risk("leak of numbers", "high",
                                                               "medium")
    assert parse_risk("a|low|high").level.value == "medium"
    with pytest.raises(ValidationError):
        parse_risk("no levels")
    with pytest.raises(ValidationError):
        parse_risk("x|very|high")
    assert split_items("姓名、身份证号，电话; address") == ("姓名", "身份证号", "电话", "address")


# A run "ten years on" is the test's date only: the branch server expires the log by its own
# clock and refuses to expire events younger than three years, so it runs on the file.
@pytest.mark.file_only
def test_retention_keeps_every_assessment(login):
    """PIPL Art. 56: three years at least. A retention run, even ten years on, leaves them."""
    from app.retention.service import run_retention

    manager = login(Role.MANAGER)
    made = pia.record_assessment(manager, draft(), today=TODAY)
    pia.approve_assessment(manager, made.id)
    pia.record_assessment(manager, draft(conclusion="v2"), today=TODAY)
    run_retention(login(Role.ADMIN), apply=True, today=TODAY.replace(year=2036))
    assert [a.version for a in pia.list_assessments(manager)] == [2, 1]


def test_kept_three_years_after_it_stops_being_in_force(login):
    from app.compliance.assessments_pdf import kept_until

    manager = login(Role.MANAGER)
    made = pia.record_assessment(manager, draft(review_by=date(2027, 2, 28)), today=TODAY)
    assert kept_until(made) == "2030-02-28"
    superseded = replace(made, superseded_at="2028-02-29T10:00:00.000000Z")
    assert kept_until(superseded) == "2031-02-28"
