"""Operations UI fixtures: an administrator's session, backup folders, a private section
registry, and a driver for question boxes.

The databases come from the root conftest (`db_path`, `login`); platformdirs, English and
the worker wait come from tests/ui/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from app.security.roles import Role
from ui import sections

ADMIN_PW = "admin-password"


@pytest.fixture
def admin(login):
    return login(Role.ADMIN)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """Two backup folders that exist: a 'USB drive' and a 'network share'."""
    usb, share = tmp_path / "usb-E", tmp_path / "nas-share"
    usb.mkdir()
    share.mkdir()
    return usb, share


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the section registry, so registering ours leaks into no other test."""
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    return sections


@pytest.fixture
def answer_box(qtbot) -> Callable[[QWidget, bool], str]:
    """Wait for the question box under `parent`, accept (or cancel) it; returns its text."""
    def answer(parent: QWidget, accept: bool = True) -> str:
        def visible() -> list[QMessageBox]:
            return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        qtbot.waitUntil(lambda: bool(visible()))
        box = visible()[-1]
        text = box.text()
        role = QMessageBox.ButtonRole.AcceptRole if accept else QMessageBox.ButtonRole.RejectRole
        button = next(b for b in box.buttons() if box.buttonRole(b) == role)
        button.click()
        return text
    return answer
