"""Screenshots of the customer screens, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python \
        tests/ui/customers/screenshots.py OUT_DIR [--docs docs/customer-page.png]

Builds a demo database of 300 customers, then for English and Chinese and for a counter
clerk and a manager saves the search list, a search, the purpose dialog, every tab of a
customer page, a restricted customer, the new-customer dialog and the Cases section. The
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from app import accounts
from app.customers.cases import list_cases
from app.customers.model import RevealField
from app.customers.search import all_customer_ids, summaries
from app.demo_records import fill_records
from app.security import Role
from app.store import schema
from app.store.keyring import FLOOR
from ui.app import prepare_application
from ui.customers import register_sections
from ui.customers.case_dialogs import NewCaseDialog
from ui.customers.consents_tab import ConsentDialog
from ui.customers.identity_dialog import RectifyDialog
from ui.customers.new_customer import NewCustomerDialog
from ui.customers.reveal import RevealDialog
from ui.customers.services_tab import AddServiceDialog
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script
from tests.ui.shots import approve_everyone, load_translations, pump, save  # noqa: E402

PASSWORDS = {"counter": "counter-password", "manager": "manager-password"}


def build_database(folder: Path) -> Path:
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
    fill_records(manager, 300, random.Random(1))
    accounts.logout(manager)
    return path


def shoot(db: Path, out: Path, language: str, role: str, docs: Path | None) -> None:
    apply_language(language)
    session = accounts.login(db, role, PASSWORDS[role])
    busiest = Counter(c.customer_no for c in list_cases(session, limit=10000)).most_common(1)
    customer_no = busiest[0][0]
    tag = f"{language}_{role}"
    window = MainWindow(session)
    window.resize(1300, 820)
    window.show()
    section = window.workspace.show_section("customers")
    pump(lambda: section.model.rowCount() > 0)
    save(window, out, f"{tag}_01_list")
    section.search.setText("zw")
    pump(timeout=0.5)
    save(window, out, f"{tag}_02_search")

    section.open_customer(customer_no)
    pump(lambda: section.opener.dialog is not None)
    dialog = section.opener.dialog
    save(dialog, out, f"{tag}_03_purpose")
    dialog.ok_button.click()
    pump(lambda: section.page is not None and idle_tasks())
    page = section.page
    phone = page.identity_tab.masked[RevealField.PHONE]
    phone.reveal_button.click()
    reveal = page.findChild(RevealDialog)
    reveal.reason.setText("customer asks to confirm the number")
    save(reveal, out, f"{tag}_03b_reveal_dialog")
    reveal.ok_button.click()
    pump(lambda: page.revealed.value("phone") is not None)
    save(window, out, f"{tag}_03c_revealed")
    page.revealed.clear()
    edit = RectifyDialog(session, page.view.record.identity, page)
    edit.open()
    save(edit, out, f"{tag}_03d_edit_identity")
    edit.reject()
    for name, dialog in (("add_service", AddServiceDialog(session, page.customer_no, page)),
                         ("new_case", NewCaseDialog(session, page.customer_no,
                                                    page.view.record.services, page)),
                         ("consent", ConsentDialog(session, page.customer_no, False,
                                                   "marketing", page))):
        dialog.open()
        save(dialog, out, f"{tag}_03e_{name}")
        dialog.reject()
    for number in range(page.tabs.count()):
        page.tabs.setCurrentIndex(number)
        shot = save(window, out, f"{tag}_04_page_{number}")
        if number == 0 and docs is not None:
            docs.parent.mkdir(parents=True, exist_ok=True)
            docs.write_bytes(shot.read_bytes())
    page.close_page()

    restricted = next(row.customer_no for row in summaries(session, all_customer_ids(session))
                      if row.restricted)
    section.open_customer(restricted)
    pump(lambda: section.opener.dialog is not None)
    section.opener.dialog.ok_button.click()
    pump(lambda: section.page is not None and idle_tasks())
    save(window, out, f"{tag}_05_restricted")
    section.page.close_page()

    new = NewCustomerDialog(session, window)
    new.open()
    new.name.setText("张伟")
    new.id_number.setText("110101199003071234")
    new.phone.setText("13800138000")
    new.original_checked.setChecked(True)
    new.ok_button.click()
    pump(lambda: new.error.isVisible())
    save(new, out, f"{tag}_06_new_customer")
    new.reject()

    cases = window.workspace.show_section("cases")
    cases.mine.setChecked(False)
    pump(lambda: cases.list.table.rowCount() > 0 and idle_tasks())
    save(window, out, f"{tag}_07_cases")
    window.close()
    pump(timeout=0.3)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    docs = Path(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--docs" else None
    prepare_application()
    load_translations()
    register_sections()
    with tempfile.TemporaryDirectory() as folder:
        db = build_database(Path(folder))
        for language in ("en", "zh_CN"):
            for role in ("counter", "manager"):
                shoot(db, out, language, role,
                      docs if (language, role) == ("en", "manager") else None)


if __name__ == "__main__":
    main()
