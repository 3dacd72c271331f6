"""Screenshots of the branch-server choice, for looking at them (not a test).

    xvfb-run -a .venv/bin/python tests/ui/server_screenshots.py OUT_DIR

In English and Chinese: the first-run page with each of its two ways chosen, the login
dialog on a server address with its "Branch server…" dialog, and the main window's status
bar on this PC's file and on a branch server (a throwaway cluster, over TLS).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script
STATE = Path(tempfile.mkdtemp(prefix="custos-server-shots-"))
os.environ["CUSTOS_STATE_DIR"] = str(STATE / "pc-state")  # not this PC's real profile

from app import accounts  # noqa: E402
from app.store.keyring import FLOOR  # noqa: E402
from scripts.pgcluster import Cluster  # noqa: E402
from tests.ui.shots import load_translations, pump, save  # noqa: E402
from ui.app import prepare_application  # noqa: E402
from ui.language import apply_language  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sections import register_capabilities  # noqa: E402
from ui.server_choice import ServerDialog  # noqa: E402
from ui.wizard import FirstRunWizard  # noqa: E402

DB = "branch_0101"
PASSWORD = "admin-password"


def first_run(out: Path, lang: str) -> None:
    wizard = FirstRunWizard()
    wizard.location_page.location.setText("/home/zhou/Documents/Custos/branch.custos")
    wizard.show()
    save(wizard, out, f"first-run-this-pc-{lang}")
    page = wizard.location_page
    page.join.setChecked(True)
    page.server_box.address.setEditText("postgresql://custos-db.branch.local/branch_0101")
    page.server_box.ca_file.setText("/media/usb/branch-ca.crt")
    save(wizard, out, f"first-run-join-server-{lang}")
    page.server_box.ca_file.clear()
    wizard.button(wizard.WizardButton.FinishButton).click()  # no CA: one sentence
    save(wizard, out, f"first-run-join-server-no-ca-{lang}")
    wizard.hide()
    wizard.deleteLater()


def login(out: Path, lang: str, where: str) -> None:
    dialog = LoginDialog(where)
    dialog.show()
    save(dialog, out, f"login-server-{lang}")
    chooser = ServerDialog(dialog.db_path.split("?")[0], dialog)
    chooser.show()
    save(chooser, out, f"login-server-dialog-{lang}")
    chooser.close()
    dialog.close()


def status_bars(out: Path, lang: str, sessions: dict) -> None:
    for kind, session in sessions.items():
        window = MainWindow(session, idle_interval_ms=600_000)
        window.show()
        pump()
        save(window, out, f"window-{kind}-{lang}")
        save(window.statusBar(), out, f"status-bar-{kind}-{lang}")
        window.hide()
        window.idle.stop()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_capabilities()
    file = accounts.create_database(STATE / "branch.custos", "admin", PASSWORD,
                                    display_name="管理员甲", kdf=FLOOR).path
    cluster = Cluster.start()
    try:
        cluster.createdb(DB)
        os.environ["PGPASSWORD"] = cluster.superuser_password
        where = f"postgresql://localhost:{cluster.port}/{DB}?sslrootcert={cluster.ca_file}"
        accounts.create_database(f"{where}&user={cluster.superuser}", "admin", PASSWORD,
                                 display_name="管理员甲", kdf=FLOOR)
        sessions = {"this-pc": accounts.login(file, "admin", PASSWORD),
                    "server": accounts.login(where, "admin", PASSWORD)}
        for lang in ("en", "zh_CN"):
            apply_language(lang)
            first_run(out, lang)
            login(out, lang, where)
            status_bars(out, lang, sessions)
        for session in sessions.values():
            accounts.logout(session)
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-server"))
