"""Widgets that delete themselves never delete their window in the middle (ui/lifetime.py).

The intermittent heap abort of the GUI tests ("malloc_consolidate(): unaligned fastbin chunk
detected", CI) was this: a dialog closing with WA_DeleteOnClose freed a lambda that held the
last reference to the screen that opened it, so the screen was deleted during the dialog's
destruction and deleted the dialog a second time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = """
import sys
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout, QWidget
app = QApplication(sys.argv)
from ui.lifetime import delete_on_close, delete_later, held

def told(screen):
    return lambda: screen.setWindowTitle("answered")

def a_screen_and_its_dialog(closing):
    screen = QWidget()
    QVBoxLayout(screen).addWidget(QPushButton("x"))
    dialog = QDialog(screen)
    QVBoxLayout(dialog).addWidget(QPushButton("ok"))
    dialog.accepted.connect(told(screen))     # the only reference to the screen left
    closing(dialog)
    dialog.open()
    dialog.accept()

for _ in range(100):
    a_screen_and_its_dialog(delete_on_close)
    a_screen_and_its_dialog(lambda d: d.finished.connect(lambda _r: delete_later(d)))
    for _ in range(3):
        app.processEvents()
assert held() == 0, held()
print("survived")
"""


def test_a_dialog_holding_the_last_reference_to_its_screen_closes_cleanly():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MALLOC_CHECK_="3",
               MALLOC_PERTURB_="165")
    done = subprocess.run([sys.executable, "-c", SCENARIO], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
    assert "deleted directly" not in done.stderr  # Qt's "shared QObject was deleted directly"


def test_no_widget_deletes_itself_around_the_helper():
    """Every self-deleting widget goes through ui/lifetime.py."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path.name == "lifetime.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"WA_DeleteOnClose|\.deleteLater\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
