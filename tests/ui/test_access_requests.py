"""Access to customer data, on screen: the manager's Access requests page and its Approve
button, the administrator's "access pending" and approval with the recovery code, the
banner of an account that waits, and the login's progress through the sealing pass."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import accounts
from app.accounts.access import pending_accounts
from app.accounts.login import load_ring
from app.customers.editing import NewCustomer, create_customer
from app.demo import sign_confidentiality
from app.security import Role
from app.store import sealing
from app.store.fields import pending_sentence
from app.store.keyring import FLOOR
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.sections import register_capabilities, sections_for
from ui.sections.access import AccessRequestsSection, RecoveryApprovalDialog
from ui.sections.users import UsersSection

from .conftest import PASSWORDS

SEALED = sealing.ENABLED


@pytest.fixture
def capabilities(monkeypatch):
    """Every capability's sections, in a copy of the registry this test alone changes."""
    from ui import sections

    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    register_capabilities()


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def _add_clerk(login, name: str = "zoe", role: Role = Role.COUNTER,
               own_password: bool = True) -> None:
    admin = login(Role.ADMIN)
    accounts.add_user(admin, name, [role], "temporary-password", display_name="周一")
    sign_confidentiality(admin, name)
    if own_password:
        _choose_own_password(admin.db.path, name)


def _choose_own_password(path: Path, name: str) -> None:
    """A manager approves only an account that chose its own password."""
    own = accounts.login(path, name, "temporary-password")
    accounts.change_own_password(own, "temporary-password", f"{name}-own-password-1")
    accounts.logout(own)


def test_the_manager_approves_with_the_real_button(qtbot, login, wait_workers):
    _add_clerk(login)
    manager = login(Role.MANAGER)
    section = AccessRequestsSection(manager)
    qtbot.addWidget(section)
    section.show()
    if not SEALED:  # nothing is sealed, so nobody waits
        assert section.table.rowCount() == 0 and section.empty.isVisible()
        assert not section.approve_button.isEnabled()
        return
    assert _column(section.table, 0) == ["zoe"]
    assert _column(section.table, 2) == ["Counter staff"]
    assert _column(section.table, 3) == ["identity and records, names"]
    assert section.approve_button.isEnabled() and not section.empty.isVisible()
    qtbot.mouseClick(section.approve_button, Qt.MouseButton.LeftButton)
    wait_workers()
    assert section.table.rowCount() == 0 and section.empty.isVisible()
    assert "zoe" in section.status.text() and section.status.objectName() == "success"
    assert load_ring(manager.db.path).domains_of("zoe") == {"names", "identity"}
    assert pending_accounts(manager) == []


def test_the_administrator_sees_who_waits(qtbot, login):
    _add_clerk(login, own_password=False)
    admin = login(Role.ADMIN)
    section = UsersSection(admin)
    qtbot.addWidget(section)
    section.show()
    status = dict(zip(_column(section.table, 0), _column(section.table, 3), strict=True))
    if not SEALED:
        assert status["zoe"] == "Must change password" and section.pending_hint.isHidden()
        return
    assert status["zoe"] == "Must change password; access pending"
    assert status["counter"] == "Account active"
    assert "manager" in section.pending_hint.text() and not section.pending_hint.isHidden()
    section.table.selectRow(_column(section.table, 0).index("counter"))
    assert not section.recovery_button.isEnabled()
    section.table.selectRow(_column(section.table, 0).index("zoe"))
    assert not section.recovery_button.isEnabled()  # a manager approves a counter clerk


@pytest.fixture
def new_database(tmp_path: Path):
    """A new database: only its administrator, and the recovery code printed for it."""
    created = accounts.create_database(tmp_path / "new.custos", "boss", "boss-password-1",
                                       kdf=FLOOR)
    return created


def test_the_first_manager_is_approved_with_the_recovery_code(qtbot, new_database, sessions,
                                                              wait_workers):
    admin = accounts.login(new_database.path, "boss", "boss-password-1")
    sessions.append(admin)
    accounts.add_user(admin, "mia", [Role.MANAGER], "temporary-password")
    _choose_own_password(new_database.path, "mia")
    section = UsersSection(admin)
    qtbot.addWidget(section)
    section.show()
    section.table.selectRow(_column(section.table, 0).index("mia"))
    if not SEALED:
        assert not section.recovery_button.isEnabled()
        return
    qtbot.mouseClick(section.recovery_button, Qt.MouseButton.LeftButton)
    dialog = section.findChild(RecoveryApprovalDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.code.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.code.text() == ""  # cleared as soon as it was read
    wait_workers()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "Traceback" not in dialog.error.text()
    dialog.code.setText(new_database.recovery_code)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_workers()  # refused: no signed confidentiality agreement, and the form is offered
    assert dialog.isVisible() and "custos staff agreement mia" in dialog.error.text()
    assert "mia" in section.status.text() and section.agreement_offer.isVisible()
    dialog.reject()
    signed = new_database.path.parent / "mia.pdf"
    signed.write_bytes(b"signed by mia")
    qtbot.mouseClick(section.agreement_offer, Qt.MouseButton.LeftButton)
    form = section.agreement_offer.dialog
    assert form is not None and form.person.currentData() == "mia"
    form.file.setText(str(signed))
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_workers()
    assert not section.agreement_offer.isVisible()  # the form closed (and is gone)
    assert "agreement of mia was recorded" in section.status.text()
    row = _column(section.table, 0).index("mia")
    assert section.table.item(row, 6).text() == date.today().isoformat()  # Agreement signed
    qtbot.mouseClick(section.recovery_button, Qt.MouseButton.LeftButton)
    dialog = [d for d in section.findChildren(RecoveryApprovalDialog) if d.isVisible()][0]
    dialog.code.setText(new_database.recovery_code)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.code.text() == ""
    wait_workers()
    qtbot.waitUntil(lambda: "mia" in section.status.text() and "read" in
                    section.status.text())
    assert load_ring(new_database.path).domains_of("mia") == {"names", "identity"}
    row = _column(section.table, 0).index("mia")
    assert section.table.item(row, 3).text() == "Account active"
    assert section.pending_hint.isHidden()


def test_a_waiting_account_sees_one_sentence_not_a_trace(qtbot, login, db_path, sessions,
                                                         wait_workers, capabilities):
    """Every section of a waiting counter clerk builds; the banner says why it sees no
    customer; whatever a section asks of the services ends in that sentence."""
    _add_clerk(login, own_password=False)
    zoe = accounts.login(db_path, "zoe", "temporary-password")
    sessions.append(zoe)
    zoe.must_change_password = False  # the forced change is the flow's, not this test's
    window = MainWindow(zoe)
    qtbot.addWidget(window)
    window.show()
    banner = window.workspace.banner
    if not SEALED:
        assert banner is None
        return
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith(pending_sentence())
    logs = Path(os.environ["CUSTOS_LOG_DIR"])
    before = set(logs.rglob("*"))
    for key in window.workspace.keys():
        window.workspace.show_section(key)
        wait_workers()
    assert set(logs.rglob("*")) == before  # no crash report: no section failed unexpectedly


def test_the_manager_has_an_access_requests_page(login, capabilities):
    keys = [s.key for s in sections_for(login(Role.MANAGER))]
    assert "access" in keys
    assert "access" not in [s.key for s in sections_for(login(Role.ADMIN))]
    assert "access" not in [s.key for s in sections_for(login(Role.COUNTER))]


def test_the_login_shows_the_sealing_pass(qtbot, tmp_path, monkeypatch, wait_workers):
    """An upgraded database: the first login of a clerk holding the keys seals it, and
    the login dialog says how far it got."""
    from tests.conftest import make_database

    monkeypatch.setattr(sealing, "ENABLED", False)
    path = make_database(tmp_path / "old.custos")
    counter = accounts.login(path, "counter", PASSWORDS[Role.COUNTER])
    try:
        create_customer(counter, NewCustomer(
            name="王芳", id_type="resident_id", id_number="11010519491231002X",
            phone="13912345670", original_checked=True, consents={"contract": True}))
    finally:
        accounts.logout(counter)
    monkeypatch.setattr(sealing, "ENABLED", True)
    seen: list[tuple[int, int]] = []
    dialog = LoginDialog(path, allow_other_database=False)
    qtbot.addWidget(dialog)
    real = dialog._sealing
    monkeypatch.setattr(dialog, "_sealing", lambda d, t: (seen.append((d, t)), real(d, t)))
    dialog.show()
    dialog.username.setText("counter")
    dialog.password.setText(PASSWORDS[Role.COUNTER])
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=10_000)
    try:
        assert sealing.is_done(dialog.session.db)
        assert seen and seen[-1][0] == seen[-1][1]
        assert "Sealing customer data" in dialog.progress.text()
        assert dialog.progress.isHidden()  # gone once logged in
    finally:
        accounts.logout(dialog.session)
