"""The Overview tab: first on the page, what is going on with the customer, Reveal with the
birth date."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.customers.model import RevealField
from app.security import Role
from tests.customers.test_overview import busy_customer
from ui.customers.reveal import RevealDialog
from ui.customers.section import CustomersSection


def test_the_overview_of_a_busy_customer(qtbot, login, open_record, wait_workers):
    made = busy_customer(login)
    session = login(Role.COUNTER)
    section = CustomersSection(session)
    section.show_ms = 60_000
    qtbot.addWidget(section)
    section.resize(1200, 760)
    section.show()
    page = open_record(section, made["number"])
    overview = page.overview_tab
    assert page.tabs.currentWidget() is overview and page.tabs.tabText(0) == "Overview"
    assert page.banner.isVisible() and page.hold_note.isVisible()  # above every tab

    cases = overview.cases.body.text()
    assert made["case"] in cases and "Slow broadband at home" in cases and "overdue" in cases
    assert "font-weight" not in cases  # marked in a word and a colour, not shouted
    assert made["request"] in overview.requests.body.text()
    files = overview.files.body.text()
    assert made["file"] in files and "王芳" in files and "counter" not in files
    assert "In force: " in overview.consents.body.text()
    assert overview.services.body.text() != "None"

    id_row = overview.id_number
    masked = id_row.value.text()
    assert "*" in masked and overview.birth.text() == "****-**-**"
    qtbot.mouseClick(id_row.reveal_button, Qt.MouseButton.LeftButton)
    reveal = page.findChild(RevealDialog)
    reveal.reason.setText("customer asks to check the record")
    qtbot.mouseClick(reveal.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "*" not in id_row.value.text())
    plain = id_row.value.text()
    assert overview.birth.text() == f"{plain[6:10]}-{plain[10:12]}-{plain[12:14]}"
    assert page.identity_tab.masked[RevealField.ID_NUMBER].value.text() == plain
    page.revealed.clear()
    assert id_row.value.text() == masked and overview.birth.text() == "****-**-**"
