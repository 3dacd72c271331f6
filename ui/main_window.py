"""The main window: the workspace and the lock page in one stack, menus and the status bar.

It draws one session. Logging out or switching user is the flow's business (ui/flow.py):
the window only asks for it through its signals and ends its own session when closed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QStackedWidget

from app.accounts import logout
from app.i18n import _
from app.security import Session
from app.settings import idle_lock_minutes
from ui import places
from ui.about import show_about
from ui.dialogs import ChangePasswordDialog, show_info
from ui.idle import LOCK_KEY, IdleWatcher
from ui.lifetime import delete_on_close
from ui.lock import LockPage, ScreenLock
from ui.navigation import Workspace
from ui.style import WINDOW_SIZE


class MainWindow(QMainWindow):
    logout_requested = Signal()
    switch_requested = Signal(object)  # the new Session
    closed = Signal()

    def __init__(self, session: Session, demo: bool = False,
                 idle_interval_ms: int | None = None) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(_("Custos — {database}").format(database=session.db.path.name))
        self.resize(*WINDOW_SIZE)

        self.screens = QStackedWidget()
        self.workspace = Workspace(session)
        self.lock_page = LockPage(session)
        self.screens.addWidget(self.workspace)
        self.screens.addWidget(self.lock_page)
        self.setCentralWidget(self.screens)

        self.screen_lock = ScreenLock(self, session, self.lock_page, demo=demo)
        self.screen_lock.switch_requested.connect(self.switch_requested)
        self.idle = IdleWatcher(lambda: idle_lock_minutes(session), self, idle_interval_ms)
        self.idle.idle.connect(lambda: self.screen_lock.lock("idle"))
        self.idle.lock_requested.connect(lambda: self.lock("manual"))
        self.screen_lock.unlocked.connect(self.idle.resume)

        self._build_menus()
        self._build_status_bar()
        self.idle.start()
        # Scheduled backups run while an administrator is logged in (None for other roles).
        from ui.backups import start_scheduler

        self.backup_scheduler = start_scheduler(session, self)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(_("&Account"))
        self.lock_action = QAction(_("Lock"), self)
        self.lock_action.setShortcut(LOCK_KEY)
        self.lock_action.triggered.connect(lambda: self.lock("manual"))
        self.password_action = QAction(_("Change my password…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.logout_action = QAction(_("Log out"), self)
        self.logout_action.triggered.connect(self.logout_requested)
        menu.addAction(self.lock_action)
        menu.addAction(self.password_action)
        from ui.compliance.report_incident import add_report_action

        self.report_action = add_report_action(self, menu, self.session)
        menu.addSeparator()
        menu.addAction(self.logout_action)
        # Window-wide, so the shortcut works wherever the focus is.
        self.addAction(self.lock_action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        self.about_action = QAction(_("About Custos"), self)
        self.about_action.triggered.connect(lambda: show_about(self))
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.setContentsMargins(0, 0, 8, 0)  # the Lock button clear of the window's edge
        s = self.session
        self.user_label = QLabel(_("User: {display_name} ({username})")
                                 .format(display_name=s.display_name, username=s.username))
        self.roles_label = QLabel(s.role_names)
        self.store_label = QLabel(places.describe(s.db.path))  # this PC, or the server
        self.store_label.setToolTip(str(s.db.path))
        self.store_label.setObjectName("hint")
        self.lock_button = QPushButton(_("Lock"))
        self.lock_button.setToolTip(_("Lock the screen (Ctrl+L)"))
        self.lock_button.clicked.connect(lambda: self.lock("manual"))
        bar.addWidget(self.user_label)
        bar.addWidget(self.roles_label)
        bar.addWidget(self.store_label, 1)
        bar.addPermanentWidget(self.lock_button)

    # -- locking ------------------------------------------------------------------------

    def lock(self, reason: str = "manual") -> None:
        self.idle.pause()
        self.screen_lock.lock(reason)

    @property
    def is_locked(self) -> bool:
        return self.screen_lock.is_locked

    def show_lock_page(self) -> None:
        """Called by ScreenLock: nothing of the sections stays on screen."""
        self.idle.pause()
        self.screens.setCurrentWidget(self.lock_page)
        self.workspace.hide()
        self.menuBar().setEnabled(False)
        self.lock_action.setEnabled(False)
        self.lock_button.setEnabled(False)

    def show_sections(self) -> None:
        self.workspace.show()
        self.screens.setCurrentWidget(self.workspace)
        self.menuBar().setEnabled(True)
        self.lock_action.setEnabled(True)
        self.lock_button.setEnabled(True)

    # -- own account --------------------------------------------------------------------

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.session, parent=self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: show_info(self, _("Your password was changed.")))
        dialog.open()

    def end_session(self) -> None:
        """Stop the timers and log out; idempotent."""
        self.idle.stop()
        self.screen_lock.release()
        logout(self.session)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        from ui.backups import backup_on_close

        # A day-old backup is brought up to date first; the window closes when it is done.
        if not self.session.ended and backup_on_close(self.session, self,
                                                      on_finished=self.close):
            event.ignore()
            return
        self.end_session()
        super().closeEvent(event)
        self.closed.emit()
