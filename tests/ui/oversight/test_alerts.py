"""Alerts: raised by app/ as events are written, shown with their evidence, acknowledged
with a note (never without), and the thresholds changed from the dialog."""

from __future__ import annotations

import pytest

from app.oversight.review import alert_thresholds, list_alerts
from ui.oversight.alerts import AlertsSection


@pytest.fixture
def raised(manager, events):
    """31 different customers opened by one clerk within the hour: one alert."""
    return events(manager.db, 31, actor="counter", action="customer.opened",
                  customer_ref=lambda i: f"C{i + 1:09d}", purpose="counter_service")


def test_an_alert_appears_with_its_evidence_and_is_acknowledged_with_a_note(
        manager, raised, shown, wait_workers, qtbot):
    section = shown(AlertsSection(manager))
    assert [a.rule for a in section.alerts] == ["many_customers"]
    assert section.table.rowCount() == 1
    assert section.table.item(0, 1).text() == "counter"
    assert section.table.item(0, 2).text() == \
        "Opened more than 30 different customers within an hour"
    assert section.table.item(0, 3).text() == "31"
    assert section.count.text() == "1 alerts waiting for acknowledgement."
    assert not section.ack_button.isEnabled()  # nothing chosen yet

    section.table.selectRow(0)
    evidence = section.show_evidence()
    assert evidence.model.rowCount() == 31
    shown_seqs = [evidence.model.event_at(r).seq for r in range(31)]
    assert shown_seqs == sorted(raised, reverse=True)
    assert {evidence.model.event_at(r).action for r in range(31)} == {"customer.opened"}
    evidence.reject()

    dialog = section.acknowledge()
    dialog.ok_button.click()  # no note
    wait_workers()
    assert dialog.error.isVisible()
    assert "Write what you found" in dialog.error.text()
    assert list_alerts(manager)  # still open
    dialog.note.setPlainText("Checked with the clerk: a batch of number transfers.")
    dialog.ok_button.click()
    wait_workers()
    qtbot.waitUntil(lambda: section.table.rowCount() == 0)
    assert list_alerts(manager) == []
    assert section.count.text() == "No alert is waiting for acknowledgement."
    assert section.status.text() == "The alert was acknowledged."

    section.show_done.setChecked(True)
    wait_workers()
    assert section.table.rowCount() == 1 and not section.table.isColumnHidden(5)
    assert section.table.item(0, 4).text().endswith(" by manager")
    assert section.table.item(0, 5).text() == \
        "Checked with the clerk: a batch of number transfers."
    section.table.selectRow(0)
    assert section.evidence_button.isEnabled() and not section.ack_button.isEnabled()


def test_thresholds_are_changed_from_the_dialog(manager, shown, wait_workers):
    section = shown(AlertsSection(manager))
    dialog = section.thresholds()
    assert dialog.limits["many_customers"].value() == 30
    assert dialog.start.time().toString("HH:mm") == "08:00"
    dialog.limits["many_customers"].setValue(45)
    dialog.limits["failed_logins"].setValue(3)
    dialog.end.setTime(dialog.end.time().addSecs(3600))
    dialog.ok_button.click()
    wait_workers()
    limits = alert_thresholds(manager)
    assert limits["many_customers"]["limit"] == 45 and limits["failed_logins"]["limit"] == 3
    assert limits["after_hours"] == {"start": "08:00", "end": "21:00"}
    assert "thresholds were saved" in section.status.text()
