"""The archive screens speak Chinese. (Completeness of the catalogue is
tests/test_i18n.py's.)
"""

from __future__ import annotations

import pytest

from app import i18n
from app.security import Role
from ui.archive.approvals import ApprovalsSection
from ui.archive.section import ArchiveSection


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def test_the_screens_speak_chinese(qtbot, chinese, login, moving_clock):
    section = ArchiveSection(login(Role.ARCHIVE))
    qtbot.addWidget(section)
    titles = [section.tabs.tabText(i) for i in range(section.tabs.count())]
    assert titles == ["查找", "登记", "借出", "归还", "逾期", "销毁", "移交"]
    assert section.borrow.lend_button.text() == "借出"
    approvals = ApprovalsSection(login(Role.MANAGER))
    qtbot.addWidget(approvals)
    assert approvals.loans.approve_button.text() == "批准…"
