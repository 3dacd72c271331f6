"""Run as a script by test_secrets_on_lock.py: the real login dialog and main window, the
password typed key by key (read from stdin, never in argv), Ctrl+L, then "LOCKED" and wait."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from app.store.memory import forbid_core_dumps, wipe
from ui.app import prepare_application
from ui.login import LoginDialog
from ui.main_window import MainWindow


def pump(app, seconds: float, until=lambda: False) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    forbid_core_dumps()  # as ui.app.run does
    db, user = Path(sys.argv[1]), sys.argv[2]
    raw = os.read(0, 256)
    password = raw.rstrip(b"\n").decode()
    wipe(raw)
    app = prepare_application()
    dialog = LoginDialog(db)
    dialog.show()
    QTest.keyClicks(dialog.username, user)
    for char in password:  # the keyboard: one key at a time
        QTest.keyClick(dialog.password, char)
    wipe(password)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    pump(app, 30, lambda: dialog.session is not None)
    window = MainWindow(dialog.session)
    window.show()
    dialog.close()
    pump(app, 0.5)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    pump(app, 0.5)
    print("LOCKED" if window.is_locked else "NOT LOCKED", flush=True)
    QTimer.singleShot(120_000, app.quit)
    app.exec()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
