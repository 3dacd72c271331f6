"""Screenshots of backups on record, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/compliance/evidence_screenshots.py OUT

The operations screenshots' database (tests/ui/backups/screenshots.py), its USB folder
marked off-site with one copy there ten days ago (older than the 7 days allowed): then, in
English and Chinese, the administrator's Backups (folders with their marks, the evidence
panel) and the manager's dashboard tiles and compliance tab.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QScrollArea

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script
from app import accounts, clock  # noqa: E402
from app.backup import offsite, schedule  # noqa: E402
from app.backup.service import take_backup  # noqa: E402
from tests.ui.backups.screenshots import build  # noqa: E402
from tests.ui.shots import load_translations, pump, save  # noqa: E402
from ui.app import prepare_application  # noqa: E402
from ui.backups import register_sections  # noqa: E402
from ui.compliance.section import ComplianceSection  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.oversight.dashboard import DashboardSection  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402


def mark_and_copy(db: Path) -> None:
    admin = accounts.login(db, "admin", "admin-password")
    usb = schedule.load_schedule(admin.db).destinations[0]
    offsite.mark(admin, usb, True)
    real = clock.now_utc
    moment = real() - timedelta(days=10)
    try:
        clock.now_utc = lambda: moment
        take_backup(admin, Path(usb))
    finally:
        clock.now_utc = real
    accounts.logout(admin)


def shoot(db: Path, out: Path, language: str) -> None:
    apply_language(language)
    admin = accounts.login(db, "admin", "admin-password")
    window = MainWindow(admin)
    window.resize(1250, 1000)
    window.show()
    backups = window.workspace.show_section("backups")
    pump(lambda: idle_tasks() and backups.table.rowCount() > 0)
    backups.destinations.folders.selectRow(0)
    bar = backups.findChild(QScrollArea).verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    save(window, out, f"{language}_evidence_01_backups")
    window.close()
    accounts.logout(admin)
    manager = accounts.login(db, "manager", "manager-password")
    dash = DashboardSection(manager)
    dash.resize(1250, 900)
    dash.show()
    pump(lambda: idle_tasks() and dash.compliance_tiles, timeout=20)
    save(dash, out, f"{language}_evidence_02_dashboard")
    dash.close()
    section = ComplianceSection(manager)
    section.resize(1100, 600)
    section.show()
    section.show_part("evidence")
    save(section, out, f"{language}_evidence_03_tab")
    section.close()
    accounts.logout(manager)
    pump(timeout=0.3)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots-evidence")
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_sections()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder))
        mark_and_copy(db)
        for language in ("en", "zh_CN"):
            shoot(db, out, language)


if __name__ == "__main__":
    main()
