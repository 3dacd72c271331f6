"""The access log: filters narrow the list, the model reads only the pages it shows,
exports write what is listed, and the chain check says intact or where it broke."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from sqlalchemy import func, select

from app.audit_actions import Group
from app.oversight.review import LogFilter, log_rows, search_log
from app.pdfium import LOCK
from app.store import schema
from ui.oversight import access_log
from ui.oversight.access_log import NO_DATE, AccessLogSection, filter_text
from ui.oversight.log_details import INDENT
from ui.oversight.log_model import AuditLogModel


@pytest.fixture
def log(manager, events, shown):
    """A shown section over a log with 40 counter events among the rest."""
    events(manager.db, 40, actor="counter", action="customer.opened",
           customer_ref=lambda i: f"C{(i % 25) + 1:09d}", purpose="counter_service")
    events(manager.db, 3, actor="archive", action="file.viewed")
    section = AccessLogSection(manager)
    section.since.setDate(NO_DATE)
    return shown(section)


def _count(session, **where) -> int:
    ev = schema.audit_event
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(ev).where(
            *[getattr(ev.c, k) == v for k, v in where.items()])).scalar_one()


def test_filter_by_user_narrows_the_rows(log, manager, wait_workers):
    everything = log.model.rowCount()
    assert everything >= 43
    log.user.setEditText("counter")
    log.search_button.click()
    wait_workers()
    assert log.model.rowCount() == _count(manager, actor="counter") == 40
    assert {log.model.event_at(r).actor for r in range(40)} == {"counter"}
    assert log.count.text().startswith("40 events. Filter: User: counter")
    seqs = [log.model.event_at(r).seq for r in range(40)]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    log.action.setCurrentIndex(log.action.findText(Group.CUSTOMERS.label))
    log.customer.setText("c000000003")
    log.search()
    wait_workers()
    assert log.model.rowCount() == 2  # events 2 and 27 opened customer 3
    assert log.model.data(log.model.index(0, 5)) == "C000000003"
    assert log.model.data(log.model.index(0, 6)) == "Counter service"
    log.clear()
    wait_workers()
    assert log.model.rowCount() > everything  # and every search was itself logged


def test_the_lazy_model_fetches_only_the_pages_it_shows(qtbot, manager, events):
    events(manager.db, 1000, actor="counter", action="customer.searched")
    seqs = search_log(manager, LogFilter(actor="counter"))
    asked: list[int] = []

    def fetch(session, chunk):
        asked.append(len(chunk))
        return log_rows(session, chunk)

    model = AuditLogModel(manager, seqs, page_size=50, pages_kept=3, fetch=fetch)
    assert model.rowCount() == 1000 and asked == []  # nothing read before it is drawn
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    qtbot.waitUntil(lambda: bool(model.fetched))
    qtbot.wait(50)
    assert model.fetched == [0] and asked == [50]  # a screenful is inside the first page
    assert model.event_at(0).seq == seqs[0]
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.fetched[-1] == 19)
    assert model.fetched[-1] == 19 and 1 < len(model.fetched) <= 3
    assert model.event_at(999).seq == seqs[999]
    assert len(model.cached_pages) <= 3
    model.event_at(500)
    assert model.fetched[-1] == 10 and len(model.cached_pages) <= 3
    assert max(asked) == 50


def test_export_xlsx_writes_the_listed_rows_and_is_logged(log, manager, tmp_path,
                                                          wait_workers):
    log.user.setEditText("counter")
    log.search()
    wait_workers()
    target = tmp_path / "log.xlsx"
    log.write_xlsx(target)
    wait_workers()
    assert "40 events exported" in log.status.text()
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("No.", "Time", "User", "Action", "Result", "Customer", "Purpose",
                       "Details")
    assert {r[3] for r in rows[1:]} == {"Record opened"} and {r[4] for r in rows[1:]} == {"Done"}
    assert len(rows) == 41 and {r[2] for r in rows[1:]} == {"counter"}
    assert _count(manager, action="export.audit") == 1


def test_export_pdf_prints_the_filter_and_says_when_it_was_cut(log, tmp_path, monkeypatch,
                                                              wait_workers):
    monkeypatch.setattr(access_log, "PDF_ROW_CAP", 10)
    log.user.setEditText("counter")
    log.search()
    wait_workers()
    target = tmp_path / "log.pdf"
    log.write_pdf(target)
    wait_workers()
    assert "10 events exported" in log.status.text()
    with LOCK:
        document = pdfium.PdfDocument(target.read_bytes())
        text = document[0].get_textpage().get_text_range()
        document.close()
    assert "Filter: User: counter" in text
    assert "Only the newest 10 of 40 events are printed" in text
    assert "Record opened" in text and "customer.opened" not in text


def test_verify_integrity_says_intact_with_the_count(log, wait_workers):
    log.verify_button.click()
    wait_workers()
    assert log.report is not None and log.report.intact
    assert log.result.text().startswith(f"Intact: {log.report.count} events, head ")
    assert log.result.objectName() == "success"


def test_verify_integrity_names_the_broken_event_in_red(log, manager, wait_workers):
    with manager.db.write() as conn:  # as an attacker holding the key would
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.execute(schema.audit_event.update().where(schema.audit_event.c.seq == 5)
                     .values(actor="someone-else"))
    log.verify()
    wait_workers()
    assert log.result.text() == "Broken at event 5 (an event was altered)."
    assert log.result.objectName() == "error"


def test_filter_text_names_only_what_was_chosen():
    assert filter_text(LogFilter()) == "Filter: all events"
    assert filter_text(LogFilter(actor="x", purpose="complaint_handling", until="2026-01-31")) \
        == "Filter: User: x, Purpose: Complaint handling, Until: 2026-01-31"


def test_a_clicked_event_reads_in_words_with_the_reveal_reason(manager, events, shown,
                                                              qtbot, wait_workers):
    with manager.db.write() as conn:
        conn.execute(schema.user.update().where(schema.user.c.username == "counter")
                     .values(display_name="王芳"))
    events(manager.db, 1, actor="counter", action="customer.revealed", customer_ref="C000000007",
           purpose="counter_service", detail={"field": "id_number", "reason": "customer asked"})
    log = shown(AccessLogSection(manager))
    log.action.setCurrentIndex(log.action.findText(INDENT + "Masked field shown"))
    log.user.setCurrentIndex(log.user.findText("王芳"))
    log.search_button.click()
    wait_workers()
    assert log.model.rowCount() == 1
    assert [log.model.data(log.model.index(0, c)) for c in (2, 3, 4)] == [
        "王芳", "Masked field shown", "Done"]
    assert "Filter: User: 王芳, Action: Masked field shown" in log.count.text()
    rect = log.table.visualRect(log.model.index(0, 3))
    qtbot.mouseClick(log.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = log.details.text.text()
    assert "王芳 showed the full ID number of customer C000000007." in text
    assert "Reason: customer asked." in text and "Purpose of access: Counter service." in text
    assert "id_number" not in text and "{" not in text


def test_the_action_filter_lists_groups_and_actions_in_words(log):
    items = [log.action.itemText(i) for i in range(log.action.count())]
    assert "Customers" in items and INDENT + "Record opened" in items
    assert not any("." in item.replace("...", "") and " " not in item for item in items)
