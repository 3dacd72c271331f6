"""The register section's small forms: the branch's details, the language of a notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from app.i18n import _, current_language
from app.rights.answers import information_notice
from app.security import Session
from app.settings import branch_details, set_branch_details
from ui.dialogs import FormDialog, hint_label
from ui.rights.common import language_combo


class BranchDetailsDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Branch details"), parent)
        self.session = session
        self.setMinimumWidth(560)
        details = branch_details(session)
        self.name = QLineEdit(details.get("branch_name", ""))
        self.address = QLineEdit(details.get("branch_address", ""))
        self.contact = QLineEdit(details.get("privacy_contact", ""))
        self.contact.setPlaceholderText(_("For example: Data protection officer, phone, email"))
        self.form.addRow(_("Branch name:"), self.name)
        self.form.addRow(_("Address:"), self.address)
        self.form.addRow(_("Data-protection contact:"), self.contact)
        self.form.addRow(hint_label(_("Printed on every information notice and access copy: "
                                      "where customers can ask about their data.")))

    def prepare(self) -> Callable[[], Any]:
        session = self.session
        name, address, contact = self.name.text(), self.address.text(), self.contact.text()
        return lambda: set_branch_details(session, name, address, contact)


class NoticeLanguageDialog(FormDialog):
    """The counter's privacy notice, not tied to a request: choose its language."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Print the information notice"), parent, ok_text=_("Prepare"))
        self.session = session
        self.set_intro(_("A short notice of what is collected, why, for how long, and the "
                         "customer's rights, written from the register."))
        self.language = language_combo(current_language())
        self.form.addRow(_("Language:"), self.language)

    def working_label(self) -> str:
        return _("Preparing the information notice…")

    def prepare(self) -> Callable[[], Any]:
        session, language = self.session, self.language.currentData()
        return lambda: information_notice(session, language)
