"""The customer list model: ids only, rows fetched a page at a time, only where one looks."""

from __future__ import annotations

from array import array

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.customers import search
from app.security import Role
from ui.customers.list_model import CustomerListModel
from ui.customers.section import customer_table


class CountingFetch:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, session, ids):
        self.calls.append(len(ids))
        return search.summaries(session, ids)


def _shown_table(qtbot, model: CustomerListModel):
    table = customer_table(model)
    qtbot.addWidget(table)
    table.resize(800, 300)
    table.show()
    qtbot.waitExposed(table)
    QApplication.processEvents()
    return table


def test_scrolling_to_the_end_fetches_only_the_visible_pages(qtbot, as_role):
    session = as_role(Role.COUNTER)
    ids = search.all_customer_ids(session)
    fetch = CountingFetch()
    model = CustomerListModel(session, ids, page_size=50, pages_kept=3, fetch=fetch)
    table = _shown_table(qtbot, model)
    assert model.rowCount() == 300
    assert fetch.calls == [50]  # the first screen needs the first page only
    table.scrollToBottom()
    QApplication.processEvents()
    assert model.data(model.index(299, 0)) is not None
    # 6 pages exist; the top and the bottom (plus at most the one the bottom screen spans).
    assert 2 <= len(fetch.calls) <= 3
    assert all(n == 50 for n in fetch.calls)
    assert set(model.cached_pages) <= {0, 4, 5}
    table.scrollToTop()
    QApplication.processEvents()
    assert len(fetch.calls) <= 3  # the first page is still cached


def test_the_cache_keeps_only_a_few_pages(qtbot, as_role):
    session = as_role(Role.COUNTER)
    ids = search.all_customer_ids(session)
    fetch = CountingFetch()
    model = CustomerListModel(session, ids, page_size=20, pages_kept=2, fetch=fetch)
    for row in (0, 25, 45, 65, 5):
        assert model.summary(row) is not None
    assert len(model.cached_pages) == 2
    assert len(fetch.calls) == 5  # page 0 was dropped and had to be fetched again
    assert model.summary(300) is None and model.summary(-1) is None


def test_rows_are_the_summaries_of_their_ids(qtbot, as_role):
    session = as_role(Role.MANAGER)
    ids = search.all_customer_ids(session)
    picked = array("q", [ids[299], ids[0], ids[150]])
    model = CustomerListModel(session, picked)
    expected = search.summaries(session, picked)
    assert [model.data(model.index(r, 0)) for r in range(3)] == [s.customer_no for s in expected]
    assert model.data(model.index(0, 2)) == expected[0].id_masked
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Phone"


def test_the_section_list_of_everyone_fetches_little(qtbot, as_role, customers_section,
                                                     monkeypatch):
    real, calls = search.summaries, []

    def counted(session, ids):
        calls.append(len(ids))
        return real(session, ids)

    monkeypatch.setattr(search, "summaries", counted)
    section = customers_section(as_role(Role.COUNTER))
    QApplication.processEvents()
    section.table.scrollToBottom()
    QApplication.processEvents()
    assert section.model.data(section.model.index(299, 1))
    assert calls == [200, 100]  # pages of 200: the first and the last, once each


def test_the_first_screen_comes_before_the_whole_list(qtbot, as_role, monkeypatch,
                                                      wait_workers):
    """The first page is drawn from a quick range scan; the whole list is appended when it
    arrives, keeping the row the person already selected."""
    import threading

    from ui.customers import section as section_module

    release = threading.Event()
    real = section_module.all_customer_ids

    def slow(session):
        release.wait(10)
        return real(session)

    monkeypatch.setattr(section_module, "FIRST_SCREEN_ROWS", 50)
    monkeypatch.setattr(section_module, "all_customer_ids", slow)
    session = as_role(Role.COUNTER)
    section = section_module.CustomersSection(session)
    qtbot.addWidget(section)
    section.resize(1200, 760)
    section.show()
    model = section.model
    assert len(model.ids) == 50 and model.data(model.index(0, 0))  # drawn before the rest
    section.table.selectRow(7)
    release.set()
    qtbot.waitUntil(lambda: len(model.ids) == 300, timeout=5000)
    assert section.table.currentIndex().row() == 7
    assert model.ids[:50] == search.first_customer_ids(session, 50)


def test_extend_ids_inserts_rows_and_refuses_a_different_list(qtbot, as_role):
    session = as_role(Role.COUNTER)
    ids = search.all_customer_ids(session)
    model = CustomerListModel(session, ids[:50])
    inserted = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    assert model.extend_ids(ids) and inserted == [(50, 299)] and not resets
    assert model.rowCount() == 300
    other = CustomerListModel(session, ids[1:51])
    assert not other.extend_ids(ids) and other.rowCount() == 50
