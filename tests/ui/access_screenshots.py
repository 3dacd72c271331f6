"""Screenshots of the access-to-customer-data screens, for looking at them (not a test).

    CUSTOS_SEAL_FIELDS=1 QT_QPA_PLATFORM=offscreen .venv/bin/python \
        tests/ui/access_screenshots.py OUT_DIR

In English and Chinese: the manager's Access requests, the administrator's Users with an
account pending and the recovery-code dialog, the window of a clerk who waits, and the
login dialog during the sealing pass.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script

from app import accounts  # noqa: E402
from app.security import Role  # noqa: E402
from app.store.keyring import FLOOR  # noqa: E402
from tests.ui.shots import load_translations, pump, save  # noqa: E402
from ui.app import prepare_application  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sections import register_capabilities  # noqa: E402
from ui.sections.access import RecoveryApprovalDialog  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = prepare_application()
    load_translations()
    register_capabilities()
    folder = Path(tempfile.mkdtemp(prefix="custos-access-shots-"))
    created = accounts.create_database(folder / "branch.custos", "admin", "admin-password",
                                       display_name="管理员甲", kdf=FLOOR)
    path = created.path
    admin = accounts.login(path, "admin", "admin-password")
    accounts.add_user(admin, "li.na", [Role.MANAGER], "manager-password", "李娜")
    from app.accounts.access import approve_with_recovery
    from app.demo import sign_confidentiality

    sign_confidentiality(admin, "li.na")
    approve_with_recovery(admin, "li.na", created.recovery_code)
    accounts.add_user(admin, "zhou.yi", [Role.COUNTER], "temporary-password", "周一")
    accounts.add_user(admin, "wu.lei", [Role.ARCHIVE], "temporary-password", "吴磊")
    accounts.add_user(admin, "he.jun", [Role.MANAGER], "temporary-password", "何军")
    manager = accounts.login(path, "li.na", "manager-password")
    manager.must_change_password = False
    clerk = accounts.login(path, "zhou.yi", "temporary-password")
    clerk.must_change_password = False
    try:
        for lang in ("en", "zh_CN"):
            apply_language(lang)
            window = MainWindow(manager)
            window.show()
            window.workspace.show_section("access")
            pump(idle_tasks)
            save(window, out, f"access-requests-{lang}")
            window.hide()

            window = MainWindow(admin)
            window.show()
            users = window.workspace.show_section("users")
            users.table.selectRow([u.username for u in users.users].index("he.jun"))
            pump(idle_tasks)
            save(window, out, f"users-pending-{lang}")
            dialog = RecoveryApprovalDialog(admin, "he.jun", window)
            dialog.show()
            dialog.code.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
            save(dialog, out, f"recovery-approval-{lang}")
            dialog.close()
            window.hide()

            window = MainWindow(clerk)
            window.show()
            for key in window.workspace.keys():
                window.workspace.show_section(key)
                pump(idle_tasks)
                save(window, out, f"waiting-{key}-{lang}")
            window.hide()

            login = LoginDialog(path, allow_other_database=False)
            login.show()
            login.username.setText("zhou.yi")
            login._sealing(4000, 12000)
            save(login, out, f"login-sealing-{lang}")
            login.close()
    finally:
        for s in (clerk, manager, admin):
            accounts.logout(s)
    app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
