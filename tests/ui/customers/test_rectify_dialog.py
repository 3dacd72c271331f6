"""The identity dialog offers the customer's open rectification requests and passes the
chosen one to app/, which then counts the correction as that request's answer."""

from __future__ import annotations

import json
import random

from sqlalchemy import select

from app.customers.editing import NewCustomer, create_customer
from app.customers.records import open_customer
from app.rights.model import RequestStatus
from app.rights.requests import complete, get_request, take_request, verify_identity
from app.security import Role
from app.store.schema import audit_event
from app.synthetic import person
from ui.customers.identity_dialog import RectifyDialog


def _customer(session, seed: int = 5) -> str:
    p = person(random.Random(seed))
    return create_customer(session, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))


def _dialog(qtbot, session, customer_no: str) -> RectifyDialog:
    dialog = RectifyDialog(session, open_customer(session, customer_no).identity)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _last_rectified(session) -> dict:
    with session.db.read() as conn:
        detail = conn.execute(select(audit_event.c.detail)
                              .where(audit_event.c.action == "customer.rectified")
                              .order_by(audit_event.c.seq.desc()).limit(1)).scalar_one()
    return json.loads(detail)


def test_the_only_open_request_is_chosen_and_answered(qtbot, login):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    customer_no = _customer(counter)
    number = take_request(counter, "rectification", customer_no, "ID card checked")
    verify_identity(counter, number)
    take_request(counter, "access", customer_no, "ID card checked")  # not offered
    dialog = _dialog(qtbot, counter, customer_no)
    assert [dialog.request.itemData(i) for i in range(dialog.request.count())] == [None, number]
    assert dialog.request.currentData() == number and dialog.request.isEnabled()
    assert dialog.request.currentText().startswith(f"{number} (received ")
    dialog.email.setText("new.address@example.com")
    dialog.evidence.setText("change form signed at the counter")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.result() == RectifyDialog.DialogCode.Accepted)
    assert _last_rectified(counter)["request"] == number
    complete(manager, number)
    assert get_request(manager, number).status == RequestStatus.COMPLETED


def test_with_several_open_requests_none_is_chosen_for_the_clerk(qtbot, login):
    counter = login(Role.COUNTER)
    customer_no = _customer(counter)
    first = take_request(counter, "rectification", customer_no, "ID card checked")
    second = take_request(counter, "rectification", customer_no, "ID card checked")
    verify_identity(counter, first)
    verify_identity(counter, second)
    dialog = _dialog(qtbot, counter, customer_no)
    assert dialog.request.currentData() is None and dialog.request.currentText() == "— none —"
    assert [dialog.request.itemData(i) for i in range(1, 3)] == [first, second]
    dialog.request.setCurrentIndex(2)
    dialog.email.setText("new.address@example.com")
    dialog.evidence.setText("change form signed at the counter")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.result() == RectifyDialog.DialogCode.Accepted)
    assert _last_rectified(counter)["request"] == second


def test_without_open_requests_the_correction_names_none(qtbot, login):
    counter = login(Role.COUNTER)
    customer_no = _customer(counter)
    dialog = _dialog(qtbot, counter, customer_no)
    assert dialog.request.count() == 1 and not dialog.request.isEnabled()
    dialog.email.setText("new.address@example.com")
    dialog.evidence.setText("customer confirmed in person")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.result() == RectifyDialog.DialogCode.Accepted)
    assert "request" not in _last_rectified(counter)


def test_a_save_on_a_copy_changed_meanwhile_is_refused_naming_who(qtbot, login):
    """Two counters with the same customer open: the second save is told who changed it
    and when, in the dialog, and nothing of it is written."""
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    customer_no = _customer(counter, seed=9)
    dialog = _dialog(qtbot, counter, customer_no)  # the counter opens the form first
    other = RectifyDialog(manager, open_customer(manager, customer_no, "management_review").identity)
    qtbot.addWidget(other)
    other.show()
    other.email.setText("first.change@example.com")
    other.evidence.setText("change form signed at the counter")
    other.ok_button.click()
    qtbot.waitUntil(lambda: other.result() == RectifyDialog.DialogCode.Accepted)
    dialog.email.setText("second.change@example.com")
    dialog.evidence.setText("change form signed at the counter")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "changed this record at" in dialog.error.text()
    assert dialog.result() != RectifyDialog.DialogCode.Accepted
    assert open_customer(manager, customer_no, "management_review").identity.email.startswith("f***")
