"""Restoring a backup: its manifest, the database name typed to confirm, the administrator's
own password; then the session ends, the backup replaces the database (the current one is
kept aside) and the program returns to the login.

OK first runs `check_restore` while still logged in — the password, a backup of this
database, the restore test — so a wrong password, another database's backup or a damaged file
changes nothing. Only then is the session ended — the database files must be closed before
they are moved — and `app.backup.restoring.restore` runs, which checks all of it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QMessageBox, QWidget

from app import clock
from app.accounts import logout
from app.backup.archive_file import Manifest, one_line
from app.backup.restoring import check_restore, restore
from app.errors import CustosError, StoreError, ValidationError
from app.i18n import _
from app.security import Session
from ui.backups.common import card
from ui.dialogs import FormDialog, hint_label, password_field, show_error, show_info
from ui.worker import run_in_background


def _value(text: str) -> QLabel:
    label = QLabel(one_line(text))  # from a file someone may have edited: plain, one line
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RestoreDialog(FormDialog):
    """Accepted once the typed name matches and `check_restore` passed with the logged-in
    administrator's password; `take_credentials()` then hands username and password over,
    once."""

    def __init__(self, session: Session, path: Path, manifest: Manifest,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Restore a backup"), parent, ok_text=_("Restore"))
        self.setMinimumWidth(640)
        self.session, self.path, self.manifest = session, Path(path), manifest
        self._credentials: tuple[str, str] | None = None
        name = session.db.path.name
        self.set_intro(_("Restoring replaces the database {name} with this backup. The "
                         "current database is kept aside in its folder, not deleted. Everyone "
                         "must log in again afterwards, with the passwords in force when the "
                         "backup was taken.").format(name=name))
        m = manifest
        rows = sum(m.row_counts.values())
        frame, inner = card(_("The backup"))
        facts = QFormLayout()
        facts.setHorizontalSpacing(16)
        for label, text in (
                (_("Backup file:"), self.path.name),
                (_("Folder:"), str(self.path.parent)),
                (_("Created:"), _("{time} by {user}").format(
                    time=clock.local_text(m.created_at), user=m.created_by)),
                (_("Database:"), m.source_name),
                (_("Program and schema version:"), _("{program} / schema {schema}").format(
                    program=m.program_version, schema=m.schema_version)),
                (_("Contents:"), _("{tables} tables, {rows} rows, {events} audit events")
                 .format(tables=len(m.row_counts), rows=rows, events=m.audit_events)),
                (_("Audit chain head:"), m.audit_head[:16])):
            facts.addRow(label, _value(text))
        inner.addLayout(facts)
        self.form.addRow(frame)
        if m.db_id != session.db.db_id:
            warning = hint_label(_("This backup is of another database ({source}); it cannot "
                                   "be restored over {name}.").format(
                source=one_line(m.source_name), name=name))
            warning.setObjectName("error")
            self.form.addRow(warning)
        self.typed = QLineEdit()
        self.typed.setPlaceholderText(name)
        self.form.addRow(_("Type {name} to confirm:").format(name=name), self.typed)
        self.password = password_field()
        self.secrets = [self.password]
        self.form.addRow(_("Your password:"), self.password)
        self.password.setFocus()
        if m.db_id != session.db.db_id:
            # Nothing to confirm: the service would refuse it (and record the attempt).
            for widget in (self.typed, self.password, self.ok_button):
                widget.setEnabled(False)

    def show_error(self, error: str | CustosError) -> None:
        super().show_error(error)
        self.adjustSize()  # the sentence needs room: grow rather than squeeze the facts

    def working_label(self) -> str:
        return _("Testing the backup before restoring it…")

    def prepare(self) -> Callable[[], Any]:
        name = self.session.db.path.name
        if self.typed.text().strip() != name:
            raise ValidationError(_("Type the database file name {name} exactly to confirm.")
                                  .format(name=name), field="name")
        password = self.password.text()
        if not password:
            raise ValidationError(_("Enter your password."), field="password")
        path, session, username = self.path, self.session, self.session.username

        def test() -> None:
            report = check_restore(session, path, password)
            if not report.ok:
                raise StoreError(report.sentence)
            self._credentials = (username, password)

        return test

    def take_credentials(self) -> tuple[str, str] | None:
        credentials, self._credentials = self._credentials, None
        return credentials

    def reject(self) -> None:
        self._credentials = None
        super().reject()


# A message without a parent window lives only as long as a reference to it.
_notices: set[QMessageBox] = set()


def _keep(box: QMessageBox) -> None:
    _notices.add(box)
    box.finished.connect(lambda _result: _notices.discard(box))


def _main_window(widget: QWidget) -> QWidget | None:
    """The main window holding `widget`, if it is one (it has the flow's logout signal)."""
    window = widget.window()
    return window if hasattr(window, "logout_requested") else None


def run_restore(widget: QWidget, session: Session, path: Path, username: str, password: str,
                on_finished: Callable[[], None] | None = None) -> None:
    """End the session, restore, then ask the flow (through the main window's
    `logout_requested`) to show the login again. `on_finished` is for windows without one."""
    window = _main_window(widget)
    db_path = Path(session.db.path)
    if window is not None and hasattr(window, "end_session"):
        window.end_session()  # timers stopped, logged out, files closed; idempotent
    else:
        logout(session)

    def back_to_login() -> None:
        if window is not None:
            window.logout_requested.emit()
        if on_finished is not None:
            on_finished()

    def done(aside: Path | None) -> None:
        # The main window goes away now; the message stands on its own over the login.
        _keep(show_info(None, _("The backup was restored. The previous database was kept in "
                          "{folder}. Please log in again.").format(folder=aside)))
        back_to_login()

    def failed(error: CustosError) -> None:
        _keep(show_error(None, _("The backup was not restored: {problem}").format(
            problem=error)))
        back_to_login()

    run_in_background(widget, lambda _p: restore(path, db_path, username, password), done,
                      failed, label=_("Restoring the backup…"), show_after_ms=0)
