"""UI fixtures: platformdirs pointed at tmp_path, English by default, sessions logged out.

The databases come from the root conftest (`db_path`, `login`): accounts admin, counter,
archive and manager, with the passwords below.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from PySide6.QtCore import QThreadPool

from app import accounts
from app.security import Role
from ui.language import apply_language
from ui.worker import idle_tasks

PASSWORDS = {
    Role.COUNTER: "counter-password",
    Role.ARCHIVE: "archive-password",
    Role.MANAGER: "manager-password",
    Role.ADMIN: "admin-password",
}


@pytest.fixture(autouse=True)
def private_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> Path:
    """Never touch the real home: every platformdirs location lives under tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(home / "config"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(home / "data"))
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda *a, **k: str(home / "docs"))
    qapp.setQuitOnLastWindowClosed(False)
    apply_language("en")
    yield home
    QThreadPool.globalInstance().waitForDone(5000)  # no work outlives its test
    apply_language("en")


@pytest.fixture(autouse=True)
def sections_as_they_were():
    """A test that registers the capability packages' sections (as the app does at start)
    leaves the registry as it found it: the next test's window shows what it asks for."""
    from ui import sections

    kept = list(sections.SECTIONS)
    yield
    sections.SECTIONS[:] = kept


@pytest.fixture
def wait_workers(qtbot):
    """Call to wait until every background task has reported back."""
    def wait(timeout: int = 5000) -> None:
        qtbot.waitUntil(idle_tasks, timeout=timeout)
    return wait


@pytest.fixture
def choose(qtbot):
    """choose(radio): click a radio button where a person does, on its circle (the middle
    of a stretched button may lie past the end of its text, where a click does nothing)."""
    from PySide6.QtCore import QPoint, Qt

    def click(radio) -> None:
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))
        assert radio.isChecked()
    return click


@pytest.fixture
def sessions():
    """Track sessions opened in a test and log them out at the end."""
    opened: list = []
    yield opened
    for session in opened:
        accounts.logout(session)


@pytest.fixture
def print_with_button(qtbot, tmp_path):
    """Press a Print… button as a person would: in the real print dialog that opens, choose
    the PDF-file printer, type the file name and press Print. Returns the file printed to."""
    from PySide6.QtCore import Qt
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLineEdit

    printed = iter(range(1000))

    def press(button, target: Path | None = None) -> Path:
        target = target or tmp_path / f"printed-{next(printed)}.pdf"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        def open_dialog() -> QPrintDialog | None:
            return next((w for w in QApplication.topLevelWidgets()
                         if isinstance(w, QPrintDialog) and w.isVisible()), None)

        qtbot.waitUntil(lambda: open_dialog() is not None, timeout=5000)
        dialog = open_dialog()
        printers = dialog.findChild(QComboBox, "printers")
        printers.setCurrentIndex(next(i for i in range(printers.count())
                                      if "PDF" in printers.itemText(i)))
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        box = dialog.findChild(QDialogButtonBox)
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        return target

    return press
