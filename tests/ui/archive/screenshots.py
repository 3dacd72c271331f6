"""Screenshots of the archive screens and two printouts, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/ui/archive/screenshots.py OUT

Builds a demo database (files in boxes, on loan, overdue, returned damaged, due for
destruction, loans and a transfer waiting, a batch proposed), then for English and Chinese
saves every Archive tab as an archive clerk, the Approvals section as a manager, the
customer-page panel as counter staff, a few dialogs, and a label sheet and a borrow slip as
PDF (render them with pdftoppm).
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app import accounts
from app.archive import destruction, loans, registry, transfers
from app.archive.printouts import borrow_slip_pdf, label_sheet_pdf
from app.demo_records import fill_records
from app.security import Role
from app.settings import set_branch_details
from ui.app import prepare_application
from ui.archive import register_sections
from ui.archive.customer_panel import CustomerFilesPanel
from ui.archive.dialogs import RecordDestructionDialog, RequestLoanDialog
from ui.language import apply_language
from ui.main_window import MainWindow

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import branch_database, load_translations, pump, save  # noqa: E402

USERS = {"archive": ("陈静", Role.ARCHIVE), "manager": ("王强", Role.MANAGER),
         "counter": ("李娜", Role.COUNTER)}


def password(user: str) -> str:
    return f"{user}-password"


def build_database(folder: Path) -> tuple[Path, dict]:
    path = folder / "shots.custos"
    branch_database(path, USERS, password)
    manager = accounts.login(path, "manager", password("manager"))
    fill_records(manager, 160, random.Random(3))
    set_branch_details(manager, "中国电信 和平路营业厅", "北京市东城区和平路 18 号",
                       "个人信息保护专员 张敏 010-6512 3456")
    accounts.logout(manager)

    clerk = accounts.login(path, "archive", password("archive"))
    customers = [f"C{n:09d}" for n in range(1, 8)]
    new = registry.register_batch(clerk, [
        {"kind": "service_agreement", "customer_no": c, "description": "入网服务协议(签字原件)",
         "room": "档案室A", "cabinet": "柜05", "shelf": "2", "box": "B2026-010"}
        for c in customers[:5]])
    id_copy = registry.register_file(clerk, "id_copy", customer_no=customers[5],
                                     description="居民身份证复印件", room="档案室A",
                                     cabinet="柜05", shelf="2", box="B2026-010")
    lent = loans.lend(clerk, new[0], "counter", "核对客户签字")
    waiting = loans.lend(clerk, id_copy, "counter", "补办业务核对身份")
    loans.lend(clerk, new[1], "市公司审计部 周立", "年度合规抽查", external=True)
    loans.lend(clerk, new[2], "manager", "投诉复核")
    loans.return_file(clerk, new[2], "damaged", "第 3 页有水渍")
    transfers.request_transfer(clerk, new[3], "市分公司法务部", "赵敏", "诉讼取证需原件")
    due = destruction.due_for_destruction(clerk)
    batch = destruction.propose_destruction(clerk, [f.file_no for f in due[:3]])
    late = [x.file_no for x in loans.overdue(clerk)]
    accounts.logout(clerk)
    return path, {"new": new, "id_copy": id_copy, "lent": lent, "waiting": waiting,
                  "batch": batch, "customer": customers[0], "late": late}


def shoot_clerk(db: Path, facts: dict, out: Path, language: str) -> None:
    session = accounts.login(db, "archive", password("archive"))
    window = MainWindow(session)
    window.resize(1340, 860)
    window.show()
    section = window.workspace.show_section("archive")
    tag = f"{language}_archive"

    find = section.find
    find.find("B2026-010")
    pump(lambda: find.table.rowCount() > 0)
    find.table.selectRow(2)
    pump(lambda: find.detail.loans.rowCount() > 0)
    save(window, out, f"{tag}_01_find")

    section.tabs.setCurrentWidget(section.register)
    reg = section.register
    reg.room.setText("档案室A")
    reg.cabinet.setText("柜05")
    reg.shelf.setText("3")
    reg.box.setText("B2026-011")
    reg.customer.setText(facts["customer"])
    reg.description.setText("补充协议")
    for number in ("C000000008", "C000000009", "C000000010"):
        reg.add_row(number)
    reg._show_registered(facts["new"][:5], "B2026-010")
    save(window, out, f"{tag}_02_register")

    section.tabs.setCurrentWidget(section.borrow)
    borrow = section.borrow
    borrow.load(facts["new"][4])
    pump(lambda: borrow.paper is not None)
    borrow.staff_name.setCurrentText("counter")
    borrow.purpose.setText("客户申请复印协议")
    borrow.watched.update(facts["new"][:2] + [facts["id_copy"]])
    borrow.refresh()
    save(window, out, f"{tag}_03_borrow")

    section.tabs.setCurrentWidget(section.returns)
    back = section.returns
    back.load(facts["new"][0])
    pump(lambda: back.loan is not None)
    back.conditions[list(back.conditions)[1]].setChecked(True)
    back.note.setPlainText("封面破损")
    save(window, out, f"{tag}_04_return")
    if facts["late"]:
        back.load(facts["late"][0])
        pump(lambda: back.loan is not None)
        save(window, out, f"{tag}_04b_return_overdue")

    section.tabs.setCurrentWidget(section.overdue)
    save(window, out, f"{tag}_05_overdue")
    section.tabs.setCurrentWidget(section.destruction)
    pump(lambda: section.destruction.table.rowCount() > 0)
    tab = section.destruction
    for row in range(min(2, tab.table.rowCount())):
        tab.table.item(row, 0).setCheckState(tab.table.item(row, 0).checkState().Checked)
    tab.batch_table.selectRow(0)
    save(window, out, f"{tag}_06_destruction")
    dialog = RecordDestructionDialog(session, facts["batch"], 3, window)
    dialog.witness_1.setText("陈静")
    dialog.witness_2.setText("刘洋")
    dialog.show()
    save(dialog, out, f"{tag}_06b_record_destruction")
    dialog.close()
    section.tabs.setCurrentWidget(section.transfers)
    save(window, out, f"{tag}_07_transfers")
    window.close()
    pump(timeout=0.3)
    accounts.logout(session)


def shoot_manager(db: Path, facts: dict, out: Path, language: str) -> None:
    session = accounts.login(db, "manager", password("manager"))
    window = MainWindow(session)
    window.resize(1340, 860)
    window.show()
    approvals = window.workspace.show_section("archive_approvals")
    pump(lambda: approvals.loans.table.rowCount() > 0)
    approvals.loans.table.selectRow(0)
    save(window, out, f"{language}_manager_01_approvals")
    approvals.loans.refuse_button.click()
    pump()
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    if dialogs:
        save(dialogs[0], out, f"{language}_manager_02_refuse")
        dialogs[0].close()
    window.workspace.show_section("archive")
    save(window, out, f"{language}_manager_03_archive")
    window.close()
    pump(timeout=0.3)
    accounts.logout(session)


def shoot_counter(db: Path, facts: dict, out: Path, language: str) -> None:
    session = accounts.login(db, "counter", password("counter"))
    panel = CustomerFilesPanel(session, facts["customer"])
    panel.resize(900, 360)
    panel.show()
    pump(lambda: panel.table.rowCount() > 0)
    panel.table.selectRow(0)
    save(panel, out, f"{language}_counter_01_panel")
    paper = registry.files_of_customer(session, "C000000002")[0]
    dialog = RequestLoanDialog(session, paper, panel)
    dialog.show()
    save(dialog, out, f"{language}_counter_02_request")
    dialog.close()
    panel.close()
    accounts.logout(session)


def printouts(db: Path, facts: dict, out: Path, language: str) -> None:
    session = accounts.login(db, "archive", password("archive"))
    label_sheet_pdf(session, facts["new"] + [facts["id_copy"]], out / f"{language}_labels.pdf")
    borrow_slip_pdf(session, facts["lent"], out / f"{language}_borrow_slip.pdf")
    accounts.logout(session)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_sections()
    with tempfile.TemporaryDirectory() as folder:
        db, facts = build_database(Path(folder))
        for language in ("en", "zh_CN"):
            apply_language(language)
            shoot_clerk(db, facts, out, language)
            shoot_manager(db, facts, out, language)
            shoot_counter(db, facts, out, language)
            printouts(db, facts, out, language)


if __name__ == "__main__":
    main()
