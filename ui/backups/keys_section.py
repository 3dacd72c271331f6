"""Keys (administrators): rotate the database key and the customer-data keys, replace the
recovery code; and the offer to rotate after a user was disabled. The same screen serves a
file and the branch server; what a rotation does differs, and is said for each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import CustosError
from app.i18n import _
from app.keys import replace_recovery_code, rotate_data_keys, rotate_key
from app.security import Session
from ui.backups.common import MARGINS, card, status_label
from ui.dialogs import FormDialog, ask, hint_label, show_error, show_info
from ui.first_run import keep_safe_text
from ui.lifetime import delete_on_close
from ui.recovery_sheet import print_sheet, save_as_pdf
from ui.sections.common import section_title, set_status
from ui.worker import Failed, run_in_background


def rotated_sentence(on_server: bool = False) -> str:
    if on_server:
        return _("The database key was rotated at {time}: every slot on the branch server "
                 "holds a new one. Every user logs in with the same password as before.") \
            .format(time=clock.local_text(clock.stamp()))
    return _("The database key was rotated at {time}. Every user logs in with the same "
             "password as before; old copies of the key ring no longer open the database.") \
        .format(time=clock.local_text(clock.stamp()))


def rotate_in_background(session: Session, parent: QWidget | None,
                         on_done: Callable[[str], None], on_error: Failed) -> None:
    run_in_background(parent, lambda _p: rotate_key(session), lambda _r: on_done(
        rotated_sentence(session.db.is_server)), on_error,
        label=_("Rotating the database key…"), show_after_ms=0)


def rotation_warning(session: Session) -> str:
    if session.db.is_server:
        return _("The other PCs of the branch go on working meanwhile; a save may wait a "
                 "moment while a part of the records is re-sealed.")
    return _("Close every other Custos window that has {name} open, on this PC and on others, "
             "before you continue: the database is re-encrypted under a new key.").format(
        name=session.db.path.name)


def offer_rotation(session: Session, parent: QWidget | None) -> None:
    """After a user was disabled: ask, then rotate, and tell the outcome in one sentence.
    On the branch server the disabled login can no longer connect, and only a rotation of
    the customer-data keys (with the recovery code) makes an old copy of its slot useless:
    that is said instead."""
    if session.db.is_server:
        show_info(parent, _("The user can no longer log in to the branch server. If a copy "
                            "of their key slot may have got out, rotate the customer-data "
                            "keys (Keys, with the recovery code)."))
        return
    question = "\n\n".join([
        _("A user was disabled. Rotate the database key now so that old copies of the key "
          "ring stop working?"), rotation_warning(session)])
    ask(parent, question, _("Rotate now"), lambda: rotate_in_background(
        session, parent, lambda sentence: show_info(parent, sentence),
        lambda sentence: show_error(parent, sentence)))


class RecoveryCodeDialog(QDialog):
    """The new code, once: print or save it; Close only after "I have stored it"."""

    def __init__(self, code: str, database_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_text, self.database_name = code, database_name
        self.setWindowTitle(_("New recovery code"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(_("The old recovery code no longer works. This is the new "
                                      "one for {name}; it is shown only once.")
                                    .format(name=database_name)))
        self.code = QLabel(code)
        self.code.setObjectName("recoveryCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code)
        layout.addWidget(hint_label(keep_safe_text()))
        row = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(lambda: print_sheet(self, code, database_name))
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self._save_pdf)
        for button in (self.print_button, self.pdf_button):
            button.setAutoDefault(False)  # Enter is not "print": it closes, once stored
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.stored = QCheckBox(_("I have stored the recovery code safely"))
        layout.addWidget(self.stored)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setEnabled(False)
        self.stored.toggled.connect(self.close_button.setEnabled)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _save_pdf(self) -> None:
        target = save_as_pdf(self, self.code_text, self.database_name, Path.home())
        if target is not None:
            show_info(self, _("The recovery code was saved as {path}. Print it, keep the paper "
                              "safe, and delete the file.").format(path=target))

    def reject(self) -> None:
        if self.stored.isChecked():  # Esc and Close do nothing until the code is stored
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if not self.stored.isChecked():
            event.ignore()
            return
        super().closeEvent(event)


def _intro(session: Session) -> str:
    if session.db.is_server:
        return _("The branch server keeps the key ring: one slot per user, each opened by "
                 "that user's password only, and one more opened by the recovery code. A "
                 "user's login may change only their own slot.")
    return _("The database is encrypted with one key. Each user's password unlocks their own "
             "copy of that key in the key ring beside the database ({ring}); the recovery code "
             "unlocks one more copy.").format(ring=session.db.keyring_path.name)


def _rotation_text(session: Session) -> str:
    if session.db.is_server:
        return _("On the branch server this key encrypts no records (customer data is sealed "
                 "under the customer-data keys below), so nothing is re-encrypted: every "
                 "user's slot gets a new database key, and an old copy of a slot opens only "
                 "the old one. Nobody's password changes. To make old copies open nothing "
                 "written since, rotate the customer-data keys.")
    return _("Rotating re-encrypts the database under a new key and re-seals every user's "
             "copy, so an old copy of the key ring — kept by someone who has left, or taken "
             "from this PC — no longer opens it. Nobody's password changes. Do it after a user "
             "is disabled or when a copy of the key ring may have got out.")


class KeysSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.code_dialog: RecoveryCodeDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Keys")))
        layout.addWidget(hint_label(_intro(session)))

        frame, inner = card(_("Rotate the database key"))
        inner.addWidget(hint_label(_rotation_text(session)))
        row = QHBoxLayout()
        self.rotate_button = QPushButton(_("Rotate the database key…"))
        self.rotate_button.clicked.connect(self.confirm_rotation)
        row.addWidget(self.rotate_button)
        row.addStretch(1)
        inner.addLayout(row)
        self.rotate_status = status_label()
        inner.addWidget(self.rotate_status)
        layout.addWidget(frame)

        frame, inner = card(_("Rotate the customer-data keys"))
        inner.addWidget(hint_label(_(
            "Customer data is sealed once more under keys only the roles that read it hold "
            "(administrators hold none). Rotating makes new keys and re-seals every field and "
            "search token under them, so a copy of an old slot opens nothing written since. "
            "It needs the recovery code, which holds every key; an interrupted rotation goes "
            "on when it is started again.")))
        row = QHBoxLayout()
        self.data_button = QPushButton(_("Rotate the customer-data keys…"))
        self.data_button.clicked.connect(self.rotate_data)
        row.addWidget(self.data_button)
        row.addStretch(1)
        inner.addLayout(row)
        self.data_status = status_label()
        inner.addWidget(self.data_status)
        layout.addWidget(frame)

        frame, inner = card(_("Replace the recovery code"))
        inner.addWidget(hint_label(_(
            "The recovery code lets an administrator back in when every password is lost. "
            "Replace it when the printed code may have been seen or lost: the old code stops "
            "working at once and the new one is shown only once.")))
        self.current_code = QLineEdit()
        self.current_code.setEchoMode(QLineEdit.EchoMode.Password)
        self.current_code.setPlaceholderText(_("The current code, if you have it"))
        inner.addWidget(hint_label(_(
            "Typed here, the current code hands its customer-data keys on to the new one. "
            "Without it the new code opens the database but no customer data: those keys "
            "then stay with counter staff and managers only.")))
        inner.addWidget(self.current_code)
        row = QHBoxLayout()
        self.replace_button = QPushButton(_("Replace the recovery code…"))
        self.replace_button.clicked.connect(self.confirm_replacement)
        row.addWidget(self.replace_button)
        row.addStretch(1)
        inner.addLayout(row)
        self.replace_status = status_label()
        inner.addWidget(self.replace_status)
        layout.addWidget(frame)
        layout.addStretch(1)

    # -- rotation --------------------------------------------------------------------------

    def confirm_rotation(self) -> None:
        question = _("Rotate the database key now?")
        if not self.session.db.is_server:  # the server's files are not re-encrypted
            question = "\n\n".join([rotation_warning(self.session), question])
        ask(self, question, _("Rotate"), self.rotate)

    def rotate(self) -> None:
        self.rotate_button.setEnabled(False)
        self.rotate_status.hide()
        rotate_in_background(self.session, self, self._rotated, self._rotation_failed)

    def _rotated(self, sentence: str) -> None:
        self.rotate_button.setEnabled(True)
        set_status(self.rotate_status, sentence, ok=True)

    def _rotation_failed(self, sentence: CustosError) -> None:
        self.rotate_button.setEnabled(True)
        set_status(self.rotate_status, sentence, ok=False)

    # -- customer-data keys ----------------------------------------------------------------

    def rotate_data(self) -> None:
        dialog = DataKeyRotationDialog(self.session, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: set_status(self.data_status, _(
            "The customer-data keys were rotated; old copies of the key ring open nothing "
            "written since."), ok=True))
        dialog.open()

    # -- recovery code ---------------------------------------------------------------------

    def confirm_replacement(self) -> None:
        ask(self, _("Replace the recovery code? The current code stops working at once; the "
                    "new one is shown only once, so have the printer or a safe place ready."),
            _("Replace"), self.replace)

    def replace(self) -> None:
        session = self.session
        try:
            current = self.current_code.text().strip() or None
        finally:
            self.current_code.clear()
        self.replace_button.setEnabled(False)
        self.replace_status.hide()
        run_in_background(self, lambda _p: replace_recovery_code(session, current),
                          self._replaced,
                          self._replace_failed, label=_("Replacing the recovery code…"))

    def _replaced(self, code: str) -> None:
        self.replace_button.setEnabled(True)
        dialog = RecoveryCodeDialog(code, self.session.db.path.name, self)
        delete_on_close(dialog)
        # A bound method, not a lambda holding `self`: deleting the dialog must not drop the
        # last reference to its parent while Qt is still destroying it.
        dialog.finished.connect(self._code_stored)
        self.code_dialog = dialog
        dialog.open()

    def _code_stored(self, _result: int = 0) -> None:
        self.code_dialog = None
        set_status(self.replace_status, _("The recovery code was replaced; the old one no "
                                          "longer works."), ok=True)

    def _replace_failed(self, sentence: CustosError) -> None:
        self.replace_button.setEnabled(True)
        set_status(self.replace_status, sentence, ok=False)


class DataKeyRotationDialog(FormDialog):
    """The recovery code, asked for the rotation of the customer-data keys."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Rotate the customer-data keys"), parent, ok_text=_("Rotate"))
        self.session = session
        self.set_intro(rotation_warning(session))
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.secrets = [self.code]
        self.form.addRow(_("Recovery code:"), self.code)

    def working_label(self) -> str:
        return _("Re-sealing customer data under new keys…")

    def prepare(self) -> Callable[[], Any]:
        session = self.session
        try:
            code = self.code.text()
        finally:
            self.code.clear()
        return lambda: rotate_data_keys(session, code)
