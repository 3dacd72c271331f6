"""The upper panels of the Backups section: status (last backup, last verification, each
with its age and a red warning when too old), the destination folders, and the schedule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from app.backup.schedule import (
    KEEP_DAILY,
    KEEP_LIMITS,
    KEEP_MONTHLY,
    KEEP_WEEKLY,
    BackupSchedule,
    FolderSurvey,
    backup_overdue,
    verify_overdue,
)
from app.i18n import _
from ui.backups.common import RED, card, fill_row, fit_rows, read_only_table, set_columns, when_text
from ui.dialogs import hint_label
from ui.files import choose_folder


class StatusPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, inner = card(_("Status"))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        self.backup = QLabel()
        self.verified = QLabel()
        self.backup_warning = QLabel()
        self.verify_warning = QLabel()
        for label in (self.backup_warning, self.verify_warning):
            label.setObjectName("error")
            label.setWordWrap(True)
        grid.addWidget(QLabel(_("Last backup:")), 0, 0)
        grid.addWidget(self.backup, 0, 1)
        grid.addWidget(self.backup_warning, 1, 1)
        grid.addWidget(QLabel(_("Last verified backup:")), 2, 0)
        grid.addWidget(self.verified, 2, 1)
        grid.addWidget(self.verify_warning, 3, 1)
        inner.addLayout(grid)

    def show_plan(self, now: datetime, plan: BackupSchedule) -> None:
        backup = when_text(now, plan.last_backup)
        if plan.last_backup_file:
            backup = _("{when} — {file}").format(when=backup,
                                                  file=Path(plan.last_backup_file).name)
        self.backup.setText(backup)
        verified = when_text(now, plan.last_verified)
        if plan.last_verified_file:
            verified = _("{when} — {file}").format(when=verified, file=plan.last_verified_file)
        self.verified.setText(verified)
        if plan.last_backup is None:
            self.backup_warning.setText(_("No backup has been taken yet."))
        else:
            self.backup_warning.setText(_("The last backup is more than a day old."))
        self.backup_warning.setVisible(backup_overdue(now, plan))
        if plan.last_verified is None:
            self.verify_warning.setText(_("No backup has been verified yet."))
        else:
            self.verify_warning.setText(_("The last verification is more than 8 days old."))
        self.verify_warning.setVisible(verify_overdue(now, plan))


class DestinationsPanel(QWidget):
    """The folders every backup goes to; `add_wanted`/`remove_wanted` ask the section to save."""

    add_wanted = Signal(str)
    remove_wanted = Signal(str)
    mark_wanted = Signal(str, bool)  # the folder, off-site

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.surveys: list[FolderSurvey] = []
        self.offsite: tuple[str, ...] = ()
        frame, inner = card(_("Backup folders"))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        inner.addWidget(hint_label(_("Each backup is written to every folder. Keep one "
                                     "off-site: a USB drive taken home, or a network share.")))
        self.folders = read_only_table([_("Folder"), _("State"), _("Where")])
        set_columns(self.folders, stretch=0)
        self.folders.setAlternatingRowColors(False)
        self.folders.itemSelectionChanged.connect(self._update_buttons)
        fit_rows(self.folders, minimum_rows=3)
        inner.addWidget(self.folders)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add folder…"))
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self._remove)
        self.mark_button = QPushButton(_("Mark off-site"))
        self.mark_button.clicked.connect(self._mark)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.mark_button)
        row.addStretch(1)
        inner.addLayout(row)
        inner.addStretch(1)
        self._update_buttons()

    def show_folders(self, surveys: list[FolderSurvey], offsite: tuple[str, ...] = ()) -> None:
        keep = self.selected_folder()
        self.surveys, self.offsite = list(surveys), tuple(offsite)
        self.folders.setRowCount(len(surveys))
        for row, s in enumerate(surveys):
            where = _("Off-site") if s.folder in self.offsite else _("On-site")
            if s.reachable:
                count = len(s.entries)
                state = _("1 backup") if count == 1 else \
                    _("{count} backups").format(count=count)
                fill_row(self.folders, row, [s.folder, state, where], tips={0: s.folder})
            else:
                fill_row(self.folders, row, [s.folder, _("not reachable"), where], tips={
                    0: s.folder, 1: _("The folder does not exist or cannot be reached now (a "
                                      "USB drive unplugged, a network share offline).")})
                self.folders.item(row, 1).setForeground(RED)
            if s.folder == keep:
                self.folders.selectRow(row)
        fit_rows(self.folders, minimum_rows=3)
        self._update_buttons()

    def selected_folder(self) -> str | None:
        model = self.folders.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or rows[0].row() >= len(self.surveys):
            return None
        return self.surveys[rows[0].row()].folder

    def _update_buttons(self) -> None:
        folder = self.selected_folder()
        self.remove_button.setEnabled(folder is not None)
        self.mark_button.setEnabled(folder is not None)
        self.mark_button.setText(_("Mark on-site") if folder in self.offsite
                                 else _("Mark off-site"))

    def _mark(self) -> None:
        folder = self.selected_folder()
        if folder:
            self.mark_wanted.emit(folder, folder not in self.offsite)

    def _add(self) -> None:
        folder = choose_folder(self, _("Choose a backup folder"))
        if folder:
            self.add_wanted.emit(folder)

    def _remove(self) -> None:
        folder = self.selected_folder()
        if folder:
            self.remove_wanted.emit(folder)


class SchedulePanel(QWidget):
    """Daily time, keep counts, weekly verification; `save_wanted` carries the values."""

    save_wanted = Signal(str, int, int, int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, inner = card(_("Schedule"))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        form = QFormLayout()
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.time.setFixedWidth(90)
        form.addRow(_("Back up every day at:"), self.time)
        self.keep: dict[str, QSpinBox] = {}
        keeps = QHBoxLayout()
        for key, text in ((KEEP_DAILY, _("Daily:")), (KEEP_WEEKLY, _("Weekly:")),
                          (KEEP_MONTHLY, _("Monthly:"))):
            box = QSpinBox()
            box.setRange(*KEEP_LIMITS[key])
            self.keep[key] = box
            keeps.addWidget(QLabel(text))
            keeps.addWidget(box)
            keeps.addSpacing(10)
        keeps.addStretch(1)
        form.addRow(_("Keep the newest backups:"), keeps)
        self.verify = QCheckBox(_("Verify the newest backup every week (a restore test)"))
        form.addRow("", self.verify)
        inner.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Save schedule"))
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        inner.addLayout(row)
        inner.addWidget(hint_label(_(
            "Scheduled backups and verifications run here while an administrator is logged "
            "in; when Custos is closed and the last backup is more than a day old, it backs "
            "up first. For backups when nobody is logged in, make a backup credential "
            "(“custos backup credential --out FILE”) and schedule “custos backup run --db "
            "FILE --key-file FILE” in Task Scheduler or cron: see the README.")))
        inner.addStretch(1)

    def show_plan(self, plan: BackupSchedule) -> None:
        self.time.setTime(QTime(plan.daily_time.hour, plan.daily_time.minute))
        self.keep[KEEP_DAILY].setValue(plan.keep_daily)
        self.keep[KEEP_WEEKLY].setValue(plan.keep_weekly)
        self.keep[KEEP_MONTHLY].setValue(plan.keep_monthly)
        self.verify.setChecked(plan.verify_weekly)

    def _save(self) -> None:
        self.save_wanted.emit(self.time.time().toString("HH:mm"),
                              self.keep[KEEP_DAILY].value(), self.keep[KEEP_WEEKLY].value(),
                              self.keep[KEEP_MONTHLY].value(), self.verify.isChecked())
