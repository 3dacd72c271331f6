"""The Retention and Keys sections, and the rotation offered after a user is disabled."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QWidget

from app import accounts
from app.retention.service import list_rules
from app.store.keyring import normalise_recovery_code
from ui.backups import offer_rotation
from ui.backups.keys_section import KeysSection, RecoveryCodeDialog
from ui.backups.retention_section import RetentionSection

from .conftest import ADMIN_PW

CODE = re.compile(r"^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}$")


def _shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(1100, 860)
    widget.show()
    return widget


def _cells(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_dry_run_shows_counts_and_apply_waits_for_it(qtbot, admin, answer_box, wait_workers):
    section = _shown(qtbot, RetentionSection(admin))
    assert _cells(section.rules_table, 0) == [
        "Consumption and payments", "Identity of closed customers", "Closed service cases",
        "Access log"]
    assert _cells(section.rules_table, 1) == ["24 months", "3 years", "3 years", "3 years"]
    assert not section.apply_button.isEnabled()
    assert section.runs_table.rowCount() == 0
    section.today = date(date.today().year + 5, 6, 1)  # every audit event is old by then
    section.dry_button.click()
    wait_workers(20_000)
    assert section.dry_run is not None and not section.dry_run.applied
    assert section.run_table.isVisible()
    counts = dict(zip(_cells(section.run_table, 0), _cells(section.run_table, 2), strict=True))
    assert counts["Consumption and payments"] == "0 deleted"
    assert counts["Identity of closed customers"] == "0 anonymised"
    events = section.dry_run.counts["access_log"]
    assert events > 0 and counts["Access log"] == f"{events} deleted"
    cutoff = section.dry_run.cutoffs["access_log"]
    assert cutoff in _cells(section.run_table, 1)
    assert section.held.text() == "No customer is on legal hold."
    assert section.apply_button.isEnabled()
    assert _cells(section.runs_table, 2) == ["Dry run"]

    section.apply_button.click()
    question = answer_box(section, accept=False)       # Cancel: nothing applied
    assert f"Access log: {events} deleted" in question
    assert _cells(section.runs_table, 2) == ["Dry run"]
    section.apply_button.click()
    answer_box(section, accept=True)
    wait_workers(20_000)
    # The dry run is itself an audit event, so the applied run expires one more.
    assert section.status.text() == \
        f"Retention applied: {events + 1} records deleted or anonymised."
    assert _cells(section.runs_table, 2) == ["Applied", "Dry run"]
    assert not section.apply_button.isEnabled()         # a new dry run first


def test_a_rule_is_changed_with_a_reason(qtbot, admin, wait_workers):
    section = _shown(qtbot, RetentionSection(admin))
    section.rules_table.selectRow(2)
    dialog = section.change_rule()
    dialog.keep.setValue(5)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.ok_button.isEnabled())
    assert dialog.error.text() == "Give the reason for changing a retention rule."
    dialog.reason.setText("Regulator's notice of 2025-03-01")
    dialog.unit.setCurrentIndex(dialog.unit.findData("years"))
    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()
    assert _cells(section.rules_table, 1)[2] == "5 years"
    assert _cells(section.rules_table, 4)[2] == "Regulator's notice of 2025-03-01"
    assert {r.category: r.keep for r in list_rules(admin)}["cases"] == 5
    assert "run a new dry run" in section.status.text()


def test_rotation_keeps_the_admin_logged_in(qtbot, admin, db_path, answer_box, wait_workers):
    section = _shown(qtbot, KeysSection(admin))
    old_key = admin.db.key
    section.rotate_button.click()
    question = answer_box(section, accept=True)
    assert "Close every other Custos window that has branch.custos open" in question
    wait_workers(20_000)
    assert section.rotate_status.text().startswith("The database key was rotated at ")
    assert section.rotate_status.objectName() == "success"
    assert admin.db.key != old_key and not admin.ended
    assert list_rules(admin)                           # the session goes on, new key
    again = accounts.login(db_path, "admin", ADMIN_PW)
    accounts.logout(again)


def test_recovery_code_replaced_and_shown_once(qtbot, admin, db_path, answer_box,
                                               wait_workers):
    section = _shown(qtbot, KeysSection(admin))
    section.replace_button.click()
    answer_box(section, accept=True)
    wait_workers(20_000)
    dialog = section.code_dialog
    assert isinstance(dialog, RecoveryCodeDialog) and dialog.isVisible()
    code = dialog.code.text()
    assert len(code) == 29 and CODE.match(code)
    assert not dialog.close_button.isEnabled()
    dialog.reject()                                    # Esc: not before it is stored
    assert dialog.isVisible()
    dialog.stored.setChecked(True)
    assert dialog.close_button.isEnabled()
    dialog.close_button.click()
    qtbot.waitUntil(lambda: section.code_dialog is None)
    assert section.replace_status.text().startswith(
        "The recovery code was replaced; the old one no longer works.")
    recovered = accounts.recover(db_path, normalise_recovery_code(code), "admin",
                                 "a-new-password-9")
    accounts.logout(recovered)


def test_customer_data_keys_rotated_with_the_recovery_code(qtbot, admin, db_path,
                                                         recovery_code, wait_workers):
    from PySide6.QtWidgets import QApplication

    from app.store.database import keyring_path
    from app.store.keyring import KeyRing
    from ui.backups.keys_section import DataKeyRotationDialog

    section = _shown(qtbot, KeysSection(admin))
    section.data_button.click()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, DataKeyRotationDialog) and w.isVisible())
    dialog.code.setText("WRONG-WRONG-WRONG")
    dialog.ok_button.click()
    wait_workers(20_000)
    qtbot.waitUntil(lambda: dialog.error.text() != "")
    assert "recovery code is not correct" in dialog.error.text()
    assert dialog.code.text() == ""  # cleared after reading
    dialog.code.setText(recovery_code)
    dialog.ok_button.click()
    wait_workers(60_000)
    qtbot.waitUntil(lambda: section.data_status.text() != "", timeout=60_000)
    assert "rotated" in section.data_status.text()
    ring = KeyRing.load(keyring_path(db_path))
    assert max(k.generation for k in ring.open_account("counter", "counter-password")
               .domain_keys) == 2


def test_rotation_offered_after_a_user_is_disabled(qtbot, admin, db_path, answer_box,
                                                   wait_workers):
    parent = _shown(qtbot, QWidget())
    accounts.disable_user(admin, "counter")
    old_key = admin.db.key
    offer_rotation(admin, parent)
    question = answer_box(parent, accept=False)
    assert question.startswith("A user was disabled. Rotate the database key now")
    wait_workers()
    assert admin.db.key == old_key                     # declined: nothing happened
    offer_rotation(admin, parent)
    answer_box(parent, accept=True)
    wait_workers(20_000)
    told = answer_box(parent, accept=True)             # the outcome, one sentence
    assert told.startswith("The database key was rotated at ")
    assert admin.db.key != old_key
    accounts.logout(accounts.login(db_path, "manager", "manager-password"))
