"""Screenshots of the rights screens, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/ui/rights/screenshots.py OUT

Builds a demo database with requests in several states, then for English and Chinese and
for a counter clerk and a manager saves the requests list, the intake dialog, an access
request (password shown once; the manager's release dialog before and after its pages are
shown; a released copy's print-or-save preview), the portable data (prepared with a
password; its release dialog), an objection to profiling (a manager's review, the answer
letter), an erasure request (plan, confirmation), a refusal and the privacy register.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QWidget

from app import accounts
from app.demo_records import fill_records
from app.rights import requests as rq
from app.rights.answers import prepare_access_copy, prepare_portability
from app.rights.copies import review_copy
from app.security import Role
from app.settings import set_branch_details
from app.store import schema
from app.store.keyring import FLOOR
from ui.app import prepare_application
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.rights import register_sections
from ui.rights.decision_dialogs import PasswordOnceDialog
from ui.rights.preview import PreviewDialog
from ui.rights.release_dialog import HandOverDialog, PortableReviewDialog, ReleaseDialog
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import approve_everyone, load_translations, pump, save  # noqa: E402

PASSWORDS = {"counter": "counter-password", "manager": "manager-password"}


def build_database(folder: Path) -> tuple[Path, dict[str, str]]:
    path = folder / "shots.custos"
    created = accounts.create_database(path, "admin", "admin-password", kdf=FLOOR)
    admin = accounts.login(path, "admin", "admin-password")
    accounts.add_user(admin, "counter", [Role.COUNTER], PASSWORDS["counter"],
                      display_name="李娜")
    accounts.add_user(admin, "manager", [Role.MANAGER], PASSWORDS["manager"],
                      display_name="王强")
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
    approve_everyone(admin, created.recovery_code)
    accounts.logout(admin)
    manager = accounts.login(path, "manager", PASSWORDS["manager"])
    fill_records(manager, 60, random.Random(1))
    set_branch_details(manager, "中国电信 和平路营业厅", "北京市东城区和平路 18 号",
                       "个人信息保护专员 张敏 010-6512 3456")
    check = "居民身份证与本人核对一致"
    numbers = {}
    old = date.today() - timedelta(days=40)
    numbers["overdue"] = rq.take_request(manager, "information", "C000000007", check,
                                         today=old)
    numbers["access"] = rq.take_request(manager, "access", "C000000001", check)
    rq.verify_identity(manager, numbers["access"])
    numbers["erasure"] = rq.take_request(manager, "erasure", "C000000003", check,
                                         language="en", channel="letter")
    rq.verify_identity(manager, numbers["erasure"])
    soon = rq.take_request(manager, "rectification", "C000000004", check,
                           today=date.today() - timedelta(days=26))
    rq.verify_identity(manager, soon)
    numbers["extended"] = extended = rq.take_request(manager, "restriction", "C000000005", check,
                               today=date.today() - timedelta(days=20))
    rq.extend(manager, extended, 30, "等待计费部门核查三月账单", True)
    rq.take_request(manager, "withdraw_consent", "C000000006", check, channel="phone")
    numbers["portability"] = rq.take_request(manager, "portability", "C000000008", check,
                                             channel="online")
    rq.verify_identity(manager, numbers["portability"])
    prepare_portability(manager, numbers["portability"])
    numbers["portable_new"] = rq.take_request(manager, "portability", "C000000010", check,
                                              verified=True)
    numbers["profiling"] = rq.take_request(manager, "object_profiling", "C000000009", check,
                                           verified=True)
    numbers["released"] = rq.take_request(manager, "access", "C000000002", check)
    rq.verify_identity(manager, numbers["released"])
    prepared = prepare_access_copy(manager, numbers["released"], "zh_CN")
    review_copy(manager, numbers["released"])
    rq.release_artefact(manager, numbers["released"], prepared.sha256)
    accounts.logout(manager)
    return path, numbers


def click(widget: QWidget, key: str) -> None:
    button = widget.findChild(QPushButton, f"action-{key}")
    button.click()


def shoot(db: Path, numbers: dict[str, str], out: Path, language: str, role: str) -> None:
    apply_language(language)
    session = accounts.login(db, role, PASSWORDS[role])
    tag = f"{language}_{role}"
    window = MainWindow(session)
    window.resize(1300, 820)
    window.show()
    section = window.workspace.show_section("requests")
    pump(lambda: section.model.rowCount() > 0)
    save(window, out, f"{tag}_01_requests")

    intake = section.new_request()
    intake.customer.query.setText("C0000000")
    intake.customer.search()
    pump(lambda: intake.customer.matches.count() > 1)
    intake.customer.matches.setCurrentRow(1)
    intake.kind.setCurrentIndex(intake.kind.findData("erasure"))
    intake.identity_check.setText("居民身份证与本人核对一致" if language == "zh_CN" else
                                  "Resident ID card checked against the person")
    save(intake, out, f"{tag}_02_intake")
    intake.reject()
    pump()

    page = section.open_request(numbers["access"])
    pump(lambda: page.request is not None)
    if role == "counter":
        click(page, "access")
        page.child.protect.setChecked(True)
        page.child.ok_button.click()
        pump(lambda: isinstance(page.child, PasswordOnceDialog), timeout=30)
        save(page.child, out, f"{tag}_03b_password")
        page.child.accept()
        pump(lambda: idle_tasks() and page.artefacts.rowCount() > 0, timeout=30)
    else:
        click(page, "release")  # the copy the counter clerk just prepared
        pump(lambda: isinstance(page.child, ReleaseDialog), timeout=30)
        review = page.child
        save(review, out, f"{tag}_05a_release_before_pages", settle=0)
        pump(lambda: review.release_button.isEnabled() and idle_tasks(), timeout=30)
        save(review, out, f"{tag}_05b_release_pages_shown")
        review.release_button.click()
        pump(lambda: bool(page.request.artefacts[-1].released_at) and idle_tasks(), timeout=30)
    save(page, out, f"{tag}_03_access_page")
    page.reject()
    pump()

    page = section.open_request(numbers["released"])
    pump(lambda: page.request is not None)
    save(page, out, f"{tag}_03c_released_page")
    click(page, "handover")
    pump(lambda: isinstance(page.child, HandOverDialog), timeout=30)
    handing = page.child
    pump(lambda: len(handing.page_labels) > 0 and idle_tasks(), timeout=30)
    save(handing, out, f"{tag}_05c_handover")
    handing.accept()
    page.reject()
    pump()

    page = section.open_request(numbers["portability"])
    pump(lambda: page.request is not None)
    if role == "manager":
        click(page, "release")
        pump(lambda: isinstance(page.child, PortableReviewDialog), timeout=30)
        save(page.child, out, f"{tag}_05d_release_portable")
        page.child.reject()
    else:
        page.reject()
        page = section.open_request(numbers["portable_new"])
        pump(lambda: page.request is not None)
        click(page, "portable")
        page.child.protect.setChecked(True)
        save(page.child, out, f"{tag}_05e_prepare_portable")
        page.child.ok_button.click()
        pump(lambda: isinstance(page.child, PasswordOnceDialog), timeout=30)
        save(page.child, out, f"{tag}_05f_portable_password")
        page.child.accept()
        pump(idle_tasks, timeout=30)
    page.reject()
    pump()

    page = section.open_request(numbers["profiling"])
    pump(lambda: page.request is not None)
    save(page, out, f"{tag}_10_profiling_page")
    if role == "manager":
        click(page, "review")
        page.child.note.setPlainText("已核查该客户的营销和账单处理：均由员工办理，没有自动化决策。"
                                     if language == "zh_CN" else "Checked offers and billing: "
                                     "all set by staff, nothing automated.")
        save(page.child, out, f"{tag}_10b_profiling_review")
        page.child.ok_button.click()
        pump(lambda: isinstance(page.child, PreviewDialog), timeout=30)
        save(page.child, out, f"{tag}_10c_profiling_answer", settle=1.0)
        page.child.accept()
        pump(idle_tasks, timeout=30)
        save(page, out, f"{tag}_10d_profiling_page_after")
    page.reject()
    pump()

    page = section.open_request(numbers["erasure"])
    pump(lambda: page.request is not None)
    save(page, out, f"{tag}_04_erasure_page")
    click(page, "plan")
    pump()
    save(page.child, out, f"{tag}_04b_erasure_plan")
    page.child.reject()
    if role == "manager":
        click(page, "erase")
        pump()
        save(page.child, out, f"{tag}_04c_erase")
        page.child.reject()
        click(page, "refuse")
        pump()
        save(page.child, out, f"{tag}_07_refuse")
        page.child.reject()
    page.reject()
    pump()

    for key, name in (("overdue", "08_overdue_page"), ("extended", "09_extended_page")):
        page = section.open_request(numbers[key])
        pump(lambda page=page: page.request is not None)
        save(page, out, f"{tag}_{name}")
        page.reject()
        pump()

    if role == "manager":
        register = window.workspace.show_section("privacy_register")
        pump()
        save(window, out, f"{tag}_06_register")
        register.categories.setCurrentRow(2)
        save(window, out, f"{tag}_06b_register_consumption")
    window.close()
    pump(timeout=0.3)
    accounts.logout(session)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_sections()
    with tempfile.TemporaryDirectory() as folder:
        db, numbers = build_database(Path(folder))
        for language in ("en", "zh_CN"):
            for role in ("counter", "manager"):
                shoot(db, numbers, out, language, role)


if __name__ == "__main__":
    main()
