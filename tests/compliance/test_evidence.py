"""Backups on record (issue 16 §6 and §7): the dashboard's tiles, the period's events and
the erasure plan's sentence about backups, on both stores."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app import clock
from app.backup import offsite, schedule
from app.backup.service import take_backup, verify_backup
from app.compliance import evidence, tiles
from app.errors import PermissionDenied, ValidationError
from app.rights import erasure, requests
from app.security.roles import Role

from ..conftest import STORE


@pytest.fixture(autouse=True)
def _owner_login(monkeypatch, request):
    """A restore test on the branch server runs as its owner login (PGUSER/PGPASSWORD)."""
    if STORE == "server":
        cluster = request.getfixturevalue("pg_cluster")
        monkeypatch.setenv("PGUSER", cluster.superuser)
        monkeypatch.setenv("PGPASSWORD", cluster.superuser_password or "")


def _tiles(session, today=None):
    with session.db.read() as conn:
        found = {t.key: t for t in tiles.gather(conn, today or date.today())}
    return found["backup_offsite"], found["backup_restore_test"]


@pytest.fixture
def folders(login, tmp_path):
    admin = login(Role.ADMIN)
    near, far = tmp_path / "near", tmp_path / "far"
    near.mkdir()
    far.mkdir()
    schedule.set_destinations(admin, [str(near), str(far)])
    return admin, near, far


def test_without_evidence_both_tiles_are_red(login):
    off, test = _tiles(login(Role.MANAGER))
    assert off.alarm and test.alarm and off.value == "never" and off.tab == "evidence"
    assert "marked off-site" in off.detail


def test_an_off_site_copy_and_a_restore_test_turn_them_green_then_they_age(login, folders):
    admin, near, far = folders
    offsite.mark(admin, str(far), True)
    take_backup(admin, near)
    off, test = _tiles(admin)
    assert off.alarm and "off-site folder yet" in off.detail  # an on-site copy is not enough
    path = take_backup(admin, far)
    assert verify_backup(admin, path).ok
    off, test = _tiles(login(Role.MANAGER))
    assert not off.alarm and not test.alarm and off.value == "today"
    assert path.name in off.detail and path.name in test.detail
    # 8 days later the off-site copy is too old (7 days); the restore test is not (31).
    off, test = _tiles(admin, date.today() + timedelta(days=8))
    assert off.alarm and not test.alarm and off.value == "8 days ago"
    offsite.set_limits(admin, 10, 5)
    off, test = _tiles(admin, date.today() + timedelta(days=8))
    assert not off.alarm and test.alarm


def test_limits_and_marks_are_an_administrators_and_checked(login, folders):
    admin, _near, far = folders
    with pytest.raises(PermissionDenied):
        offsite.mark(login(Role.MANAGER), str(far), True)
    with pytest.raises(ValidationError):
        offsite.set_limits(admin, 0, 31)
    offsite.mark(admin, str(far), True)
    offsite.mark(admin, str(far), False)
    with admin.db.read() as conn:
        assert offsite.read(conn).offsite == ()


def test_period_summary_lists_backups_and_restore_tests(login, folders):
    admin, _near, far = folders
    offsite.mark(admin, str(far), True)
    path = take_backup(admin, far)
    verify_backup(admin, path)
    today = clock.now_utc().date()
    with admin.db.read() as conn:
        rows = evidence.period_summary(conn, today - timedelta(days=1), today)
        before = evidence.period_summary(conn, today - timedelta(days=40),
                                         today - timedelta(days=10))
    assert [(r.kind, r.outcome, r.file, r.offsite, r.by) for r in rows] == [
        ("backup", "ok", path.name, True, "admin"),
        ("restore_test", "ok", path.name, False, "admin")]
    assert before == []


def test_erasure_plan_says_backups_keep_copies_until_they_expire(login, folders):
    from app.demo_records import fill_records

    admin, near, _far = folders
    manager, counter = login(Role.MANAGER), login(Role.COUNTER)
    fill_records(manager, 3, random.Random(5))
    number = requests.take_request(counter, "erasure", "C000000002", "ID card checked")
    requests.verify_identity(counter, number)
    plan = erasure.erasure_plan(counter, number)
    assert not [i for i in plan.keep if "backups" in i.what]  # no backup yet: nothing said
    take_backup(admin, near)
    schedule.set_schedule(admin, "18:00", 7, 4, 6, True)
    plan = erasure.erasure_plan(counter, number)
    item = next(i for i in plan.keep if "backups" in i.what)
    taken = clock.now_utc().astimezone().date()
    assert item.count == 1 and item.until == evidence._add_months(taken, 6).isoformat()
    schedule.set_schedule(admin, "18:00", 7, 52, 0, True)  # 52 weeks outlast 0 months
    item = next(i for i in erasure.erasure_plan(counter, number).keep if "backups" in i.what)
    assert item.until == (taken + timedelta(weeks=52)).isoformat()
