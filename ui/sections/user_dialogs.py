"""The administrator's account dialogs: add a user, change roles, set a temporary password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QWidget

from app.accounts import UserInfo, add_user, enable_user, reset_password, set_roles
from app.i18n import _
from app.security import Role, Session
from ui.dialogs import FormDialog, hint_label, password_field, typed_twice


class RoleChoice(QWidget):
    """One checkbox per role, in the matrix's order."""

    def __init__(self, chosen: frozenset[Role] = frozenset(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            box = QCheckBox(role.label)
            box.setChecked(role in chosen)
            self.boxes[role] = box
            row.addWidget(box)
        row.addStretch(1)

    def roles(self) -> list[Role]:
        # An empty choice goes to app/, which says "Choose at least one role."
        return [role for role, box in self.boxes.items() if box.isChecked()]


class AddUserDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Add user"), parent, ok_text=_("Add user"))
        self.session = session
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.roles = RoleChoice()
        self.password = password_field()
        self.again = password_field()
        self.secrets = [self.password, self.again]
        self.form.addRow(_("Username:"), self.username)
        self.form.addRow(_("Display name:"), self.display_name)
        self.form.addRow(_("Roles:"), self.roles)
        self.form.addRow(_("Temporary password:"), self.password)
        self.form.addRow(_("Temporary password again:"), self.again)
        self.add_policy()
        self.form.addRow(hint_label(_("The new user must choose their own password at first "
                                      "login.")))

    def prepare(self) -> Callable[[], Any]:
        session, username = self.session, self.username.text()
        display_name, roles = self.display_name.text(), self.roles.roles()
        password = typed_twice(self.password, self.again)
        return lambda: add_user(session, username, roles, password, display_name=display_name)


class RolesDialog(FormDialog):
    def __init__(self, session: Session, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("Roles of {user}").format(user=user.username), parent)
        self.session, self.user = session, user
        self.roles = RoleChoice(user.roles)
        self.form.addRow(_("Roles:"), self.roles)
        self.form.addRow(hint_label(_("The new roles apply from the user's next login.")))

    def prepare(self) -> Callable[[], Any]:
        session, username, roles = self.session, self.user.username, self.roles.roles()
        return lambda: set_roles(session, username, roles)


class TemporaryPasswordDialog(FormDialog):
    """A new temporary password: to re-enable a disabled account, or to reset a forgotten one."""

    def __init__(self, session: Session, user: UserInfo, enable: bool,
                 parent: QWidget | None = None) -> None:
        title = (_("Enable {user}") if enable else _("Reset the password of {user}"))
        super().__init__(title.format(user=user.username), parent,
                         ok_text=_("Enable") if enable else _("Reset password"))
        self.session, self.user, self.enable = session, user, enable
        self.password = password_field()
        self.again = password_field()
        self.secrets = [self.password, self.again]
        self.form.addRow(_("Temporary password:"), self.password)
        self.form.addRow(_("Temporary password again:"), self.again)
        self.add_policy()
        self.form.addRow(hint_label(_("Tell the user this password in person; the user must "
                                      "change it at next login.")))

    def prepare(self) -> Callable[[], Any]:
        session, username = self.session, self.user.username
        password = typed_twice(self.password, self.again)
        if self.enable:
            return lambda: enable_user(session, username, password)
        return lambda: reset_password(session, username, password)
