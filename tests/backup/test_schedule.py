"""The backup schedule: stored settings (audited, admin only) and what is due when."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import text

from app.backup import schedule
from app.backup.schedule import BackupSchedule, due_actions
from app.errors import PermissionDenied, ValidationError
from app.security.roles import Role

BEIJING = timezone(timedelta(hours=8))
PLAN = BackupSchedule(destinations=("/media/usb",), daily_time=time(18, 0))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=BEIJING)


def test_nothing_is_due_before_the_daily_time_once_verified():
    plan = replace(PLAN, last_backup=at(9, 18, 5), last_verified=at(9, 18, 6))
    assert due_actions(at(10, 17, 59), plan) == []


def test_backup_is_due_once_the_daily_time_has_passed():
    plan = replace(PLAN, last_backup=at(9, 18, 5), last_verified=at(9, 18, 6))
    assert due_actions(at(10, 18, 0), plan) == ["backup"]
    assert due_actions(at(10, 23, 30), plan) == ["backup"]


def test_backup_taken_after_todays_time_is_not_repeated():
    plan = replace(PLAN, last_backup=at(10, 18, 1), last_verified=at(10, 18, 2))
    assert due_actions(at(10, 22, 0), plan) == []
    assert due_actions(at(11, 9, 0), plan) == []   # tomorrow morning: not yet
    assert due_actions(at(11, 18, 0), plan) == ["backup"]


def test_daily_time_is_compared_in_local_time():
    # 18:05 in Beijing is 10:05 UTC: a backup at 09:00 UTC (17:00 local) is before 18:00.
    plan = replace(PLAN, last_backup=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
                   last_verified=at(10, 17, 0))
    assert due_actions(at(10, 18, 5), plan) == ["backup"]
    plan = replace(plan, last_backup=datetime(2025, 3, 10, 10, 1, tzinfo=UTC))
    assert due_actions(at(10, 18, 5), plan) == []


def test_verify_is_due_after_seven_days():
    plan = replace(PLAN, last_backup=at(10, 18, 1), last_verified=at(3, 18, 2))
    assert due_actions(at(10, 18, 1), plan) == []           # 6 days 23:59
    assert due_actions(at(10, 18, 2), plan) == ["verify"]   # 7 days exactly


def test_first_run_backs_up_then_verifies():
    assert due_actions(at(10, 19, 0), PLAN) == ["backup", "verify"]
    assert due_actions(at(10, 9, 0), PLAN) == []  # nothing taken yet, nothing to verify


def test_verification_can_be_switched_off():
    plan = replace(PLAN, verify_weekly=False, last_backup=at(10, 18, 1))
    assert due_actions(at(20, 12, 0), plan) == []


def test_nothing_is_due_without_a_destination():
    assert due_actions(at(10, 19, 0), replace(PLAN, destinations=())) == []


def test_a_failed_action_waits_an_hour_before_it_is_retried():
    tried = {"backup": at(10, 18, 0), "verify": at(10, 18, 0)}
    assert due_actions(at(10, 18, 59), PLAN, tried) == []
    assert due_actions(at(10, 19, 0), PLAN, tried) == ["backup", "verify"]


def test_close_backup_and_warnings():
    now = at(10, 12, 0)
    assert schedule.close_backup_due(now, PLAN)
    fresh = replace(PLAN, last_backup=at(9, 18, 0), last_verified=at(2, 13, 0))
    assert not schedule.close_backup_due(now, fresh)
    assert not schedule.backup_overdue(now, fresh)
    assert not schedule.verify_overdue(now, fresh)
    stale = replace(fresh, last_backup=at(9, 11, 59), last_verified=at(2, 11, 59))
    assert schedule.close_backup_due(now, stale)
    assert schedule.backup_overdue(now, stale)
    assert schedule.verify_overdue(now, stale)
    assert not schedule.close_backup_due(now, replace(stale, destinations=()))


def test_age():
    now = at(10, 12, 0)
    assert schedule.age(now, at(10, 11, 15)) == (45, "minutes")
    assert schedule.age(now, at(10, 7, 0)) == (5, "hours")
    assert schedule.age(now, at(7, 11, 0)) == (3, "days")


def _changes(session) -> int:
    with session.db.read() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_event "
                                 "WHERE action = 'setting.changed'")).scalar()


def test_defaults_then_saved_values_each_change_audited(login, tmp_path):
    admin = login(Role.ADMIN)
    plan = schedule.load_schedule(admin.db)
    assert plan.destinations == () and plan.daily_time == time(18, 0)
    assert (plan.keep_daily, plan.keep_weekly, plan.keep_monthly) == (7, 4, 12)
    assert plan.verify_weekly and plan.last_backup is None
    before = _changes(admin)
    usb, share = tmp_path / "usb", tmp_path / "share"
    assert schedule.add_destination(admin, str(usb)) == (str(usb),)
    assert schedule.add_destination(admin, f" {share} ") == (str(usb), str(share))
    assert schedule.add_destination(admin, str(usb)) == (str(usb), str(share))  # no twice
    saved = schedule.set_schedule(admin, "07:45", 10, 5, 6, False)
    assert saved.daily_time == time(7, 45) and saved.keep_daily == 10
    assert not saved.verify_weekly
    assert schedule.remove_destination(admin, str(usb)) == (str(share),)
    # 2 destination changes + (time, 3 counts, verify) + 1 removal; the repeat changed nothing
    assert _changes(admin) == before + 2 + 5 + 1
    assert schedule.load_schedule(admin.db).destinations == (str(share),)


@pytest.mark.parametrize("args", [("7:5x", 7, 4, 12, True), ("25:00", 7, 4, 12, True),
                                  ("18:00", 0, 4, 12, True), ("18:00", 7, -1, 12, True),
                                  ("18:00", 7, 4, "many", True)])
def test_bad_schedule_refused_and_nothing_saved(login, args):
    admin = login(Role.ADMIN)
    before = _changes(admin)
    with pytest.raises(ValidationError):
        schedule.set_schedule(admin, *args)
    assert _changes(admin) == before


def test_relative_folder_refused(login):
    with pytest.raises(ValidationError):
        schedule.add_destination(login(Role.ADMIN), "backups")


def test_only_administrators_change_the_schedule(login, tmp_path):
    for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
        with pytest.raises(PermissionDenied):
            schedule.add_destination(login(role), str(tmp_path))
        with pytest.raises(PermissionDenied):
            schedule.back_up_everywhere(login(role))


def test_back_up_everywhere_one_folder_missing(login, tmp_path):
    admin = login(Role.ADMIN)
    good, gone = tmp_path / "good", tmp_path / "gone"
    good.mkdir()
    schedule.set_destinations(admin, [str(gone), str(good)])
    steps: list[tuple[int, int]] = []
    results = schedule.back_up_everywhere(admin, lambda d, t: steps.append((d, t)))
    assert [r.ok for r in results] == [False, True]
    assert "does not exist" in results[0].problem
    assert results[1].backup is not None and results[1].backup.parent == good
    assert steps[-1] == (2000, 2000)
    plan = schedule.load_schedule(admin.db)
    assert plan.last_backup is not None and plan.last_backup_file == str(results[1].backup)
    assert schedule.newest_backup(plan, admin.db.db_id) == results[1].backup
    folders = schedule.survey(plan.destinations)
    assert [(s.reachable, len(s.entries)) for s in folders] == [(False, 0), (True, 1)]


def test_unreadable_stored_values_fall_back_to_defaults(login):
    admin = login(Role.ADMIN)
    with admin.db.write() as conn:
        for key, value in ((schedule.DAILY_TIME, "late"), (schedule.KEEP_DAILY, "x"),
                           (schedule.DESTINATIONS, "{not json")):
            conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                         {"k": key, "v": value})
    plan = schedule.load_schedule(admin.db)
    assert plan.daily_time == time(18, 0) and plan.keep_daily == 7 and plan.destinations == ()
