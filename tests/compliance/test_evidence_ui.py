"""The dashboard's two backup-evidence tiles and the compliance file's "Backups on
record" tab, as a manager sees them (file pass: the GUI)."""

from __future__ import annotations

import pytest

from app.backup import offsite, schedule
from app.backup.service import take_backup, verify_backup
from app.security.roles import Role
from ui.compliance.section import ComplianceSection
from ui.oversight.dashboard import DashboardSection
from ui.worker import idle_tasks

pytestmark = pytest.mark.file_only


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(idle_tasks, timeout=10_000)
    return widget


def test_the_dashboard_shows_both_tiles_red_then_green(qtbot, login, tmp_path):
    manager, admin = login(Role.MANAGER), login(Role.ADMIN)
    section = _shown(qtbot, DashboardSection(manager))
    tile, tab = section.compliance_tiles["backup_offsite"]
    assert tab == "evidence" and tile.value.text() == "never"
    assert tile.value.property("alarm") is True
    far = tmp_path / "far"
    far.mkdir()
    schedule.set_destinations(admin, [str(far)])
    offsite.mark(admin, str(far), True)
    verify_backup(admin, take_backup(admin, far))
    section.refresh_button.click()
    qtbot.waitUntil(idle_tasks, timeout=10_000)
    for key in ("backup_offsite", "backup_restore_test"):
        tile = section.compliance_tiles[key][0]
        assert tile.value.text() == "today" and tile.value.property("alarm") is False


def test_the_tab_lists_backups_and_restore_tests(qtbot, login, tmp_path):
    manager, admin = login(Role.MANAGER), login(Role.ADMIN)
    far = tmp_path / "far"
    far.mkdir()
    offsite.mark(admin, str(far), True)
    path = take_backup(admin, far)
    verify_backup(admin, path)
    section = _shown(qtbot, ComplianceSection(manager))
    page = section.show_part("evidence")
    assert page is not None
    rows = [[page.table.item(r, c).text() for c in range(6)]
            for r in range(page.table.rowCount())]
    assert [r[1:] for r in rows] == [
        ["Restore test", path.name, "", "admin", "Succeeded"],
        ["Backup", path.name, "Off-site", "admin", "Succeeded"]]
    assert page.facts["backup_offsite"].objectName() == "success"
    assert "Last off-site backup: today" in page.facts["backup_offsite"].text()
