"""What the screenshot scripts (tests/ui/*/screenshots.py) share: the Chinese catalogue,
letting Qt settle, and saving a widget as a PNG. Not a test."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from app import i18n


def load_translations() -> None:
    """The Chinese comes from resources/i18n/zh_CN.po, like the program's."""
    i18n._load("zh_CN")


def pump(until: Callable[[], bool] = lambda: False, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if until():
            break
        time.sleep(0.01)
    for _i in range(5):
        QApplication.processEvents()


def save(widget: QWidget, out: Path, name: str, settle: float = 0.3) -> Path:
    pump(timeout=settle)
    target = out / f"{name}.png"
    widget.grab().save(str(target))
    return target


def approve_everyone(admin, recovery_code: str) -> None:
    """Screenshot databases: every account but the administrator gets its customer-data
    keys, approved with the recovery code as a new branch's first manager would be."""
    from app.accounts import access
    from app.accounts.users import list_users
    from app.demo import sign_confidentiality
    from app.security import Role

    for user in list_users(admin):
        if Role.ADMIN not in user.roles:
            sign_confidentiality(admin, user.username)
            access.approve_with_recovery(admin, user.username, recovery_code)


def branch_database(path: Path, users: dict, password: Callable[[str], str]) -> None:
    """A new database with an administrator and `users` (username -> (display name, role)),
    each with `password(username)`, no password change pending, keys approved."""
    from app import accounts
    from app.store import schema
    from app.store.keyring import FLOOR

    created = accounts.create_database(path, "admin", "admin-password", kdf=FLOOR)
    admin = accounts.login(path, "admin", "admin-password")
    for user, (name, role) in users.items():
        accounts.add_user(admin, user, [role], password(user), display_name=name)
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
    approve_everyone(admin, created.recovery_code)
    accounts.logout(admin)


def shoot_in_both_languages(build: Callable[[Path], Path],
                            shoot: Callable[[Path, Path, str], None]) -> None:
    """A screenshot script's main: OUT_DIR from the command line, the program's look and its
    sections, a branch made by `build(folder)`, then `shoot(db, out, language)` in English
    and in Chinese."""
    import sys
    import tempfile

    from ui.app import prepare_application
    from ui.sections import register_capabilities

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_capabilities()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder))
        for language in ("en", "zh_CN"):
            shoot(db, out, language)


def open_window(path: Path, user: str, password: str):
    """(session, main window) of `user`, at the size the screenshots are taken."""
    from app import accounts
    from ui.main_window import MainWindow

    session = accounts.login(path, user, password)
    window = MainWindow(session)
    window.resize(1300, 860)
    window.show()
    return session, window
