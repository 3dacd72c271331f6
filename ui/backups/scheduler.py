"""Backups on a schedule while Custos runs, and one on close when the last is a day old.

A minute timer asks app.backup.schedule.due_actions and runs what is due on the worker,
without a progress dialog. The backup service requires an administrator's session, so this
only runs while an administrator is logged in; otherwise `custos backup` from Task
Scheduler or cron does the job.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.backup.schedule import (
    DestinationResult,
    back_up_everywhere,
    close_backup_due,
    due_actions,
    load_schedule,
    newest_backup,
)
from app.backup.service import VerifyReport, verify_backup
from app.errors import CustosError
from app.i18n import _
from app.security import Permission, Session
from ui.backups.common import destination_sentence, now_local
from ui.dialogs import show_error
from ui.worker import Progress, idle_tasks, run_in_background

CHECK_EVERY_MS = 60_000

# One scheduler per session, by id; dropped when the session ends or its window goes.
_schedulers: dict[int, BackupScheduler] = {}
_closing: weakref.WeakSet[Session] = weakref.WeakSet()


def outcome_sentence(results: list[DestinationResult] | None,
                     report: VerifyReport | None) -> tuple[str, bool]:
    """One line per destination, then the verification; ok when nothing failed."""
    lines = [destination_sentence(r) for r in results or []]
    ok = all(r.ok for r in results or [])
    if report is not None:
        lines.append(report.sentence)
        ok = ok and report.ok
    return "\n".join(lines), ok


def _run_due(session: Session, actions: list[str], progress: Progress
             ) -> tuple[list[DestinationResult] | None, VerifyReport | None]:
    results = back_up_everywhere(session, progress) if "backup" in actions else None
    report = None
    if "verify" in actions:
        target = newest_backup(load_schedule(session.db), session.db.db_id)
        if target is not None:
            report = verify_backup(session, target)
    return results, report


class BackupScheduler(QObject):
    """Checks every minute; `started` and `ran` let the Backups section show what happens."""

    started = Signal(list)        # the actions
    ran = Signal(str, bool)       # the outcome sentence(s), ok

    def __init__(self, session: Session, parent: QWidget | None = None,
                 interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self.tried: dict[str, datetime] = {}
        self.running = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def stop(self) -> None:
        self.timer.stop()
        _forget(id(self.session), self)

    def check(self, now: datetime | None = None) -> list[str]:
        """Start what is due now; returns the actions started."""
        if self.session.ended:
            self.stop()
            return []
        if self.running or not idle_tasks():
            return []  # one operation at a time: try again at the next tick
        now = now or now_local()
        try:
            actions = due_actions(now, load_schedule(self.session.db), self.tried)
        except CustosError:
            return []
        if actions:
            self._run(actions, now)
        return actions

    def _run(self, actions: list[str], now: datetime) -> None:
        for action in actions:
            self.tried[action] = now
        self.running = True
        self.started.emit(actions)
        session = self.session
        run_in_background(self.widget, lambda progress: _run_due(session, actions, progress),
                          self._done, self._failed, show_after_ms=None)

    def _done(self, result: tuple[list[DestinationResult] | None, VerifyReport | None]
              ) -> None:
        self.running = False
        results, report = result
        if results is not None and any(r.ok for r in results):
            self.tried.pop("backup", None)
        self.ran.emit(*outcome_sentence(results, report))

    def _failed(self, error: CustosError) -> None:
        self.running = False
        self.ran.emit(str(error), False)


def _forget(key: int, scheduler: BackupScheduler) -> None:
    if _schedulers.get(key) is scheduler:
        del _schedulers[key]


def ensure_scheduler(session: Session, parent: QWidget | None) -> BackupScheduler | None:
    """The one scheduler of this session (made on first call); None for other roles."""
    if not session.can(Permission.BACKUPS) or session.ended:
        return None
    key = id(session)
    scheduler = _schedulers.get(key)
    if scheduler is None:
        scheduler = BackupScheduler(session, parent)
        _schedulers[key] = scheduler
        scheduler.destroyed.connect(lambda _obj=None, s=scheduler: _forget(key, s))
    return scheduler


def backup_on_close(session: Session, parent: QWidget | None,
                    on_finished: Callable[[], Any] | None = None) -> bool:
    """Start a backup to every folder if the last one is older than a day.

    Returns False when nothing is due (close now). Returns True when a backup started: the
    caller ignores this close and lets `on_finished` (e.g. the window's `close`) run when it
    ends; a failure is shown first. Tried once per session, so the second close goes through.
    """
    if session.ended or not session.can(Permission.BACKUPS) or session in _closing:
        return False
    try:
        due = close_backup_due(now_local(), load_schedule(session.db))
    except CustosError:
        return False
    if not due:
        return False
    _closing.add(session)
    scheduler = _schedulers.get(id(session))
    if scheduler is not None:
        scheduler.stop()

    def finish(_result: object = None) -> None:
        if on_finished is not None:
            on_finished()

    def done(results: list[DestinationResult]) -> None:
        sentence, ok = outcome_sentence(results, None)
        if ok:
            finish()
        else:
            show_error(parent, sentence).finished.connect(finish)

    def failed(error: CustosError) -> None:
        show_error(parent, error).finished.connect(finish)

    run_in_background(parent, lambda progress: back_up_everywhere(session, progress), done,
                      failed, label=_("The last backup is more than a day old. Backing up "
                                      "before Custos closes…"), show_after_ms=0)
    return True
