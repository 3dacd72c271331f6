"""Scheduled work while Custos runs, the backup on close, and who sees the three sections."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QWidget

from app import accounts, clock
from app.backup import schedule
from app.backup.archive_file import SUFFIX
from app.security.roles import Role
from ui.backups import backup_on_close, register_sections, start_scheduler
from ui.backups.scheduler import BackupScheduler


def _parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _evening() -> datetime:
    """Today at 23:59 local time: past any daily time a test sets."""
    return clock.now_utc().astimezone().replace(hour=23, minute=59)


def test_only_an_administrator_gets_a_scheduler(qtbot, login):
    parent = _parent(qtbot)
    assert start_scheduler(login(Role.MANAGER), parent) is None
    admin = login(Role.ADMIN)
    first = start_scheduler(admin, parent)
    assert isinstance(first, BackupScheduler) and first.timer.isActive()
    assert start_scheduler(admin, parent) is first        # one per session


def test_due_backup_and_verification_run_and_are_not_repeated(qtbot, admin, folders,
                                                              wait_workers):
    usb, share = folders
    schedule.set_destinations(admin, [str(usb), str(share)])
    schedule.set_schedule(admin, "00:00", 7, 4, 12, True)
    scheduler = BackupScheduler(admin, _parent(qtbot), interval_ms=3_600_000)
    outcomes: list[tuple[str, bool]] = []
    scheduler.ran.connect(lambda sentence, ok: outcomes.append((sentence, ok)))
    assert scheduler.check(_evening()) == ["backup", "verify"]
    wait_workers(20_000)
    assert len(list(usb.glob(f"*{SUFFIX}"))) == 1 and len(list(share.glob(f"*{SUFFIX}"))) == 1
    sentence, ok = outcomes[-1]
    assert ok and sentence.splitlines()[-1].startswith("The backup is sound:")
    plan = schedule.load_schedule(admin.db)
    assert plan.last_backup is not None and plan.last_verified is not None
    assert scheduler.check(_evening()) == []              # done for today


def test_a_failed_scheduled_backup_waits_before_retrying(qtbot, admin, tmp_path,
                                                         wait_workers):
    schedule.set_destinations(admin, [str(tmp_path / "unplugged")])
    schedule.set_schedule(admin, "00:00", 7, 4, 12, False)
    scheduler = BackupScheduler(admin, _parent(qtbot), interval_ms=3_600_000)
    outcomes: list[tuple[str, bool]] = []
    scheduler.ran.connect(lambda sentence, ok: outcomes.append((sentence, ok)))
    now = _evening() - timedelta(hours=2)
    assert scheduler.check(now) == ["backup"]
    wait_workers()
    assert outcomes[-1][1] is False and "does not exist" in outcomes[-1][0]
    assert scheduler.check(now + timedelta(minutes=1)) == []
    assert scheduler.check(now + timedelta(minutes=61)) == ["backup"]
    wait_workers()


def test_the_scheduler_stops_when_the_session_ends(qtbot, login):
    admin = login(Role.ADMIN)
    scheduler = BackupScheduler(admin, _parent(qtbot))
    accounts.logout(admin)
    assert scheduler.check(_evening()) == [] and not scheduler.timer.isActive()


def test_backup_on_close_once_when_the_last_is_a_day_old(qtbot, admin, folders,
                                                         wait_workers):
    usb, _share = folders
    parent = _parent(qtbot)
    closed: list[bool] = []
    assert backup_on_close(admin, parent, lambda: closed.append(True)) is False  # no folder
    schedule.set_destinations(admin, [str(usb)])
    assert backup_on_close(admin, parent, lambda: closed.append(True)) is True
    wait_workers(20_000)
    assert closed == [True] and len(list(usb.glob(f"*{SUFFIX}"))) == 1
    # The second close goes through at once (tried once per session, and it is fresh now).
    assert backup_on_close(admin, parent, lambda: closed.append(True)) is False


def test_backup_on_close_skipped_when_fresh_or_not_an_administrator(qtbot, login, admin,
                                                                    folders):
    usb, _share = folders
    schedule.set_destinations(admin, [str(usb)])
    schedule.back_up_everywhere(admin)
    parent = _parent(qtbot)
    assert backup_on_close(admin, parent) is False
    assert backup_on_close(login(Role.MANAGER), parent) is False


def test_the_three_sections_are_for_administrators_only(registry, login):
    register_sections()
    keys = [s.key for s in registry.sections_for(login(Role.ADMIN))]
    assert keys.index("backups") < keys.index("retention") < keys.index("keys")
    for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
        shown = {s.key for s in registry.sections_for(login(role))}
        assert not shown & {"backups", "retention", "keys"}
