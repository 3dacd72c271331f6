"""Screenshots of every screen, for each role, in both languages, at two window sizes, with
the layout problems measured on each (tests/ui/layout_checks.py). Not a test.

    PYTHONPATH=. xvfb-run -a -s "-screen 0 1800x1200x24" .venv/bin/python tests/ui/tour.py OUT_DIR \
        [--db DEMO.custos] [--roles counter,manager] [--languages zh_CN] [--sizes 1200x760]

Builds the demo database (app/demo.py, 600 customers) unless --db names one. Every
section each role sees is shown, and each tab inside it; the customer page with its tabs
and the new-customer dialog for those who may. OUT_DIR/problems.txt lists what was measured.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget

from app import accounts
from app.demo import DEMO_ACCOUNTS, create_demo
from ui.app import prepare_application
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.sections import register_capabilities
from ui.worker import idle_tasks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script
from tests.ui.layout_checks import layout_problems  # noqa: E402
from tests.ui.shots import load_translations, pump  # noqa: E402

SIZES = ((1200, 760), (1600, 1000))


class Tour:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.notes: list[str] = []

    def shoot(self, widget: QWidget, name: str, measured: QWidget | None = None) -> None:
        started = time.monotonic()
        pump(idle_tasks, timeout=20)
        if time.monotonic() - started > 2:
            print(f"{name}: busy for {time.monotonic() - started:.1f} s")
        pump(timeout=0.3)
        widget.grab().save(str(self.out / f"{name}.png"))
        for problem in layout_problems(measured or widget):
            self.notes.append(f"{name}: {problem}")

    def tabs(self, window: QWidget, root: QWidget, name: str) -> None:
        """Each tab of each tab widget under `root` (nested ones too, once shown)."""
        for tabs in root.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                self.shoot(window, f"{name}-tab{i}", tabs.widget(i))

    def role(self, db: Path, username: str, password: str, language: str,
             size: tuple[int, int]) -> None:
        apply_language(language)
        session = accounts.login(db, username, password)
        window = MainWindow(session)
        window.resize(*size)
        window.show()
        tag = f"{language}-{size[0]}-{username}"
        for key in window.workspace.keys():
            section = window.workspace.show_section(key)
            self.shoot(window, f"{tag}-{key}", section)
            self.tabs(window, section, f"{tag}-{key}")
            if key == "customers":
                self.customer(window, section, tag)
        window.close()
        pump(timeout=0.3)
        accounts.logout(session)

    def customer(self, window: MainWindow, section, tag: str) -> None:
        if section.new_button.isVisible():
            section.new_customer()
            pump(timeout=0.5)
            dialog = next(w for w in QApplication.topLevelWidgets()
                          if isinstance(w, QDialog) and w.isVisible())
            self.shoot(dialog, f"{tag}-customers-new")
            dialog.reject()
        if not section.can_open:
            return
        section.open_customer("C000000001")
        pump(lambda: section.opener.dialog is not None or section.page is not None, timeout=20)
        if section.opener.dialog is not None:
            self.shoot(section.opener.dialog, f"{tag}-customers-purpose")
            section.opener.dialog.ok_button.click()
        pump(lambda: section.page is not None and idle_tasks(), timeout=20)
        if section.page is not None:
            self.shoot(window, f"{tag}-customers-page", section.page)
            self.tabs(window, section.page, f"{tag}-customers-page")
            section.close_page()


def main() -> None:
    args = sys.argv[1:]

    def option(name: str, default: str | None) -> str | None:
        return args[args.index(name) + 1] if name in args else default

    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    prepare_application()
    load_translations()
    register_capabilities()
    roles = option("--roles", "counter,archive,manager,admin").split(",")
    languages = option("--languages", "en,zh_CN").split(",")
    sizes = [tuple(int(n) for n in s.split("x"))
             for s in option("--sizes", ",".join(f"{w}x{h}" for w, h in SIZES)).split(",")]
    tour = Tour(out)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(option("--db", "") or Path(folder) / "demo.custos")
        if not db.exists():
            create_demo(db, customers=600)
        for language in languages:
            for size in sizes:
                for account in DEMO_ACCOUNTS:
                    if account.username in roles:
                        tour.role(db, account.username, account.password, language, size)
    (out / "problems.txt").write_text("\n".join(tour.notes) + "\n", encoding="utf-8")
    print(f"{len(tour.notes)} problems; see {out / 'problems.txt'}")


if __name__ == "__main__":
    main()
