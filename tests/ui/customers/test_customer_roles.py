"""What each role gets: archive clerks names and numbers only, managers the access history."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.security import Role
from ui.customers import register_sections
from ui.customers.list_model import Column
from ui.main_window import MainWindow


def test_archive_clerk_sees_two_columns_and_cannot_open(qtbot, as_role, customers_section,
                                                        type_search, wait_workers):
    section = customers_section(as_role(Role.ARCHIVE))
    assert section.model.columns == [Column.NUMBER, Column.NAME]
    assert section.model.columnCount() == 2
    assert [section.model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == [
        "Customer no.", "Name"]
    assert section.names_only_hint.isVisible()
    assert not section.new_button.isVisible()
    assert section.search.placeholderText() == "Customer number or name"
    row = section.model.summary(7)
    assert row.id_masked == "" and row.phone_masked == ""
    type_search(section, row.customer_no)
    assert section.model.rowCount() == 1
    qtbot.keyClick(section.search, Qt.Key.Key_Return)
    section.table.activated.emit(section.model.index(0, 0))
    qtbot.wait(100)
    wait_workers()
    assert section.page is None and section.opener.dialog is None
    assert not section.status.isVisible()  # not even tried (app/ would refuse: a red sentence)


def test_counter_sees_masked_columns_and_restricted_rows(qtbot, as_role, customers_section):
    section = customers_section(as_role(Role.COUNTER))
    model = section.model
    assert model.columns == [Column.NUMBER, Column.NAME, Column.ID, Column.PHONE, Column.STATUS]
    assert section.new_button.isVisible()
    rows = [model.summary(r) for r in range(model.rowCount())]
    assert all("*" in r.id_masked and "*" in r.phone_masked for r in rows)
    restricted = next(r for r, s in enumerate(rows) if s.restricted)
    status = model.index(restricted, 4)
    assert model.data(status) == "Restricted"
    assert model.data(status, Qt.ItemDataRole.FontRole).bold()
    assert model.data(status, Qt.ItemDataRole.ForegroundRole) is not None


def test_access_history_tab_for_managers_only(qtbot, as_role, customers_section, open_record):
    counter = customers_section(as_role(Role.COUNTER))
    number = counter.model.summary(10).customer_no
    page = open_record(counter, number)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == ["Overview", "Identity", "Services", "Consumption", "Cases", "Consents",
                      "Paper files"]
    assert page.access_tab is None

    manager = customers_section(as_role(Role.MANAGER))
    page = open_record(manager, number)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles[-1] == "Access history"
    table = page.access_tab.table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert ["counter", "Record opened", "Counter service"] in [r[1:] for r in rows]
    assert ["manager", "Record opened", "Counter service"] in [r[1:] for r in rows]


def test_sections_register_with_their_permissions(qtbot, as_role, registry):
    register_sections()
    counter = MainWindow(as_role(Role.COUNTER), idle_interval_ms=60_000)
    qtbot.addWidget(counter)
    assert counter.workspace.keys() == ["customers", "cases", "home"]
    archive = MainWindow(as_role(Role.ARCHIVE), idle_interval_ms=60_000)
    qtbot.addWidget(archive)
    assert archive.workspace.keys() == ["customers", "home"]
    admin = MainWindow(as_role(Role.ADMIN), idle_interval_ms=60_000)
    qtbot.addWidget(admin)
    assert "customers" not in admin.workspace.keys() and "cases" not in admin.workspace.keys()
