"""Screenshots of the flows of issue 15 §4 and §6, for looking at them (not a test).

    PYTHONPATH=. xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python \
        tests/ui/flows_screenshots.py OUT

For English and Chinese: the requests section and the new-request dialog (counter staff,
manager), the cases queue (counter staff, manager), the borrow tab after a loan and the
overdue tab (archive clerk, manager), and the unlock screen after a wrong password.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from app import accounts
from app.archive import loans, registry
from app.demo_records import fill_records
from app.rights import requests as rq
from app.security import Role
from ui.app import prepare_application
from ui.archive import register_sections as archive_sections
from ui.customers import register_sections as customer_sections
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.rights import register_sections as rights_sections
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import branch_database, load_translations, pump, save  # noqa: E402

USERS = {"counter": ("李娜", Role.COUNTER), "manager": ("王强", Role.MANAGER),
         "archive": ("陈静", Role.ARCHIVE)}


def password(user: str) -> str:
    return f"{user}-password"


def build_database(folder: Path) -> tuple[Path, list[str]]:
    """The database, and files in the archive to lend on screen (one per language)."""
    path = folder / "flows.custos"
    branch_database(path, USERS, password)
    manager = accounts.login(path, "manager", password("manager"))
    fill_records(manager, 80, random.Random(5))
    check = "居民身份证与本人核对一致"
    for days, kind, customer in ((40, "information", 7), (33, "erasure", 3), (26, "access", 4),
                                 (10, "rectification", 5), (2, "withdraw_consent", 6)):
        rq.take_request(manager, kind, f"C{customer:09d}", check, verified=days < 30,
                        today=date.today() - timedelta(days=days))
    accounts.logout(manager)
    clerk = accounts.login(path, "archive", password("archive"))
    files = registry.register_batch(clerk, [
        {"kind": "service_agreement", "customer_no": f"C{n:09d}", "description": "入网服务协议",
         "room": "档案室A", "cabinet": "柜05", "shelf": "2", "box": "B2026-010"}
        for n in range(1, 6)])
    past = date.today() - timedelta(days=20)
    loans.lend(clerk, files[0], "counter", "核对客户签字", due_date=past + timedelta(days=10),
               today=past)
    loans.lend(clerk, files[1], "manager", "投诉复核", due_date=past + timedelta(days=17),
               today=past)
    accounts.logout(clerk)
    return path, files[2:4]


def window_of(db: Path, user: str) -> MainWindow:
    window = MainWindow(accounts.login(db, user, password(user)))
    window.resize(1300, 820)
    window.show()
    return window


def shoot_requests(db: Path, out: Path, tag: str, user: str) -> None:
    window = window_of(db, user)
    section = window.workspace.show_section("requests")
    pump(lambda: section.model.rowCount() > 0 and idle_tasks())
    save(window, out, f"{tag}_{user}_1_requests")
    intake = section.new_request()
    intake.customer.query.setText("C00000001")
    intake.customer.query.returnPressed.emit()
    pump(lambda: intake.customer.matches.count() > 0 and idle_tasks())
    intake.identity_check.setText("居民身份证与本人核对一致" if tag == "zh_CN" else
                                  "Resident ID card checked against the person")
    save(intake, out, f"{tag}_{user}_2_new_request")
    intake.reject()
    section = window.workspace.show_section("cases")
    section.mine.setChecked(False)
    pump(lambda: section.list.table.rowCount() > 0 and idle_tasks())
    save(window, out, f"{tag}_{user}_3_cases")
    if user == "manager":
        archive = window.workspace.show_section("archive")
        archive.tabs.setCurrentWidget(archive.overdue)
        pump(lambda: archive.overdue.table.rowCount() > 0 and idle_tasks())
        save(window, out, f"{tag}_{user}_4_overdue")
    window.close()


def shoot_archive(db: Path, out: Path, tag: str, file_no: str) -> None:
    window = window_of(db, "archive")
    section = window.workspace.show_section("archive")
    section.tabs.setCurrentWidget(section.borrow)
    borrow = section.borrow
    borrow.load(file_no)
    pump(lambda: borrow.paper is not None and idle_tasks())
    borrow.staff_name.setCurrentText("counter")
    borrow.purpose.setText("客户申请复印协议")
    borrow.lend_button.click()
    pump(lambda: borrow.last_loan is not None and idle_tasks())
    save(window, out, f"{tag}_archive_1_lent")
    section.tabs.setCurrentWidget(section.overdue)
    pump(lambda: section.overdue.table.rowCount() > 0 and idle_tasks())
    save(window, out, f"{tag}_archive_2_overdue")
    window.close()


def shoot_unlock(db: Path, out: Path, tag: str) -> None:
    window = window_of(db, "counter")
    window.lock()
    pump()
    window.lock_page.password.setText("wrong-password")
    window.lock_page.unlock_button.click()
    pump(lambda: window.lock_page.error.isVisible() and idle_tasks(), timeout=20)
    save(window, out, f"{tag}_counter_5_unlock")
    window.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    for register in (customer_sections, archive_sections, rights_sections):
        register()
    load_translations()
    with tempfile.TemporaryDirectory() as folder:
        db, free = build_database(Path(folder))
        for language, file_no in zip(("en", "zh_CN"), free, strict=True):
            apply_language(language)
            for user in ("counter", "manager"):
                shoot_requests(db, out, language, user)
            shoot_archive(db, out, language, file_no)
            shoot_unlock(db, out, language)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "flows-shots"))
