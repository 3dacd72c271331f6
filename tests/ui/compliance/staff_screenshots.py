"""Screenshots of the staff part of the compliance file, for looking at them (not a test).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python \
        tests/ui/compliance/staff_screenshots.py OUT_DIR

A branch whose archive clerk's training is a year and a half old (so it is overdue) and a
new counter clerk without a signed agreement; for English and Chinese: the manager's
dashboard with its tile, the Staff and training tab, and the refusal on Access requests
with the agreement's form it offers; the administrator's Users screen with the day each
account's agreement was signed.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # run as a script

from app import accounts  # noqa: E402
from app.compliance import staff  # noqa: E402
from app.security import Role  # noqa: E402
from tests.ui.shots import (  # noqa: E402
    branch_database,
    open_window,
    pump,
    save,
    shoot_in_both_languages,
)
from ui.language import apply_language  # noqa: E402
from ui.worker import idle_tasks  # noqa: E402

USERS = {"manager": ("王经理", Role.MANAGER), "counter": ("李娜", Role.COUNTER),
         "archive": ("赵敏", Role.ARCHIVE)}


def build(folder: Path) -> Path:
    path = folder / "branch.custos"
    branch_database(path, USERS, lambda user: f"{user}-password")
    admin = accounts.login(path, "admin", "admin-password")
    accounts.add_user(admin, "zhou.yi", [Role.COUNTER], "temporary-password", "周一")
    accounts.logout(admin)
    own = accounts.login(path, "zhou.yi", "temporary-password")
    accounts.change_own_password(own, "temporary-password", "zhou-own-password-1")
    accounts.logout(own)
    m = accounts.login(path, "manager", "manager-password")
    today = date.today()
    staff.record_training(m, (today - timedelta(days=540)).isoformat(),
                          "客户信息保护与保密义务", "archive,counter,manager")
    staff.record_training(m, (today - timedelta(days=30)).isoformat(),
                          "柜台防范电信诈骗", "counter,manager")
    accounts.logout(m)
    return path


def shoot(db: Path, out: Path, language: str) -> None:
    apply_language(language)
    session, window = open_window(db, "manager", "manager-password")
    dash = window.workspace.show_section("dashboard")
    pump(lambda: dash.figures is not None and idle_tasks())
    save(window, out, f"{language}_01_dashboard")
    section = window.workspace.show_section("compliance")
    page = section.show_part("staff")
    pump(lambda: bool(page.listing.lines) and idle_tasks())
    save(window, out, f"{language}_02_staff")
    access = window.workspace.show_section("access")
    pump(idle_tasks)
    access.approve_button.click()
    pump(lambda: access.agreement_offer.isVisible() and idle_tasks())
    save(window, out, f"{language}_03_access_refused")
    dialog = access.agreement_offer.open_form()
    pump()
    save(dialog, out, f"{language}_04_agreement_form")
    dialog.reject()
    window.close()
    accounts.logout(session)
    admin, window = open_window(db, "admin", "admin-password")
    window.workspace.show_section("users")
    pump(idle_tasks)
    save(window, out, f"{language}_05_users")
    window.close()
    accounts.logout(admin)


if __name__ == "__main__":
    shoot_in_both_languages(build, shoot)
