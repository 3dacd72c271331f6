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


@pytest.fixture
def wait_workers(qtbot):
    """Call to wait until every background task has reported back."""
    def wait(timeout: int = 5000) -> None:
        qtbot.waitUntil(idle_tasks, timeout=timeout)
    return wait


@pytest.fixture
def sessions():
    """Track sessions opened in a test and log them out at the end."""
    opened: list = []
    yield opened
    for session in opened:
        accounts.logout(session)
