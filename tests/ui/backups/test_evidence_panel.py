"""The Backups section's off-site marks and evidence limits, by the real buttons."""

from __future__ import annotations

from app.backup import offsite, schedule
from app.backup.service import take_backup

from .test_backups_section import _section


def _settle(wait_workers) -> None:
    wait_workers()
    wait_workers()


def test_mark_a_folder_off_site_and_see_the_last_off_site_copy(qtbot, admin, folders,
                                                                 wait_workers):
    usb, share = folders
    schedule.set_destinations(admin, [str(usb), str(share)])
    section = _section(qtbot, admin, wait_workers)
    panel = section.destinations
    assert [panel.folders.item(r, 2).text() for r in range(2)] == ["On-site", "On-site"]
    assert "No backup folder is marked off-site." in section.evidence.offsite.text()
    assert section.evidence.offsite.objectName() == "error"
    panel.folders.selectRow(0)
    assert panel.mark_button.text() == "Mark off-site"
    panel.mark_button.click()
    _settle(wait_workers)
    assert section.settings_status.text() == f"Marked off-site: {usb}"
    assert panel.folders.item(0, 2).text() == "Off-site"
    panel.folders.selectRow(0)
    assert panel.mark_button.text() == "Mark on-site"
    path = take_backup(admin, usb)
    section.refresh()
    _settle(wait_workers)
    assert path.name in section.evidence.offsite.text()
    assert section.evidence.offsite.objectName() == ""
    assert "No backup has passed a restore test yet." in section.evidence.tested.text()


def test_limits_are_saved_by_the_button(qtbot, admin, wait_workers):
    section = _section(qtbot, admin, wait_workers)
    panel = section.evidence
    assert (panel.offsite_days.value(), panel.test_days.value()) == (7, 31)
    panel.offsite_days.setValue(14)
    panel.test_days.setValue(62)
    panel.save_button.click()
    _settle(wait_workers)
    assert section.settings_status.text() == "Limits saved."
    with admin.db.read() as conn:
        ev = offsite.read(conn)
    assert (ev.offsite_max_days, ev.restore_test_max_days) == (14, 62)
