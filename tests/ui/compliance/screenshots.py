"""Screenshots of the Data breaches tab and its dialogs, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python \
        tests/ui/compliance/screenshots.py OUT_DIR

A branch with a few customers and four incidents (one past its regulator deadline, one
near it, one reported by counter staff, one closed); for English and Chinese: the
manager's dashboard and tab with each dialog, and the counter's "Report a data incident".
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script

from app import accounts  # noqa: E402
from app.compliance import breaches  # noqa: E402
from app.compliance.breach_notices import notify  # noqa: E402
from app.security import Role  # noqa: E402
from app.settings import set_branch_details  # noqa: E402
from tests.compliance.people import add_customers  # noqa: E402
from tests.ui.shots import branch_database, pump, save, shoot_in_both_languages  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402

USERS = {"manager": ("王经理", Role.MANAGER), "counter": ("李娜", Role.COUNTER)}


def _ago(hours: float) -> str:
    return (datetime.now() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def build(folder: Path) -> Path:
    path = folder / "branch.custos"
    branch_database(path, USERS, lambda user: f"{user}-password")
    counter = accounts.login(path, "counter", "counter-password")
    numbers = [no for no, _name in add_customers(counter, 6, 9)]
    breaches.report_incident(counter, _ago(2), "来电者知道客户新办的手机号码", numbers[5])
    accounts.logout(counter)
    m = accounts.login(path, "manager", "manager-password")
    set_branch_details(m, "中国电信 海淀中关村营业厅", "北京市海淀区中关村大街 27 号",
                       "数据保护联系人 王敏，电话 010-62551234")
    breaches.record_breach(m, _ago(80), "打印的客户回访清单遗失", numbers[:3],
                           categories=["identity", "contact"])
    breaches.record_breach(m, _ago(60), "业务受理单误交给其他客户", numbers[3:5],
                           categories=["identity", "id_number", "services"])
    done = breaches.record_breach(m, _ago(200), "营业厅电脑屏幕被无关人员拍照", numbers[:1])
    notify(m, done, "regulator", folder)
    notify(m, done, "customers", folder)
    breaches.close_breach(m, done, "")
    accounts.logout(m)
    return path


def shoot(db: Path, out: Path, language: str, folder: Path) -> None:
    apply_language(language)
    tag = language
    session = accounts.login(db, "manager", "manager-password")
    window = MainWindow(session)
    window.resize(1300, 860)
    window.show()
    dash = window.workspace.show_section("dashboard")
    pump(lambda: dash.figures is not None and idle_tasks())
    save(window, out, f"{tag}_01_dashboard")
    section = window.workspace.show_section("compliance")
    tab = section.show_part("breaches")
    pump(lambda: bool(tab.breaches) and idle_tasks())
    save(window, out, f"{tag}_02_breaches")
    tab.open_only.setChecked(False)
    pump(lambda: idle_tasks())
    save(window, out, f"{tag}_02b_breaches_all")
    dialog = tab.record()
    pump()
    save(dialog, out, f"{tag}_03_record")
    dialog.reject()
    tab.table.selectRow(2)
    for name, opener in (("04_details", tab.edit), ("05_letters", lambda: tab.notify("customers")),
                         ("06_close", tab.close_breach), ("07_deadlines", tab.set_deadlines)):
        dialog = opener()
        if name == "06_close":
            dialog.ok_button.click()
            pump(lambda: idle_tasks())
        save(dialog, out, f"{tag}_{name}")
        dialog.reject()
    window.close()
    accounts.logout(session)
    counter = accounts.login(db, "counter", "counter-password")
    window = MainWindow(counter)
    window.resize(1300, 860)
    window.show()
    pump()
    window.report_action.trigger()
    pump()
    from ui.compliance.breach_dialogs import BreachDialog

    save(window.findChild(BreachDialog), out, f"{tag}_08_counter_report")
    window.close()
    accounts.logout(counter)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        shoot_in_both_languages(
            build, lambda db, out, language: shoot(db, out, language, Path(scratch)))
