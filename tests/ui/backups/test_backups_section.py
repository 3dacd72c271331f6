"""The Backups section: back up now to every folder, the table, Verify, the status warnings,
folders and schedule saved, and a restore that ends at the login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app import accounts, clock
from app.backup import schedule
from app.backup.archive_file import SUFFIX
from app.backup.restoring import check_restore
from app.errors import StoreError
from app.settings import LAST_BACKUP, LAST_VERIFIED, record_value
from ui.backups import register_sections
from ui.backups.backups_section import BackupsSection
from ui.backups.restore_dialog import RestoreDialog
from ui.flow import SessionFlow
from ui.login import LoginDialog

from .conftest import ADMIN_PW


def _section(qtbot, session, wait_workers) -> BackupsSection:
    section = BackupsSection(session)
    qtbot.addWidget(section)
    section.resize(1100, 900)
    section.show()
    wait_workers()
    return section


def _column(section: BackupsSection, col: int) -> list[str]:
    return [section.table.item(r, col).text() for r in range(section.table.rowCount())]


def _back_up(section: BackupsSection, wait_workers) -> None:
    section.back_up_now()
    wait_workers(20_000)
    wait_workers()  # the refresh that follows


def test_back_up_now_to_two_folders_then_verify(qtbot, admin, folders, wait_workers):
    usb, share = folders
    schedule.set_destinations(admin, [str(usb), str(share)])
    section = _section(qtbot, admin, wait_workers)
    assert section.table.rowCount() == 0
    assert section.backup_button.isEnabled()
    _back_up(section, wait_workers)
    made = [list(usb.glob(f"*{SUFFIX}")), list(share.glob(f"*{SUFFIX}"))]
    assert [len(m) for m in made] == [1, 1]
    text = section.backup_result.text()
    assert f"{usb}: backed up as {made[0][0].name}." in text
    assert f"{share}: backed up as {made[1][0].name}." in text
    assert sorted(_column(section, 0)) == sorted(m[0].name for m in made)
    assert set(_column(section, 1)) == {usb.name, share.name}
    assert section.table.item(0, 1).toolTip() in (str(usb), str(share))
    assert _column(section, 6) == ["Not verified", "Not verified"]
    assert not section.status.backup_warning.isVisible()
    assert section.status.verify_warning.isVisible()  # nothing verified yet

    section.table.selectRow(0)
    assert section.verify_button.isEnabled() and section.restore_button.isEnabled()
    section.verify_selected()
    wait_workers(20_000)
    wait_workers()
    assert section.verify_result.text().startswith("The backup is sound:")
    assert section.verify_result.objectName() == "success"
    assert _column(section, 6)[0] == "Verified: sound"
    assert not section.status.verify_warning.isVisible()
    assert schedule.load_schedule(admin.db).last_verified is not None


def test_missing_folder_has_its_sentence_and_the_other_succeeds(qtbot, admin, folders,
                                                                tmp_path, wait_workers):
    usb, _share = folders
    gone = tmp_path / "unplugged"
    schedule.set_destinations(admin, [str(gone), str(usb)])
    section = _section(qtbot, admin, wait_workers)
    states = [section.destinations.folders.item(r, 1).text() for r in range(2)]
    assert states == ["not reachable", "0 backups"]
    _back_up(section, wait_workers)
    text = section.backup_result.text()
    assert f"The backup folder {gone} does not exist or is not reachable." in text
    assert f"{usb}: backed up as" in text
    assert len(list(usb.glob(f"*{SUFFIX}"))) == 1
    assert section.table.rowCount() == 1
    assert section.destinations.folders.item(1, 1).text() == "1 backup"


def test_back_up_now_prunes_with_the_keep_counts(qtbot, admin, folders, wait_workers):
    usb, _share = folders
    schedule.set_destinations(admin, [str(usb)])
    real = clock.now_utc
    try:  # three backups on three earlier days
        for days in (3, 2, 1):
            clock.now_utc = lambda days=days: real() - timedelta(days=days)
            schedule.back_up_everywhere(admin)
    finally:
        clock.now_utc = real
    schedule.set_schedule(admin, "18:00", 2, 0, 0, True)
    section = _section(qtbot, admin, wait_workers)
    assert section.table.rowCount() == 3
    _back_up(section, wait_workers)
    assert "2 older backups removed." in section.backup_result.text()
    assert section.table.rowCount() == 2


def test_no_folder_no_backup_button_and_warnings(qtbot, admin, wait_workers):
    section = _section(qtbot, admin, wait_workers)
    assert not section.backup_button.isEnabled()
    assert section.status.backup_warning.text() == "No backup has been taken yet."
    assert section.status.backup.text() == "never"
    assert section.status.backup_warning.isVisible()
    old = clock.stamp(clock.now_utc() - timedelta(days=2))
    older = clock.stamp(clock.now_utc() - timedelta(days=9))
    with admin.db.write() as conn:
        record_value(conn, LAST_BACKUP, f"{old}|/media/usb/branch-1.custos-backup")
        record_value(conn, LAST_VERIFIED, f"{older}|branch-0.custos-backup")
    section.refresh()
    wait_workers()
    assert section.status.backup_warning.text() == "The last backup is more than a day old."
    assert section.status.backup_warning.isVisible()
    assert "(2 days ago) — branch-1.custos-backup" in section.status.backup.text()
    assert section.status.verify_warning.text() == \
        "The last verification is more than 8 days old."
    assert section.status.verify_warning.isVisible()


def test_folders_and_schedule_are_saved(qtbot, admin, folders, wait_workers):
    usb, share = folders
    section = _section(qtbot, admin, wait_workers)
    section.destinations.add_wanted.emit(str(usb))
    wait_workers()
    wait_workers()
    section.destinations.add_wanted.emit(str(share))
    wait_workers()
    wait_workers()
    assert section.destinations.folders.rowCount() == 2
    assert section.settings_status.text() == f"Backup folder added: {share}"
    section.destinations.folders.selectRow(0)
    section.destinations.remove_button.click()
    wait_workers()
    wait_workers()
    assert schedule.load_schedule(admin.db).destinations == (str(share),)
    panel = section.schedule
    panel.time.setTime(panel.time.time().fromString("06:30", "HH:mm"))
    panel.keep[schedule.KEEP_WEEKLY].setValue(8)
    panel.verify.setChecked(False)
    panel.save_button.click()
    wait_workers()
    wait_workers()
    assert section.settings_status.text() == "Schedule saved: a backup every day at 06:30."
    plan = schedule.load_schedule(admin.db)
    assert plan.daily_time.strftime("%H:%M") == "06:30" and plan.keep_weekly == 8
    assert not plan.verify_weekly


def test_a_relative_folder_is_refused_in_one_sentence(qtbot, admin, wait_workers):
    section = _section(qtbot, admin, wait_workers)
    section.destinations.add_wanted.emit("backups")
    wait_workers()
    assert section.settings_status.objectName() == "error"
    assert section.settings_status.text().startswith("A backup folder must be a full path")


def test_restore_confirms_by_name_then_returns_to_the_login(qtbot, admin, folders,
                                                             registry, wait_workers, db_path):
    usb, _share = folders
    schedule.set_destinations(admin, [str(usb)])
    backup = schedule.back_up_everywhere(admin)[0].backup
    schedule.set_destinations(admin, [str(usb), "/nowhere/else"])  # a change after the backup
    register_sections()
    flow = SessionFlow(idle_interval_ms=60_000)
    window = flow.open_main(admin)
    section = window.workspace.show_section("backups")
    wait_workers()
    section.table.selectRow(0)
    dialog = section.restore_selected()
    assert isinstance(dialog, RestoreDialog)
    dialog.typed.setText("branch")            # not the whole file name
    dialog.password.setText(ADMIN_PW)
    dialog.submit()
    assert dialog.error.text() == "Type the database file name branch.custos exactly to " \
                                  "confirm."
    assert dialog.password.text() == ""       # cleared after every try
    dialog.typed.setText("branch.custos")
    dialog.password.setText("wrong-password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.ok_button.isEnabled(),
                    timeout=20_000)
    assert not admin.ended                     # a wrong password changes nothing
    dialog.password.setText(ADMIN_PW)
    dialog.submit()
    qtbot.waitUntil(lambda: isinstance(flow.dialog, LoginDialog), timeout=30_000)
    wait_workers(20_000)
    assert admin.ended and flow.window is None
    asides = list(db_path.parent.glob("branch.custos.before-restore-*"))
    assert len(asides) == 1 and (asides[0] / "branch.custos").exists()
    again = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        assert schedule.load_schedule(again.db).destinations == (str(usb),)
    finally:
        accounts.logout(again)
    flow.dialog.close()
    assert backup.exists()
    told = [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]
    assert [w.text().split(".")[0] for w in told] == ["The backup was restored"]
    told[0].close()


def test_the_dialog_refuses_another_databases_backup_and_shows_names_on_one_line(
        qtbot, admin, folders, wait_workers, tmp_path):
    from app.backup import service
    from app.backup.archive_file import read_manifest
    from app.store.keyring import FLOOR

    usb, _share = folders
    other = tmp_path / "other" / "branch.custos"
    other.parent.mkdir()
    accounts.create_database(other, "chief", "chief-password-1", kdf=FLOOR)
    chief = accounts.login(other, "chief", "chief-password-1")
    theirs = service.take_backup(chief, usb)
    accounts.logout(chief)
    hostile = theirs.with_name(f"x\nforged line\x1b[2J{SUFFIX}")
    theirs.rename(hostile)
    dialog = RestoreDialog(admin, hostile, read_manifest(hostile))
    qtbot.addWidget(dialog)
    dialog.show()
    shown = [label.text() for label in dialog.findChildren(QLabel)]
    assert "x?forged line?[2J" + SUFFIX in shown
    assert not any("\n" in text or "\x1b" in text for text in shown)
    # Said at once, and nothing to confirm: no password to type, no Restore to press.
    assert any("is of another database" in text for text in shown)
    assert not dialog.ok_button.isEnabled() and not dialog.password.isEnabled()
    # The service refuses it all the same (a script, or a dialog of an older version).
    with pytest.raises(StoreError, match="is a backup of another database"):
        check_restore(admin, hostile, ADMIN_PW)
    assert dialog.take_credentials() is None and not admin.ended
    # The list of backups shows the name the same way.
    schedule.set_destinations(admin, [str(usb)])
    section = _section(qtbot, admin, wait_workers)
    assert _column(section, 0) == ["x?forged line?[2J" + SUFFIX]
