"""Permission reviews (issue 16 §5): schedule, decisions, sign-off, the administrator's
tasks, the rule on alerts about oneself, the tile and the monthly summary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import accounts, audit
from app.accounts import users
from app.accounts.tasks import Place, admin_tasks
from app.compliance import reviews
from app.demo import sign_confidentiality
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.oversight import review as oversight
from app.security.roles import Role
from tests.conftest import PASSWORDS


def _decide_all(manager, review_id, **special):
    for line in reviews.review_details(manager, review_id).lines:
        decision, roles = special.get(line.username, ("keep", None))
        reviews.decide(manager, review_id, line.username, decision,
                       f"checked with the branch head ({line.username})", roles=roles)


def _open_alerts(session, rule):
    return [a for a in oversight.list_alerts(session) if a.rule == rule]


def test_the_first_review_falls_due_a_quarter_on_and_raises_one_alert(login):
    manager = login(Role.MANAGER)
    plan = reviews.schedule(manager)  # a branch that began today
    assert plan.last_signed is None and not plan.overdue(date.today())
    assert _open_alerts(manager, "review_due") == []
    due = plan.due
    assert (due - date.today()).days in range(89, 93)
    reviews.schedule(manager, due)
    reviews.schedule(manager, due + timedelta(days=3))
    assert len(_open_alerts(manager, "review_due")) == 1  # once, however often looked at
    with manager.db.read() as conn:
        tile, = reviews.dashboard_tiles(conn, due)
    assert tile.alarm and tile.tab == "reviews" and tile.value == "Due now"


def test_a_review_cannot_be_signed_while_accounts_are_undecided(login):
    manager = login(Role.MANAGER)
    review_id = reviews.start_review(manager)
    with pytest.raises(Conflict):
        reviews.start_review(manager)  # one open review at a time
    lines = reviews.review_details(manager, review_id).lines
    assert [x.username for x in lines] == ["admin", "archive", "counter", "manager"]
    reviews.decide(manager, review_id, "counter", "keep", "serves at the counter daily")
    with pytest.raises(Conflict) as refused:
        reviews.sign(manager, review_id)
    assert "3 accounts have no decision yet: admin, archive, manager." == str(refused.value)
    with pytest.raises(ValidationError):
        reviews.decide(manager, review_id, "archive", "keep", "")  # a note is required
    with pytest.raises(ValidationError):
        reviews.decide(manager, review_id, "archive", "roles", "moves", roles=["boss"])
    with pytest.raises(NotFound):
        reviews.decide(manager, review_id, "nobody", "keep", "no such account")
    with pytest.raises(PermissionDenied):
        reviews.decide(login(Role.ADMIN), review_id, "archive", "keep", "admins do not")


def test_signed_review_makes_tasks_the_administrator_carries_out(login):
    manager, admin = login(Role.MANAGER), login(Role.ADMIN)
    review_id = reviews.start_review(manager)
    _decide_all(manager, review_id, archive=("roles", ["counter"]),
                counter=("disable", None))
    with pytest.raises(PermissionDenied):
        reviews.open_tasks(manager)
    assert reviews.open_tasks(admin) == []  # not before it is signed
    signed = reviews.sign(manager, review_id)
    assert signed.signed_by == "manager" and signed.signature_seq
    with manager.db.read() as conn:
        event = conn.execute(audit.schema.audit_event.select().where(
            audit.schema.audit_event.c.seq == signed.signature_seq)).first()
    assert event.action == "review.signed" and event.signer == "manager" and event.signature
    with pytest.raises(Conflict):
        reviews.decide(manager, review_id, "admin", "disable", "after signing: refused")
    tasks = reviews.open_tasks(admin)
    assert [(t.username, t.decision, t.roles_after) for t in tasks] == [
        ("archive", "roles", ("counter",)), ("counter", "disable", ())]
    listed = [t.sentence for t in admin_tasks(admin) if t.place is Place.COMPLIANCE]
    assert listed == [f"Permission review {review_id}: change the roles of archive to "
                      "Counter staff.",
                      f"Permission review {review_id}: disable the account of counter."]
    reviews.carry_out(admin, review_id, "archive")
    reviews.carry_out(admin, review_id, "counter")
    assert reviews.open_tasks(admin) == []
    assert not [t for t in admin_tasks(admin) if t.place is Place.COMPLIANCE]
    found = {u.username: u for u in users.list_users(admin)}
    assert found["archive"].roles == {Role.COUNTER} and found["counter"].disabled
    with pytest.raises(NotFound):
        reviews.carry_out(admin, review_id, "counter")
    done = {x.username: x for x in reviews.review_details(admin, review_id).lines}
    assert done["counter"].done_by == "admin" and done["manager"].decision == "keep"
    assert done["counter"].in_effect and done["archive"].in_effect
    users.enable_user(admin, "counter", "counter-password-2")  # undone since: said so
    done = {x.username: x for x in reviews.review_details(admin, review_id).lines}
    assert done["counter"].done_by == "admin" and not done["counter"].in_effect
    # the due alert was put right by the signing; the next review is due in 3 months
    assert _open_alerts(manager, "review_due") == []
    plan = reviews.schedule(manager)
    assert plan.last_signed == date.today() and plan.due > date.today() + timedelta(days=80)


def test_a_manager_cannot_acknowledge_an_alert_about_themselves(login, db_path):
    manager = login(Role.MANAGER)
    audit.record(manager.db, actor="manager", action="export.marketing", detail={"rows": 900})
    own, = _open_alerts(manager, "bulk_export")
    with pytest.raises(PermissionDenied) as refused:
        oversight.acknowledge_alert(manager, own.id, "I exported it myself, all fine")
    assert str(refused.value) == ("This alert is about your own actions: another manager "
                                  "must acknowledge it.")
    assert _open_alerts(manager, "bulk_export")  # still open
    # a branch of one manager: the alert waits, and the monthly summary lists it
    with manager.db.read() as conn:
        rows = reviews.period_summary(conn, date.today().replace(day=1), date.today())
    assert [(r.who, r.rule) for r in rows if r.kind == "waiting_alert"] == [
        ("manager", "bulk_export")]
    # another manager may
    admin = login(Role.ADMIN)
    users.add_user(admin, "manager2", [Role.MANAGER], PASSWORDS[Role.MANAGER] + "2")
    _second_manager_ready(manager, admin)
    second = accounts.login(db_path, "manager2", PASSWORDS[Role.MANAGER] + "2")
    try:
        oversight.acknowledge_alert(second, own.id, "asked: the marketing list for October")
    finally:
        accounts.logout(second)
    assert not _open_alerts(manager, "bulk_export")


def test_own_account_decision_is_flagged_and_its_alert_waits_for_another_manager(login):
    manager = login(Role.MANAGER)
    review_id = reviews.start_review(manager)
    _decide_all(manager, review_id)
    lines = {x.username: x for x in reviews.review_details(manager, review_id).lines}
    assert lines["manager"].own_account and not lines["counter"].own_account
    reviews.sign(manager, review_id)
    flagged, = _open_alerts(manager, "self_review")
    assert flagged.actor == "manager" and str(review_id) in flagged.description
    with pytest.raises(PermissionDenied):
        oversight.acknowledge_alert(manager, flagged.id, "my own account is fine")
    with manager.db.read() as conn:
        rows = reviews.period_summary(conn, date.today().replace(day=1), date.today())
    signed = [r for r in rows if r.kind == "signed"]
    assert len(signed) == 1 and signed[0].own_account and signed[0].accounts == 4
    assert any(r.kind == "waiting_alert" and r.rule == "self_review" for r in rows)
    assert not [r for r in rows if r.kind in ("due", "never_reviewed")]
    with manager.db.read() as conn:  # a month before: nothing signed yet, no alert raised
        earlier = date.today() - timedelta(days=60)
        before = reviews.period_summary(conn, earlier.replace(day=1), earlier)
    assert before == []  # the branch began today: its first review was not due then
    later = date.today() + timedelta(days=200)
    with manager.db.read() as conn:  # half a year on, the next review is overdue
        ahead = reviews.period_summary(conn, later.replace(day=1), later)
    assert [r.kind for r in ahead if r.kind != "waiting_alert"] == ["due"]


def test_schedule_setting(login):
    manager = login(Role.MANAGER)
    with pytest.raises(ValidationError):
        reviews.set_every_months(manager, 0)
    reviews.set_every_months(manager, 6)
    review_id = reviews.start_review(manager)
    _decide_all(manager, review_id)
    reviews.sign(manager, review_id)
    plan = reviews.schedule(manager)
    assert plan.every_months == 6 and plan.due > date.today() + timedelta(days=170)
    with manager.db.read() as conn:
        tile, = reviews.dashboard_tiles(conn, date.today())
    assert not tile.alarm and tile.title == "Next permission review"
    with pytest.raises(PermissionDenied):
        reviews.set_every_months(login(Role.COUNTER), 3)


def _second_manager_ready(manager, admin):
    """The new manager keeps the password they were given, and gets the data keys."""
    from app.accounts import access
    from app.store import schema

    with admin.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == "manager2")
                     .values(must_change_password=0))
        audit.append(conn, admin.db, actor="admin", action="test.passwords_kept")
    sign_confidentiality(admin, "manager2")
    access.approve_access(manager, "manager2")


def test_the_dashboard_shows_the_review_tile(login):
    from app.oversight.dashboard import dashboard

    manager = login(Role.MANAGER)
    review_id = reviews.start_review(manager)
    tile = next(t for t in dashboard(manager).compliance if t.key == "permission_review")
    assert tile.value == "In progress" and not tile.alarm and tile.tab == "reviews"
    assert f"Review {review_id} is waiting" in tile.detail
    _decide_all(manager, review_id, counter=("disable", None))
    reviews.sign(manager, review_id)
    tile = next(t for t in dashboard(manager).compliance if t.key == "permission_review")
    assert not tile.alarm and "1 decisions wait for an administrator." in tile.detail


def test_a_signed_review_cannot_be_rewritten_in_the_store(login):
    """Beyond app/: the store's own triggers (file and server alike) keep a signed review."""
    from sqlalchemy.exc import DBAPIError

    from app.compliance.reviews_tables import permission_review, review_decision
    from app.errors import CustosError

    manager = login(Role.MANAGER)
    review_id = reviews.start_review(manager)
    _decide_all(manager, review_id, counter=("disable", None))
    reviews.sign(manager, review_id)
    for change in (
            review_decision.update().values(note="rewritten later"),
            review_decision.delete(),
            permission_review.update().values(signed_by="someone else"),
            permission_review.delete()):
        with pytest.raises((DBAPIError, CustosError)):
            with manager.db.write() as conn:
                conn.execute(change)
    reviews.carry_out(login(Role.ADMIN), review_id, "counter")  # done_by/done_at: once
    with pytest.raises((DBAPIError, CustosError)):
        with manager.db.write() as conn:
            conn.execute(review_decision.update().values(done_by="manager"))
