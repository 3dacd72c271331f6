"""Screenshots of the manager's access log in words, for looking at them (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/log_screenshots.py OUT_DIR

In English and Chinese: the log with staff by name, actions and results in words, a reveal
chosen in the details pane, and the action filter's list of groups and actions.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script

import app.oversight.alerts  # noqa: E402,F401 - the alert rules watch the catalogue
from app import accounts  # noqa: E402
from app.archive import loans, registry  # noqa: E402
from app.customers.cases import list_cases  # noqa: E402
from app.customers.records import open_customer, reveal_field  # noqa: E402
from app.demo_records import fill_records  # noqa: E402
from app.security import Role  # noqa: E402
from app.store import schema  # noqa: E402
from app.store.keyring import FLOOR  # noqa: E402
from tests.ui.shots import approve_everyone, load_translations, pump, save  # noqa: E402
from ui.app import prepare_application  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.oversight.log_details import INDENT  # noqa: E402
from ui.sections import register_capabilities  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402

STAFF = (("wang.fang", Role.COUNTER, "王芳"), ("li.qiang", Role.ARCHIVE, "李强"),
         ("zhang.min", Role.MANAGER, "张敏"))


def _branch() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="custos-log-shots-"))
    created = accounts.create_database(folder / "branch.custos", "admin", "admin-password",
                                       display_name="管理员甲", kdf=FLOOR)
    admin = accounts.login(created.path, "admin", "admin-password")
    for login, role, name in STAFF:
        accounts.add_user(admin, login, [role], f"{login}-password", name)
    with admin.db.write() as conn:  # as if each had chosen their own password
        conn.execute(schema.user.update().values(must_change_password=0))
    approve_everyone(admin, created.recovery_code)
    accounts.logout(admin)
    people = {}
    for login, _role, _name in STAFF:
        people[login] = accounts.login(created.path, login, f"{login}-password")
    return people


def _day_at_the_branch(people: dict) -> None:
    counter, archive = people["wang.fang"], people["li.qiang"]
    fill_records(people["zhang.min"], 3, random.Random(5))
    accounts.logout(people["zhang.min"])
    open_customer(counter, "C000000002", "counter_service")
    list_cases(counter, customer_no="C000000002")
    number = registry.register_file(archive, "service_agreement", "C000000002", box="B-01")
    loans.lend(archive, number, "wang.fang", "柜台核对协议")
    loans.return_file(archive, number, "intact")
    open_customer(counter, "C000000001", "counter_service")
    reveal_field(counter, "C000000001", "id_number", "客户要求核对证件号码")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_capabilities()
    people = _branch()
    _day_at_the_branch(people)
    for lang in ("en", "zh_CN"):
        apply_language(lang)
        manager = accounts.login(people["zhang.min"].db.path, "zhang.min", "zhang.min-password")
        window = MainWindow(manager)  # a closed window ends its session: one each
        window.resize(1280, 800)
        window.show()
        log = window.workspace.show_section("access_log")
        pump(idle_tasks)
        row = next(r for r in range(log.model.rowCount())
                   if log.model.event_at(r).action == "customer.revealed")
        log.table.selectRow(row)
        save(window, out, f"access-log-{lang}")
        log.action.setCurrentIndex(log.action.findText(INDENT + log.model.data(
            log.model.index(row, 3))))
        log.search()
        pump(idle_tasks)
        log.table.selectRow(0)
        save(window, out, f"access-log-reveals-{lang}")
        log.action.showPopup()
        save(log.action.view().window(), out, f"access-log-actions-{lang}")
        log.action.hidePopup()
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
