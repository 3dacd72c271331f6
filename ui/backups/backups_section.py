"""Backups (administrators): status, folders, schedule, "Back up now", and the backups found
in the folders with Verify (the restore test) and Restore…. No customer data is shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app import clock
from app.backup import offsite
from app.backup.archive_file import one_line
from app.backup.offsite import Evidence
from app.backup.schedule import (
    BackupSchedule,
    DestinationResult,
    FolderSurvey,
    add_destination,
    back_up_everywhere,
    load_schedule,
    remove_destination,
    set_schedule,
    survey,
)
from app.backup.service import BackupEntry, VerifyReport, verify_backup
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui.backups.common import (
    GREEN,
    RED,
    card,
    destination_sentence,
    fill_row,
    now_local,
    read_only_table,
    scroll_page,
    set_columns,
    show_lines,
    status_label,
    when_text,
)
from ui.backups.evidence_panel import EvidencePanel
from ui.backups.panels import DestinationsPanel, SchedulePanel, StatusPanel
from ui.backups.restore_dialog import RestoreDialog, run_restore
from ui.backups.scheduler import ensure_scheduler
from ui.dialogs import hint_label
from ui.lifetime import delete_on_close
from ui.sections.common import section_title, set_status
from ui.worker import Progress, run_in_background


class BackupsSection(QWidget):
    session_ended = Signal()  # after a restore, for windows without the flow's logout signal

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan: BackupSchedule | None = None
        self.entries: list[BackupEntry] = []
        self.checked: dict[Path, tuple[bool, str]] = {}  # verified in this session
        self.busy = False
        self.restore_dialog: RestoreDialog | None = None
        layout = scroll_page(self)
        layout.addWidget(section_title(_("Backups")))
        layout.addWidget(hint_label(_(
            "A backup is one file holding the database, still encrypted, its key ring and a "
            "manifest. Verifying a backup restores it into a temporary place and checks it: "
            "the restore test the regulation asks for.")))
        self.status = StatusPanel()
        layout.addWidget(self.status)

        panels = QHBoxLayout()
        panels.setSpacing(12)
        self.destinations = DestinationsPanel()
        self.destinations.add_wanted.connect(self._add_folder)
        self.destinations.remove_wanted.connect(self._remove_folder)
        self.schedule = SchedulePanel()
        self.schedule.save_wanted.connect(self._save_schedule)
        panels.addWidget(self.destinations, 1)
        panels.addWidget(self.schedule, 1)
        layout.addLayout(panels)
        self.destinations.mark_wanted.connect(self._mark_folder)
        self.evidence = EvidencePanel()
        self.evidence.limits_wanted.connect(self._save_limits)
        layout.addWidget(self.evidence)
        self.settings_status = status_label()
        layout.addWidget(self.settings_status)

        row = QHBoxLayout()
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        row.addWidget(self.backup_button)
        self.backup_progress = QProgressBar()
        self.backup_progress.setFixedWidth(320)
        self.backup_progress.hide()
        row.addWidget(self.backup_progress)
        row.addStretch(1)
        layout.addLayout(row)
        self.backup_result = status_label()
        layout.addWidget(self.backup_result)

        frame, inner = card(_("Backups in the folders"))
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton(_("Verify"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button = QPushButton(_("Restore…"))
        self.restore_button.clicked.connect(self.restore_selected)
        for button in (self.refresh_button, self.verify_button, self.restore_button):
            buttons.addWidget(button)
        self.verify_progress = QProgressBar()
        self.verify_progress.setRange(0, 0)
        self.verify_progress.setFixedWidth(200)
        self.verify_progress.hide()
        buttons.addWidget(self.verify_progress)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        self.table = read_only_table([_("Backup file"), _("Folder"), _("Created"),
                                      _("Schema"), _("Rows"), _("Audit events"), _("State")])
        set_columns(self.table, stretch=6)
        self.table.setMinimumHeight(220)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        inner.addWidget(self.table)
        self.verify_result = status_label()
        inner.addWidget(self.verify_result)
        layout.addWidget(frame, 1)

        self.scheduler = ensure_scheduler(session, self)
        if self.scheduler is not None:
            self.scheduler.started.connect(self._scheduled_started)
            self.scheduler.ran.connect(self._scheduled_ran)
        self._update_buttons()
        self.refresh()

    # -- reading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name: ages move on
        super().showEvent(event)
        if self.plan is not None and not self.busy:
            self.refresh()

    def refresh(self) -> None:
        session = self.session

        def gather(_progress: Progress) -> tuple[BackupSchedule, list[FolderSurvey], Evidence]:
            plan = load_schedule(session.db)
            with session.db.read() as conn:
                evidence = offsite.read(conn)
            return plan, survey(plan.destinations), evidence

        self.refresh_button.setEnabled(False)
        run_in_background(self, gather, self._show, self._settings_failed, show_after_ms=None)

    def _show(self, result: tuple[BackupSchedule, list[FolderSurvey], Evidence]) -> None:
        plan, surveys, evidence = result
        self.plan = plan
        self.refresh_button.setEnabled(True)
        self.status.show_plan(now_local(), plan)
        self.destinations.show_folders(surveys, evidence.offsite)
        self.evidence.show_evidence(now_local(), evidence)
        self.schedule.show_plan(plan)
        keep = self.selected()
        self.entries = [e for s in surveys for e in s.entries]
        self.entries.sort(key=lambda e: e.manifest.created_at if e.manifest else "",
                          reverse=True)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            self._fill(row, entry)
            if keep is not None and entry.path == keep.path:
                self.table.selectRow(row)
        self._update_buttons()

    def _fill(self, row: int, entry: BackupEntry) -> None:
        m = entry.manifest
        # The folder's own name (the full path is its tooltip); a drive root has none.
        # Names come from a folder others may write to: one line each, no control characters.
        full = one_line(entry.path.parent)
        folder = one_line(entry.path.parent.name) or full
        name = one_line(entry.path.name)
        if m is None:
            fill_row(self.table, row, [name, folder, "", "", "", "", _("Damaged")],
                     RED, {1: full, 6: entry.problem or ""})
            return
        state, colour, tip = _("Not verified"), None, ""
        if entry.path in self.checked:
            ok, tip = self.checked[entry.path]
            state, colour = (_("Verified: sound"), GREEN) if ok else (_("Verification failed"),
                                                                      RED)
        elif self.plan is not None and entry.path.name == self.plan.last_verified_file:
            state, colour = _("Verified: sound"), GREEN
            tip = when_text(now_local(), self.plan.last_verified)
        elif m.db_id != self.session.db.db_id:
            state = _("Another database: {name}").format(name=m.source_name)
        fill_row(self.table, row, [name, folder, clock.local_text(m.created_at),
                                   str(m.schema_version), str(sum(m.row_counts.values())),
                                   str(m.audit_events), state], colour, {1: full, 6: tip})

    def selected(self) -> BackupEntry | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or rows[0].row() >= len(self.entries):
            return None
        return self.entries[rows[0].row()]

    def _update_buttons(self) -> None:
        entry = self.selected()
        usable = entry is not None and entry.manifest is not None and not self.busy
        self.verify_button.setEnabled(usable)
        self.restore_button.setEnabled(usable)
        has_folders = bool(self.plan and self.plan.destinations)
        self.backup_button.setEnabled(has_folders and not self.busy)
        self.backup_button.setToolTip("" if has_folders else _("Add a backup folder first."))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    # -- settings --------------------------------------------------------------------------

    def _settings_call(self, call: Callable[[], object], sentence: str) -> None:
        run_in_background(self, lambda _p: call(), lambda _r: self._settings_saved(sentence),
                          self._settings_failed)

    def _settings_saved(self, sentence: str) -> None:
        set_status(self.settings_status, sentence, ok=True)
        self.refresh()

    def _settings_failed(self, sentence: CustosError) -> None:
        self.refresh_button.setEnabled(True)
        set_status(self.settings_status, sentence, ok=False)

    def _add_folder(self, folder: str) -> None:
        session = self.session
        self._settings_call(lambda: add_destination(session, folder),
                            _("Backup folder added: {folder}").format(folder=folder))

    def _remove_folder(self, folder: str) -> None:
        session = self.session
        self._settings_call(lambda: remove_destination(session, folder),
                            _("Backup folder removed: {folder}. Its backups stay where they "
                              "are.").format(folder=folder))

    def _mark_folder(self, folder: str, off: bool) -> None:
        session = self.session
        self._settings_call(lambda: offsite.mark(session, folder, off),
                            (_("Marked off-site: {folder}") if off
                             else _("Marked on-site: {folder}")).format(folder=folder))

    def _save_limits(self, offsite_days: int, test_days: int) -> None:
        session = self.session
        self._settings_call(lambda: offsite.set_limits(session, offsite_days, test_days),
                            _("Limits saved."))

    def _save_schedule(self, at: str, daily: int, weekly: int, monthly: int,
                       verify: bool) -> None:
        session = self.session
        self._settings_call(lambda: set_schedule(session, at, daily, weekly, monthly, verify),
                            _("Schedule saved: a backup every day at {time}.").format(time=at))

    # -- back up now -----------------------------------------------------------------------

    def back_up_now(self) -> None:
        session = self.session
        self._set_busy(True)
        self.backup_result.hide()
        self.backup_progress.setRange(0, 0)
        self.backup_progress.show()
        run_in_background(self, lambda progress: back_up_everywhere(session, progress),
                          self._backed_up, self._backup_failed, show_after_ms=None,
                          on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.backup_progress.setRange(0, total)
            self.backup_progress.setValue(min(done, total))

    def _backed_up(self, results: list[DestinationResult]) -> None:
        self.backup_progress.hide()
        self._set_busy(False)
        show_lines(self.backup_result, [(destination_sentence(r), r.ok) for r in results])
        self.refresh()

    def _backup_failed(self, error: CustosError) -> None:
        self.backup_progress.hide()
        self._set_busy(False)
        show_lines(self.backup_result, [(str(error), False)])

    def _scheduled_started(self, actions: list[str]) -> None:
        self._set_busy(True)
        text = _("A scheduled backup is running…") if "backup" in actions else \
            _("A scheduled verification is running…")
        show_lines(self.backup_result, [(text, True)])

    def _scheduled_ran(self, sentence: str, ok: bool) -> None:
        self._set_busy(False)
        show_lines(self.backup_result, [(line, ok) for line in sentence.splitlines()])
        self.refresh()

    # -- verify and restore ----------------------------------------------------------------

    def verify_selected(self) -> None:
        entry = self.selected()
        if entry is None or entry.manifest is None:
            return
        session, path = self.session, entry.path
        self._set_busy(True)
        self.verify_result.hide()
        self.verify_progress.setRange(0, 0)  # busy while unpacking; checks then count
        self.verify_progress.show()
        run_in_background(self, lambda p: verify_backup(session, path, progress=p),
                          lambda report: self._verified(path, report),
                          lambda error: self._verify_failed(path, str(error)),
                          show_after_ms=None, on_progress=self._verify_progressed)

    def _verify_progressed(self, done: int, total: int) -> None:
        scale = max(1, total // 1000)  # QProgressBar counts in int: keep it well inside
        self.verify_progress.setRange(0, total // scale)
        self.verify_progress.setValue(done // scale)

    def _verified(self, path: Path, report: VerifyReport) -> None:
        self.verify_progress.hide()
        self._set_busy(False)
        self.checked[path] = (report.ok, report.sentence)
        set_status(self.verify_result, report.sentence, ok=report.ok)
        self.refresh()

    def _verify_failed(self, path: Path, sentence: str) -> None:
        self.verify_progress.hide()
        self._set_busy(False)
        self.checked[path] = (False, sentence)
        set_status(self.verify_result, sentence, ok=False)
        self.refresh()

    def restore_selected(self) -> RestoreDialog | None:
        entry = self.selected()
        if entry is None or entry.manifest is None:
            return None
        dialog = RestoreDialog(self.session, entry.path, entry.manifest, self)
        delete_on_close(dialog)
        dialog.accepted.connect(self._restore_confirmed)  # bound: see KeysSection._replaced
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def _restore_confirmed(self) -> None:
        dialog, self.restore_dialog = self.restore_dialog, None
        credentials = dialog.take_credentials() if dialog is not None else None
        if dialog is None or credentials is None:
            return
        self._set_busy(True)
        if self.scheduler is not None:
            self.scheduler.stop()
        run_restore(self, self.session, dialog.path, *credentials,
                    on_finished=self.session_ended.emit)
