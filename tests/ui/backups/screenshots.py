"""Screenshots of the operations screens, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/ui/backups/screenshots.py OUT

Builds a database with records (a manager fills them, one customer on legal hold), two
backup folders (one of them unplugged), backups taken and one verified; then, in English and
Chinese, saves Backups, the restore confirmation, Retention after a dry run (the day moved
forward so every category has something), Keys, and the new recovery code.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QScrollArea

from app import accounts, clock
from app.backup import schedule
from app.backup.service import verify_backup
from app.customers.hold import place_legal_hold
from app.demo_records import fill_records
from app.security import Role
from app.store import schema
from app.store.keyring import FLOOR
from ui.app import prepare_application
from ui.backups import offer_rotation, register_sections
from ui.backups.keys_section import RecoveryCodeDialog
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import approve_everyone, load_translations, pump, save  # noqa: E402


def build(folder: Path) -> Path:
    path = folder / "heping.custos"
    created = accounts.create_database(path, "admin", "admin-password", display_name="赵磊", kdf=FLOOR)
    admin = accounts.login(path, "admin", "admin-password")
    accounts.add_user(admin, "manager", [Role.MANAGER], "manager-password")
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
    approve_everyone(admin, created.recovery_code)
    manager = accounts.login(path, "manager", "manager-password")
    fill_records(manager, 40, random.Random(3))
    place_legal_hold(manager, "C000000002", "公安机关调取通知（2025）第 17 号")
    accounts.logout(manager)
    usb, share = folder / "usb-E", folder / "nas-backups"
    usb.mkdir()
    schedule.set_destinations(admin, [str(usb), str(share)])
    real = clock.now_utc
    try:
        # Backups of past days (a month, 9 days, 30 hours ago), the 9-day one verified: both
        # warnings show until "Back up now" and a verification.
        for days in (31, 9, 1.25):
            moment = real() - timedelta(days=days)
            clock.now_utc = lambda moment=moment: moment
            results = schedule.back_up_everywhere(admin)
            if days == 9:
                verify_backup(admin, results[0].backup)
    finally:
        clock.now_utc = real
    accounts.logout(admin)
    return path


def shoot(db: Path, out: Path, language: str) -> None:
    apply_language(language)
    session = accounts.login(db, "admin", "admin-password")
    window = MainWindow(session)
    window.resize(1250, 860)
    window.show()
    backups = window.workspace.show_section("backups")
    pump(lambda: idle_tasks() and backups.table.rowCount() > 0)
    save(window, out, f"{language}_01_backups")
    if language == "en":
        backups.back_up_now()
        pump(lambda: idle_tasks() and not backups.busy, timeout=20)
        pump(lambda: idle_tasks(), timeout=5)
        backups.table.selectRow(0)
        backups.verify_selected()
        pump(lambda: idle_tasks() and not backups.busy, timeout=20)
        pump(lambda: idle_tasks(), timeout=5)
        bar = backups.findChild(QScrollArea).verticalScrollBar()
        bar.setValue(bar.maximum())
        save(window, out, f"{language}_01b_backups_after_backup_now")

    backups.table.selectRow(0)
    dialog = backups.restore_selected()
    dialog.typed.setText("heping")
    dialog.password.setText("admin-password")
    dialog.submit()  # wrong name: the sentence shows, nothing happens
    save(dialog, out, f"{language}_02_restore_confirm")
    dialog.reject()

    retention = window.workspace.show_section("retention")
    retention.today = date(date.today().year + 4, 1, 15)
    retention.start_dry_run()
    pump(lambda: idle_tasks() and retention.dry_run is not None, timeout=20)
    save(window, out, f"{language}_03_retention")
    retention.rules_table.selectRow(0)
    rule = retention.change_rule()
    rule.reason.setText("监管部门 2025-03-01 通知" if language == "zh_CN" else
                        "Regulator's notice of 2025-03-01")
    save(rule, out, f"{language}_03b_rule_dialog")
    rule.reject()
    retention.confirm_apply()
    pump()
    box = next(b for b in retention.findChildren(QMessageBox) if b.isVisible())
    save(box, out, f"{language}_03c_apply_question")
    box.reject()

    keys = window.workspace.show_section("keys")
    keys.rotate()
    pump(lambda: idle_tasks() and keys.rotate_button.isEnabled(), timeout=20)
    save(window, out, f"{language}_04_keys")
    code = RecoveryCodeDialog("K7M2Q-9XRTP-4HVNW-ZC3LD-8FJ6B", db.name, window)
    code.show()
    save(code, out, f"{language}_05_recovery_code")
    code.stored.setChecked(True)
    code.accept()
    offer_rotation(session, window)
    pump()
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    save(box, out, f"{language}_06_offer_rotation")
    box.reject()
    window.close()
    pump(timeout=0.3)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots-backups")
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_sections()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder))
        for language in ("en", "zh_CN"):
            shoot(db, out, language)


if __name__ == "__main__":
    main()
