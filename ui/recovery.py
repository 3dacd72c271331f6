"""The recovery-code dialog: an administrator gets back in with the code and a new password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QWidget

from app.accounts import recover
from app.i18n import _
from ui.dialogs import FormDialog, password_field, typed_twice
from ui.places import as_database


class RecoveryDialog(FormDialog):
    """On success `result_value` is the administrator's new Session."""

    def __init__(self, db_path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(_("Use recovery code"), parent, ok_text=_("Recover and log in"))
        self.db_path = as_database(db_path)  # a file, or a branch server's address
        self.set_intro(_("Type the recovery code printed when the database was created, the "
                         "username of an administrator, and a new password for that "
                         "administrator."))
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.code.setFont(mono)
        self.admin = QLineEdit()
        self.new = password_field()
        self.again = password_field()
        self.secrets = [self.code, self.new, self.again]
        self.form.addRow(_("Recovery code:"), self.code)
        self.form.addRow(_("Administrator username:"), self.admin)
        self.form.addRow(_("New password:"), self.new)
        self.form.addRow(_("New password again:"), self.again)
        self.add_policy()

    def working_label(self) -> str:
        return _("Checking the recovery code…")

    def prepare(self) -> Callable[[], Any]:
        path, code, admin = self.db_path, self.code.text(), self.admin.text()
        new = typed_twice(self.new, self.again)
        return lambda: recover(path, code, admin, new)
