"""Screenshots of the oversight screens, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python \
        tests/ui/oversight/screenshots.py OUT_DIR [--docs docs/dashboard.png]

Builds a demo database (200 customers, decided and open rights requests, a burst of
customer openings, reveals and an export that raise alerts, backups on record), then for
English and Chinese saves the Dashboard, the Access log, the Alerts with their dialogs,
the Reports with a preview, and the Import steps.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from app import accounts, audit, clock
from app.demo_records import fill_records
from app.oversight.review import acknowledge_alert, list_alerts
from app.rights import requests as rq
from app.security import Role
from app.settings import LAST_BACKUP, LAST_VERIFIED, record_value, set_branch_details
from app.store import schema
from app.store.keyring import FLOOR
from app.synthetic import person
from ui.app import prepare_application
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.sections import register_capabilities
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import approve_everyone, load_translations, pump, save  # noqa: E402

PASSWORD = "manager-password"


def decided_requests(manager, rng: random.Random) -> None:
    """Requests received over the year and refused after 5 to 45 days (some late)."""
    real = clock.now_utc
    today = date.today()
    try:
        for i in range(24):
            received = today - timedelta(days=350 - i * 14)
            took = rng.choice((4, 9, 14, 21, 26, 29, 33, 44))
            clock.now_utc = lambda d=received: datetime(d.year, d.month, d.day, 2, tzinfo=UTC)
            number = rq.take_request(manager, rng.choice(("access", "information", "erasure")),
                                     f"C{i + 20:09d}", "居民身份证与本人核对一致",
                                     today=received)
            decided = received + timedelta(days=took)
            clock.now_utc = lambda d=decided: datetime(d.year, d.month, d.day, 3, tzinfo=UTC)
            rq.refuse(manager, number, "客户未能提供授权委托书，无法核实代理人身份。",
                      late_reason="等待客户补充授权材料", today=decided)
    finally:
        clock.now_utc = real
    check = "居民身份证与本人核对一致"
    rq.take_request(manager, "erasure", "C000000003", check)
    rq.take_request(manager, "access", "C000000004", check,
                    today=today - timedelta(days=26))
    rq.take_request(manager, "information", "C000000005", check,
                    today=today - timedelta(days=40))


def suspicious_events(db) -> None:
    for i in range(34):
        audit.record(db, actor="counter", action="customer.opened",
                     customer_ref=f"C{i + 1:09d}", purpose="counter_service")
    for i in range(12):
        audit.record(db, actor="counter", action="customer.revealed",
                     customer_ref=f"C{i + 1:09d}", purpose="counter_service",
                     detail={"field": "id_number", "reason": "核对身份"})
    audit.record(db, actor="counter", action="customer.opened", customer_ref="C000000042",
                 purpose="other: 帮朋友查询号码")
    for _i in range(5):
        audit.record(db, actor="zhangwei", action="login.failed", outcome="failed")


def build_database(folder: Path) -> Path:
    path = folder / "shots.custos"
    created = accounts.create_database(path, "admin", "admin-password", kdf=FLOOR)
    admin = accounts.login(path, "admin", "admin-password")
    accounts.add_user(admin, "counter", [Role.COUNTER], "counter-password", display_name="李娜")
    accounts.add_user(admin, "manager", [Role.MANAGER], PASSWORD, display_name="王强")
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
    approve_everyone(admin, created.recovery_code)
    accounts.logout(admin)
    manager = accounts.login(path, "manager", PASSWORD)
    fill_records(manager, 200, random.Random(1))
    set_branch_details(manager, "中国电信 和平路营业厅", "北京市东城区和平路 18 号",
                       "个人信息保护专员 张敏 010-6512 3456")
    decided_requests(manager, random.Random(2))
    suspicious_events(manager.db)
    failed = next(a for a in list_alerts(manager) if a.rule == "failed_logins")
    acknowledge_alert(manager, failed.id, "张伟忘记密码，已由管理员重置。")
    now = clock.now_utc()
    with manager.db.write() as conn:
        record_value(conn, LAST_BACKUP, f"{clock.stamp(now - timedelta(hours=3))}|"
                     "branch-2026-11-24.custos-backup")
        record_value(conn, LAST_VERIFIED, f"{clock.stamp(now - timedelta(days=10))}|"
                     "branch-2026-11-14.custos-backup")
    accounts.logout(manager)
    return path


def import_workbook(path: Path, n: int = 12) -> None:
    rng = random.Random(5)
    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["2026年11月新开户客户清单"])
    sheet.append(["姓名", "证件号码", "手机号码", "邮箱", "营销同意"])
    for i in range(n):
        p = person(rng)
        sheet.append([p.name, p.id_number, p.mobile, p.email or "", "是" if i % 2 else ""])
    sheet.append(["坏数据", "110101199001011234", "13800138000", "", ""])
    book.save(path)


def shoot(db: Path, out: Path, language: str, docs: Path | None, folder: Path) -> None:
    apply_language(language)
    session = accounts.login(db, "manager", PASSWORD)
    tag = language
    window = MainWindow(session)
    window.resize(1300, 860)
    window.show()
    dash = window.workspace.show_section("dashboard")
    pump(lambda: dash.figures is not None and idle_tasks())
    shot = save(window, out, f"{tag}_01_dashboard")
    if docs is not None and language == "en":
        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_bytes(shot.read_bytes())

    log = window.workspace.show_section("access_log")
    pump(lambda: log.model.rowCount() > 0 and idle_tasks())
    save(window, out, f"{tag}_02_access_log")
    log.user.setEditText("counter")
    log.search()
    pump(lambda: idle_tasks())
    log.verify()
    pump(lambda: log.report is not None)
    save(window, out, f"{tag}_02b_access_log_filtered")

    alerts = window.workspace.show_section("alerts")
    pump(lambda: bool(alerts.alerts) and idle_tasks())
    save(window, out, f"{tag}_03_alerts")
    alerts.table.selectRow(0)
    evidence = alerts.show_evidence()
    pump()
    save(evidence, out, f"{tag}_03b_evidence")
    evidence.reject()
    ack = alerts.acknowledge()
    ack.note.setPlainText("已与李娜核实：为批量办理携号转网业务。" if language == "zh_CN"
                          else "Checked with Li Na: bulk number-porting work.")
    save(ack, out, f"{tag}_03c_acknowledge")
    ack.reject()
    thresholds = alerts.thresholds()
    save(thresholds, out, f"{tag}_03d_thresholds")
    thresholds.reject()
    alerts.show_done.setChecked(True)
    pump(lambda: idle_tasks())
    save(window, out, f"{tag}_03e_alerts_all")

    reports = window.workspace.show_section("reports")
    pump()
    save(window, out, f"{tag}_04_reports")
    reports.language.setCurrentIndex(reports.language.findData(language))
    reports.show_preview()
    pump(lambda: reports.preview is not None, timeout=60)
    preview = reports.preview
    pump(lambda: len(preview.page_labels) > 0 and idle_tasks(), timeout=60)
    save(preview, out, f"{tag}_04b_report_preview")
    preview.accept()

    section = window.workspace.show_section("import")
    save(window, out, f"{tag}_05_import_file")
    bad = folder / "not-a-workbook.xlsx"
    bad.write_text("hello")
    section.file_page.path.setText(str(bad))
    section.read_preview()
    pump(lambda: idle_tasks())
    save(window, out, f"{tag}_05b_import_bad_file")
    book = folder / f"customers-{language}.xlsx"
    import_workbook(book)
    section.file_page.path.setText(str(book))
    section.read_preview()
    pump(lambda: section.stack.currentWidget() is section.mapping_page and idle_tasks())
    save(window, out, f"{tag}_05c_import_mapping")
    section.start_import()
    pump(lambda: section.result is not None and idle_tasks(), timeout=30)
    save(window, out, f"{tag}_05d_import_result")
    window.close()
    pump(timeout=0.3)
    accounts.logout(session)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    docs = Path(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else None
    prepare_application()
    load_translations()
    register_capabilities()
    with tempfile.TemporaryDirectory() as folder:
        db = build_database(Path(folder))
        for language in ("en", "zh_CN"):
            shoot(db, out, language, docs, Path(folder))


if __name__ == "__main__":
    main()
