"""The Identity tab: who the customer is, masked; Reveal (with a reason), Copy, and the
rectification dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.customers.masking import birth_date_in
from app.customers.model import Identity, IdType, RevealField
from app.i18n import _
from app.security import Permission
from ui.customers.common import local
from ui.customers.identity_dialog import RectifyDialog
from ui.customers.reveal import RevealDialog, RevealedValues
from ui.lifetime import delete_on_close
from ui.staff import names_for
from ui.style import TAB_MARGINS

if TYPE_CHECKING:
    from ui.customers.page import CustomerPage

GENDERS = {"M": lambda: _("Male"), "F": lambda: _("Female")}
VERIFIED = {"original_checked": lambda: _("Original ID document checked")}


def show_birth(label: QLabel, identity: Identity, revealed: RevealedValues) -> None:
    """The birth date is part of the ID number: masked with it, revealed with it."""
    plain = revealed.value(RevealField.ID_NUMBER.value)
    shown = birth_date_in(plain, identity.id_type) if plain else None
    label.setText(shown or identity.birth_date or "—")
    label.setStyleSheet("font-weight: bold;" if shown else "")


def id_type_label(value: str) -> str:
    try:
        return IdType(value).label
    except ValueError:
        return value


class MaskedValue(QWidget):
    """A masked value with Reveal and Copy; the value itself lives in the page's
    RevealedValues, never in this widget for longer than it is shown."""

    def __init__(self, tab: IdentityTab, field: RevealField) -> None:
        super().__init__()
        self.tab, self.field = tab, field
        self.masked = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.value = QLabel()
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setMinimumWidth(220)
        self.reveal_button = QPushButton(_("Reveal"))
        self.reveal_button.setToolTip(_("Show the full value for 30 seconds; asks for a reason, "
                                        "which is logged."))
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setToolTip(_("Copy the value; the clipboard is cleared after 30 "
                                      "seconds."))
        self.shown_hint = QLabel(_("shown for 30 seconds"))
        self.shown_hint.setObjectName("hint")
        self.reveal_button.clicked.connect(lambda: tab.reveal(field))
        self.copy_button.clicked.connect(lambda: tab.copy(field))
        row.addWidget(self.value)
        row.addWidget(self.reveal_button)
        row.addWidget(self.copy_button)
        row.addWidget(self.shown_hint)
        row.addStretch(1)

    def set_masked(self, masked: str, can_reveal: bool) -> None:
        self.masked = masked
        self.reveal_button.setVisible(bool(masked) and can_reveal)
        self.redraw()

    def redraw(self) -> None:
        plain = self.tab.page.revealed.value(self.field.value)
        shown = plain is not None
        self.value.setText(plain if shown else (self.masked or "—"))
        self.value.setStyleSheet("font-weight: bold;" if shown else "")
        self.reveal_button.setEnabled(not shown)
        self.copy_button.setVisible(shown)
        self.shown_hint.setVisible(shown)


class IdentityTab(QWidget):
    def __init__(self, page: CustomerPage) -> None:
        super().__init__()
        self.page = page
        self.session = page.session
        self.identity: Identity | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(8)
        layout.addLayout(self.form)
        self.name = self._label()
        self.id_type = self._label()
        self.birth = self._label()
        self.gender = self._label()
        self.verified = self._label()
        self.created = self._label()
        self.masked = {f: MaskedValue(self, f) for f in (RevealField.ID_NUMBER,
                                                         RevealField.PHONE,
                                                         RevealField.EMAIL,
                                                         RevealField.ADDRESS)}
        for caption, widget in (
            (_("Name:"), self.name), (_("ID type:"), self.id_type),
            (_("ID number:"), self.masked[RevealField.ID_NUMBER]),
            (_("Date of birth:"), self.birth), (_("Gender:"), self.gender),
            (_("Phone:"), self.masked[RevealField.PHONE]),
            (_("Email:"), self.masked[RevealField.EMAIL]),
            (_("Address:"), self.masked[RevealField.ADDRESS]),
            (_("Identity verified:"), self.verified), (_("Record:"), self.created),
        ):
            self.form.addRow(caption, widget)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton(_("Edit identity…"))
        self.edit_button.clicked.connect(self.edit)
        self.edit_button.setVisible(self.session.can(Permission.CUSTOMER_EDIT))
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(1)
        page.revealed.changed.connect(self._revealed_changed)

    @staticmethod
    def _label() -> QLabel:
        label = QLabel()
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def show_identity(self, identity: Identity) -> None:
        self.identity = identity
        self.name.setText(_("{name} ({pinyin})").format(name=identity.name,
                                                        pinyin=identity.name_pinyin)
                          if identity.name_pinyin else identity.name)
        self.id_type.setText(id_type_label(identity.id_type))
        self._redraw_birth()
        self.gender.setText(GENDERS[identity.gender]() if identity.gender in GENDERS else "—")
        how = VERIFIED[identity.verified_how]() if identity.verified_how in VERIFIED \
            else identity.verified_how
        self.verified.setText(_("{how}, by {user} on {time}").format(
            how=how, user=names_for(self.session)(identity.verified_by),
            time=local(identity.verified_at)))
        self.created.setText(_("Created {created}; last changed {updated}").format(
            created=local(identity.created_at), updated=local(identity.updated_at)))
        can_reveal = self.session.can(Permission.CUSTOMER_REVEAL)
        values = {RevealField.ID_NUMBER: identity.id_number, RevealField.PHONE: identity.phone,
                  RevealField.EMAIL: identity.email, RevealField.ADDRESS: identity.address}
        for field, widget in self.masked.items():
            widget.set_masked(values[field], can_reveal)
        self.edit_button.setEnabled(not identity.restricted)
        self.edit_button.setToolTip(
            _("Processing is restricted: a manager must lift the restriction before the "
              "identity can be corrected.") if identity.restricted else
            _("Correct the identity (rectification); the change is logged with the evidence "
              "you saw."))

    def _redraw_birth(self) -> None:
        if self.identity is not None:
            show_birth(self.birth, self.identity, self.page.revealed)

    def _revealed_changed(self, field: str) -> None:
        widget = self.masked.get(RevealField(field))
        if widget is not None:
            widget.redraw()
        if field == RevealField.ID_NUMBER.value:
            self._redraw_birth()

    # -- actions ------------------------------------------------------------------------

    def reveal(self, field: RevealField) -> None:
        dialog = RevealDialog(self.session, self.page.customer_no, field, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._revealed(dialog, field))
        dialog.open()

    def _revealed(self, dialog: RevealDialog, field: RevealField) -> None:
        value, dialog.result_value = dialog.result_value, None
        # A reveal that arrives while the page is hidden (the screen locked meanwhile) is
        # dropped: nothing unmasked may wait behind the lock.
        if isinstance(value, str) and self.page.isVisible():
            self.page.revealed.show(field.value, value)
            self.masked[field].copy_button.setFocus()

    def copy(self, field: RevealField) -> None:
        if self.page.revealed.copy(field.value):
            self.page.say(_("Copied. The clipboard is cleared in 30 seconds."), ok=True)

    def edit(self) -> None:
        if self.identity is None:
            return
        dialog = RectifyDialog(self.session, self.identity, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.page.reload(_("The identity was corrected.")))
        dialog.open()
