"""The dashboard shows what app/ counts, turns old backups red and opens the lists."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.oversight.dashboard import dashboard
from app.settings import LAST_BACKUP, LAST_VERIFIED, record_value
from ui.main_window import MainWindow
from ui.oversight import register_sections
from ui.oversight.charts import nice_top
from ui.oversight.common import age_text
from ui.oversight.dashboard import DashboardSection
from ui.style import unbroken


def test_tiles_show_the_numbers_dashboard_returns(manager, shown, events):
    events(manager.db, 31, actor="counter", action="customer.opened",
           customer_ref=lambda i: f"C{i + 1:09d}", purpose="counter_service")
    section = shown(DashboardSection(manager))
    assert section.figures is not None
    expected = dashboard(manager)
    value = {key: tile.value.text() for key, tile in section.tiles.items()}
    assert value["cases_open"] == str(sum(expected.cases_open.values())) != "0"
    assert value["cases_overdue"] == str(sum(expected.cases_overdue.values()))
    assert value["alerts"] == str(expected.alerts_open) == "1"
    assert value["erasures"] == str(expected.erasures_awaiting)
    assert value["requests_open"] == str(expected.requests["open"])
    assert value["requests_week"] == str(expected.requests["due_this_week"])
    assert value["requests_overdue"] == str(expected.requests["overdue"])
    assert value["files_on_loan"] == str(expected.files["on_loan"]) != "0"
    assert value["files_overdue"] == str(expected.files["overdue"])
    assert value["files_awaiting"] == str(expected.files["awaiting_approval"])
    # the breakdown by kind names each kind with its count
    fault = expected.cases_open.get("fault", 0)
    detail = section.tiles["cases_open"].detail.text()  # each kind kept on one line
    assert unbroken(f"Fault report {fault}") in detail
    assert section.tiles["alerts"].value.property("alarm") is True
    assert section.cases_chart.months == list(expected.cases_per_month)
    assert section.cases_chart.totals() == [sum(m.values())
                                            for m in expected.cases_per_month.values()]
    assert not section.cases_chart.grab().isNull()
    assert not section.turnaround_chart.grab().isNull()


def test_backups_are_red_when_older_than_a_day_or_eight_days(manager, shown):
    now = clock.now_utc()
    with manager.db.write() as conn:
        record_value(conn, LAST_BACKUP, f"{clock.stamp(now - timedelta(hours=30))}|b.bak")
        record_value(conn, LAST_VERIFIED, f"{clock.stamp(now - timedelta(days=3))}|v.bak")
    section = shown(DashboardSection(manager))
    backup, verified = section.tiles["backup"], section.tiles["verified"]
    assert backup.value.text() == "1 d ago" and backup.value.property("alarm") is True
    assert "b.bak" in backup.toolTip()
    assert verified.value.text() == "3 d ago" and verified.value.property("alarm") is False


def test_no_backup_on_record_is_red(manager, shown):
    section = shown(DashboardSection(manager))
    tile = section.tiles["backup"]
    assert tile.value.text() == "never" and tile.value.property("alarm") is True
    assert tile.detail.text() == "No backup on record"


def test_refresh_reads_the_figures_again(manager, shown, events, wait_workers):
    section = shown(DashboardSection(manager))
    assert section.tiles["alerts"].value.text() == "0"
    events(manager.db, 1, actor="counter", action="customer.opened", customer_ref="C1",
           purpose="other: curious")
    section.refresh_button.click()
    wait_workers()
    assert section.tiles["alerts"].value.text() == "1"


def test_a_tile_opens_its_list_in_the_main_window(qtbot, manager, registry, wait_workers):
    from ui.customers import register_sections as customer_sections

    customer_sections()
    register_sections()
    window = MainWindow(manager, idle_interval_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    section = window.workspace.show_section("dashboard")
    wait_workers()
    opened: list[str] = []
    section.open_list.connect(opened.append)
    assert section.tiles["alerts"].property("clickable") is True
    assert section.tiles["backup"].property("clickable") is False  # admins' business
    section.go("alerts")
    assert window.workspace.current() is window.workspace.built["alerts"]
    section.go("cases_overdue")
    cases = window.workspace.current()
    assert cases is window.workspace.built["cases"]
    assert cases.overdue.isChecked() and not cases.mine.isChecked()
    assert opened == ["alerts", "cases_overdue"]
    wait_workers()


def test_ages_and_axis_tops():
    now = clock.now_utc()
    assert age_text("")[0] == "never"
    assert age_text(clock.stamp(now - timedelta(minutes=5)), now)[0] == "less than an hour ago"
    assert age_text(clock.stamp(now - timedelta(hours=5)), now)[0] == "5 h ago"
    text, days = age_text(clock.stamp(now - timedelta(days=9, hours=1)), now)
    assert text == "9 d ago" and 9 < days < 9.1
    assert [nice_top(v) for v in (0, 3, 5, 9, 27, 44, 130, 1000)] == \
        [4, 4, 8, 12, 32, 60, 160, 1000]
