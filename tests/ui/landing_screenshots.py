"""Screenshots of where each role lands, and of a customer's Overview (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/ui/landing_screenshots.py OUT

For English and Chinese: the first screen of counter staff, archive clerk, manager and
administrator; the customer list as the archive clerk sees it; the Overview of a busy
customer for counter staff and manager (then with the ID number revealed).
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script

from app import accounts  # noqa: E402
from app.demo_records import fill_records  # noqa: E402
from app.security import Role  # noqa: E402
from app.store import schema  # noqa: E402
from tests.conftest import PASSWORDS, make_database  # noqa: E402
from tests.customers.test_overview import busy_customer  # noqa: E402
from tests.ui.shots import load_translations, pump, save  # noqa: E402
from ui.app import prepare_application  # noqa: E402
from ui.customers.reveal import RevealDialog  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sections import register_capabilities  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402

NAMES = {"counter": "王芳", "archive": "赵敏", "manager": "王强"}


def build(folder: Path) -> tuple[Path, dict]:
    path = make_database(folder / "branch.custos")
    opened: list = []

    def login(role: Role):
        opened.append(accounts.login(path, Role(role).value, PASSWORDS[Role(role)]))
        return opened[-1]

    made = busy_customer(login)
    fill_records(login(Role.MANAGER), 200, random.Random(3))
    admin = login(Role.ADMIN)
    with admin.db.write() as conn:
        for user, name in NAMES.items():
            conn.execute(schema.user.update().where(schema.user.c.username == user)
                         .values(display_name=name))
    for session in opened:
        accounts.logout(session)
    return path, made


def window_for(path: Path, role: Role) -> MainWindow:
    window = MainWindow(accounts.login(path, role.value, PASSWORDS[role]))
    window.resize(1200, 760)
    window.show()
    pump(idle_tasks, timeout=10)
    return window


def overview(window: MainWindow, out: Path, tag: str, number: str) -> None:
    section = window.workspace.show_section("customers")
    section.opener.open(number)
    pump(lambda: section.page is not None or section.opener.dialog is not None)
    if section.page is None:
        section.opener.dialog.ok_button.click()
        pump(lambda: section.page is not None)
    pump(idle_tasks, timeout=10)
    save(window, out, f"{tag}_overview")
    section.page.overview_tab.id_number.reveal_button.click()
    dialog = section.page.findChild(RevealDialog)
    dialog.reason.setText("客户要求核对" if tag.startswith("zh") else "customer asks to check")
    dialog.ok_button.click()
    pump(lambda: "*" not in section.page.overview_tab.id_number.value.text())
    save(window, out, f"{tag}_overview_revealed")


def main(out: Path) -> None:
    app = prepare_application()
    register_capabilities()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path, made = build(Path(tmp))
        for language in ("en", "zh_CN"):
            apply_language(language)
            if language == "zh_CN":
                load_translations()
            for role in Role:
                window = window_for(path, role)
                tag = f"{language}_{role.value}"
                save(window, out, f"{tag}_landing")
                if role is Role.ARCHIVE:
                    window.workspace.find_customer()
                    pump(idle_tasks, timeout=10)
                    save(window, out, f"{tag}_customers")
                if role in (Role.COUNTER, Role.MANAGER):
                    overview(window, out, tag, made["number"])
                window.close()
    app.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
