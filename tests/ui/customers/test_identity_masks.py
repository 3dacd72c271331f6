"""What the identity tab and the new-case dialog show: the birth date masked with the ID
number and revealed with it; service numbers masked like phones."""

from __future__ import annotations

import re

from app.customers.model import RevealField
from app.customers.search import all_customer_ids, summaries
from app.security import Role
from ui.customers.case_dialogs import NewCaseDialog
from ui.customers.reveal import RevealDialog


def _resident_customer(session) -> str:
    """A person whose ID is a resident ID (its mask keeps the six-digit region)."""
    return next(s.customer_no for s in summaries(session, all_customer_ids(session))
                if re.fullmatch(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]", s.id_masked)
                and s.status == "active" and not s.restricted)


def test_reveal_of_the_id_reveals_the_birth_date_too(qtbot, as_role, customers_section,
                                                      open_record) -> None:
    session = as_role(Role.MANAGER)
    section = customers_section(session, show_ms=60_000)
    page = open_record(section, _resident_customer(session))
    tab = page.identity_tab
    assert tab.birth.text() == "****-**-**"
    tab.masked[RevealField.ID_NUMBER].reveal_button.click()
    reveal = page.findChild(RevealDialog)
    reveal.reason.setText("customer asks to check the record")
    reveal.ok_button.click()
    id_row = tab.masked[RevealField.ID_NUMBER]
    qtbot.waitUntil(lambda: "*" not in id_row.value.text())
    plain = id_row.value.text()
    assert tab.birth.text() == f"{plain[6:10]}-{plain[10:12]}-{plain[12:14]}"
    page.revealed.clear()  # the timer, the lock or leaving the page: masked again together
    assert "*" in id_row.value.text() and tab.birth.text() == "****-**-**"


def test_service_numbers_are_masked_on_the_page_and_in_the_case_dialog(
        qtbot, as_role, customers_section, open_record) -> None:
    session = as_role(Role.COUNTER)
    section = customers_section(session)
    page = open_record(section, _resident_customer(session))
    services = page.services_tab.services
    assert services
    table = page.services_tab.table
    shown = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert all(s.service_no not in shown for s in services if s.kind != "broadband")
    assert all("*" in text for text in shown)
    dialog = NewCaseDialog(session, page.customer_no, services)
    qtbot.addWidget(dialog)
    items = [dialog.service.itemText(i) for i in range(dialog.service.count())]
    assert not any(s.service_no in items for s in services)
    assert all(dialog.service.itemData(i) in {"", *(s.service_no for s in services)}
               for i in range(dialog.service.count()))
