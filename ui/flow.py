"""From start-up to the main window and back: demo, first run, login, forced password change,
log out, and switching to another user after a lock.

Holds at most one main window and its session; when nothing is left to show it emits
`finished` and the application quits.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.accounts import logout
from app.demo import create_demo
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui import places
from ui.dialogs import ChangePasswordDialog, show_error
from ui.lifetime import delete_later, delete_on_close
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.wizard import FirstRunWizard
from ui.worker import run_in_background


class SessionFlow(QObject):
    finished = Signal()

    def __init__(self, demo: bool = False, idle_interval_ms: int | None = None) -> None:
        super().__init__()
        self.demo = demo
        self.idle_interval_ms = idle_interval_ms
        self.window: MainWindow | None = None
        self.dialog: QWidget | None = None  # the login, wizard or forced-change dialog up now

    # -- start --------------------------------------------------------------------------

    def start(self, db_path: Path | str | None = None) -> None:
        """`db_path`: a file, or a branch server's address (text)."""
        if self.demo:
            self._prepare_demo()
            return
        path = places.as_database(db_path) if db_path else places.last_database()
        if path is not None:
            self.show_login(path)
        else:
            self.show_wizard()

    def _prepare_demo(self) -> None:
        path = places.demo_database_path()
        if path.exists():
            self.show_login(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        run_in_background(None, lambda _p: create_demo(path), lambda _r: self.show_login(path),
                          self._cannot_continue, label=_("Preparing the demo database…"))

    def _cannot_continue(self, sentence: CustosError) -> None:
        box = show_error(None, sentence)
        box.finished.connect(lambda _result: self.finished.emit())

    def _show(self, dialog: QWidget) -> None:
        delete_on_close(dialog)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def show_wizard(self) -> None:
        wizard = FirstRunWizard()
        wizard.accepted.connect(lambda: self._set_up(wizard.plan))
        # Without a database the login dialog still offers to open or create one.
        wizard.rejected.connect(lambda: self.show_login(None))
        self._show(wizard)

    def _set_up(self, plan) -> None:
        if plan.server is not None:
            self.show_login(plan.server)  # joined: the accounts are the server's
        else:
            self.show_login(plan.created.path, plan.admin)

    def show_login(self, path: Path | str | None, username: str = "") -> None:
        dialog = LoginDialog(path, demo=self.demo, allow_other_database=not self.demo)
        if username:
            dialog.username.setText(username)
            dialog.password.setFocus()
        dialog.accepted.connect(lambda: self._logged_in(dialog))
        dialog.rejected.connect(self.finished)
        self._show(dialog)

    def _logged_in(self, dialog: LoginDialog) -> None:
        if not self.demo and dialog.db_path is not None:
            places.remember(database=dialog.db_path)
        if dialog.session is not None:
            self.begin(dialog.session)

    # -- a session ----------------------------------------------------------------------

    def begin(self, session: Session) -> None:
        """A fresh session: its forced password change first, then the main window."""
        if not session.must_change_password:
            self.open_main(session)
            return
        dialog = ChangePasswordDialog(session, forced=True)
        dialog.accepted.connect(lambda: self.open_main(session))
        dialog.rejected.connect(lambda: self._abandon(session))
        self._show(dialog)

    def _abandon(self, session: Session) -> None:
        path = session.db.path  # a file's Path, or a server's address
        logout(session)
        self.show_login(path)

    def open_main(self, session: Session) -> MainWindow:
        window = MainWindow(session, demo=self.demo, idle_interval_ms=self.idle_interval_ms)
        window.logout_requested.connect(lambda: self._log_out(window))
        window.switch_requested.connect(lambda new: self._switch(window, new))
        window.closed.connect(lambda: self._closed(window))
        self.window = window
        self.dialog = None
        window.show()
        for notice in session.notices:  # e.g. a database older than one opened before
            show_error(window, notice)
        return window

    def _retire(self, window: MainWindow) -> None:
        if self.window is window:
            self.window = None
        window.end_session()
        window.close()
        delete_later(window)

    def _switch(self, old: MainWindow, new_session: Session) -> None:
        self._retire(old)
        self.begin(new_session)

    def _log_out(self, window: MainWindow) -> None:
        path = window.session.db.path
        self._retire(window)
        self.show_login(path)

    def _closed(self, window: MainWindow) -> None:
        if self.window is window:
            self.window = None
            self.finished.emit()

    def shutdown(self) -> None:
        """Log out whatever session is still open (the application is quitting)."""
        if self.window is not None:
            self.window.end_session()
