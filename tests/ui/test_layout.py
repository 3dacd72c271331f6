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
from ui.style import WINDOW_SIZE, apply_style, load_fonts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "demo.custos"
    create_demo(path, customers=800, seed=11, history=50)
    return path


@pytest.fixture(scope="module", autouse=True)
def program_look(qapp):
    """Measured in the program's own font and style sheet (ui.app.prepare_application),
    not the test runner's defaults: the widths a person sees."""
    kept = (qapp.font(), qapp.palette(), qapp.styleSheet(), qapp.style().name())
    load_fonts(qapp)
    apply_style(qapp)
    yield
    font, palette, sheet, style = kept
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)


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


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_every_compliance_tab_fits_the_window(window, wait_workers, qtbot, language, role):
    """No tab of the compliance file asks for more width than the program's window (a row of
    buttons did, in English, and widened the whole window)."""
    win = window(role, language)
    section = win.workspace.show_section("compliance")
    assert section.parts
    for tab in section.parts:
        section.show_part(tab.key)
        wait_workers()
        qtbot.wait(20)
        page = section.pages[tab.key]
        assert page.minimumSizeHint().width() <= page.width(), tab.key
        assert win.width() == WINDOW_SIZE[0], tab.key
