"""Layout at the program's own window size (1200×760), on the demo branch, in both
languages: the dashboard fits without scrolling and its tiles are of one width; the
Overdue list shows every column, the borrower's whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import accounts
from app.demo import DEMO_ACCOUNTS, create_demo
from app.security import Role
from tests.ui.layout_checks import clipped_columns, clipped_labels, scrolling_pages
from ui.archive.overdue_tab import OverdueTab
from ui.language import apply_language
from ui.main_window import MainWindow
from ui.sections import register_capabilities
from ui.style import WINDOW_SIZE


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "demo.custos"
    create_demo(path, customers=800, seed=11, history=50)
    return path


@pytest.fixture
def window(qtbot, demo, wait_workers):
    register_capabilities()
    opened = []

    def open_as(role: Role, language: str) -> MainWindow:
        apply_language(language)
        account = next(a for a in DEMO_ACCOUNTS if a.role is role)
        win = MainWindow(accounts.login(demo, account.username, account.password))
        qtbot.addWidget(win)
        win.resize(*WINDOW_SIZE)
        win.show()
        opened.append(win)
        return win

    yield open_as
    for win in opened:
        wait_workers()
        win.end_session()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_dashboard_fits_the_window_with_tiles_of_one_width(window, wait_workers, qtbot,
                                                              language):
    win = window(Role.MANAGER, language)
    dash = win.workspace.show_section("dashboard")
    qtbot.waitUntil(lambda: dash.figures is not None, timeout=10_000)
    wait_workers()
    qtbot.wait(50)
    assert dash.figures.alerts_open > 0  # the demo's tiles carry their longer texts
    assert scrolling_pages(dash) == []
    widths = {tile.width() for tile in dash.tiles.values()}
    assert max(widths) - min(widths) <= 1, widths
    assert clipped_labels(dash) == []


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_overdue_loans_show_every_column(window, wait_workers, qtbot, language):
    win = window(Role.ARCHIVE, language)
    section = win.workspace.show_section("archive")
    tab = next(section.tabs.widget(i) for i in range(section.tabs.count())
               if isinstance(section.tabs.widget(i), OverdueTab))
    section.tabs.setCurrentWidget(tab)
    tab.refresh()
    wait_workers()
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=10_000)
    qtbot.wait(50)
    # Every column in sight and whole, but the last (the kind of file), which is
    # stretched into what is left and may shorten its text.
    last = tab.table.model().headerData(tab.table.columnCount() - 1, Qt.Orientation.Horizontal)
    assert [p for p in clipped_columns(tab.table) if f"'{last}'" not in p] == []
    assert not [p for p in clipped_columns(tab.table) if "off-screen" in p]
