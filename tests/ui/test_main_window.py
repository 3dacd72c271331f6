"""The main window: sections by role, the status bar, the registry for later sections."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.security import Permission
from ui import sections
from ui.main_window import MainWindow
from ui.sections import Section


def _window(qtbot, session) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def _titles(window: MainWindow) -> list[str]:
    nav = window.workspace.navigation
    return [nav.item(row).text() for row in range(nav.count())]


def test_admin_sees_accounts_settings_and_integrity_but_no_customers(qtbot, login):
    window = _window(qtbot, login("admin"))
    assert window.workspace.keys() == ["tasks", "users", "security", "integrity", "home"]
    assert _titles(window) == ["Tasks", "Users", "Security settings", "Audit log integrity",
                               "My roles and shortcuts"]
    assert window.workspace.current().objectName() == "section-tasks"
    assert not any("ustomer" in title for title in _titles(window))


def test_counter_sees_home_only(qtbot, login):
    window = _window(qtbot, login("counter"))
    assert window.workspace.keys() == ["home"]
    assert "Users" not in _titles(window)
    home = window.workspace.current()
    texts = " ".join(label.text() for label in home.findChildren(QLabel))
    assert "Counter staff" in texts and "Administrators" not in texts


def test_status_bar_names_the_user_roles_and_database(qtbot, login, db_path):
    window = _window(qtbot, login("manager"))
    assert window.user_label.text() == "User: manager (manager)"
    assert window.roles_label.text() == "Manager"
    assert window.store_label.text() == "This PC: branch.custos"
    assert window.store_label.toolTip() == str(db_path)
    assert window.width() >= 1000


def test_a_later_section_registers_with_its_permission(qtbot, login, monkeypatch):
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    built = []

    def factory(session):
        built.append(session.username)
        return QLabel("customers")

    sections.register(Section("customers", lambda: "Customers", Permission.CUSTOMER_FIND,
                              factory, order=10))
    counter = _window(qtbot, login("counter"))
    assert counter.workspace.keys() == ["customers", "home"]
    assert built == ["counter"]  # counter staff start there: built at once
    assert counter.workspace.current().objectName() == "section-customers"
    assert "home" not in counter.workspace.built  # the others: only when first chosen
    counter.workspace.show_section("home")
    assert "home" in counter.workspace.built
    admin = _window(qtbot, login("admin"))
    assert "customers" not in admin.workspace.keys()


def test_closing_the_window_logs_out(qtbot, login):
    session = login("archive")
    window = _window(qtbot, session)
    window.close()
    assert session.ended
