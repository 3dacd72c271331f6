"""The screen lock: hide every window but the main one, cover it with the lock page, unlock.

Locking is logged by app/ ("session.locked"). While locked, any window that tries to
appear (a finished task's message, a progress dialog) is hidden too, so no section content
is visible until the same person types their password — or someone else logs in, which
ends the first session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.accounts import lock, unlock
from app.errors import CustosError, TooManyAttempts
from app.i18n import _
from app.security import Session
from app.store.memory import wipe
from ui.dialogs import error_label, hint_label, password_field
from ui.lifetime import delete_on_close
from ui.worker import run_in_background

# Windows worth showing again after unlock; popups, menus and tooltips are only closed.
_RESTORABLE = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet,
               Qt.WindowType.Tool)


def _unlock_or_wait(session: Session, password: str) -> TooManyAttempts | None:
    try:
        unlock(session, password)
    except TooManyAttempts as exc:
        return exc
    finally:
        wipe(password)  # our own copy, read from the field: nothing else holds it
    return None


class LockPage(QWidget):
    """What the locked main window shows: whose session it is and a password field."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(440)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        self.title = QLabel(_("Locked — {display_name}").format(display_name=session.display_name))
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(hint_label(_("Custos was locked to keep the records private. Type your "
                                      "password to continue.")))
        self.password = password_field()
        self.password.setPlaceholderText(_("Password"))
        layout.addWidget(self.password)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.other_user = QPushButton(_("Log in as another user"))
        buttons.addWidget(self.other_user)
        buttons.addStretch(1)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.setAutoDefault(True)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)
        self.password.returnPressed.connect(self.unlock_button.click)

    def reset(self) -> None:
        self.password.clear()
        self.error.hide()
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setVisible(bool(sentence))


class ScreenLock(QObject):
    """Locks and unlocks one main window. The window provides show_lock_page/show_sections."""

    locked = Signal()
    unlocked = Signal()
    switch_requested = Signal(object)  # the new Session

    def __init__(self, window, session: Session, page: LockPage, demo: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.page = page
        self.demo = demo
        self.is_locked = False
        self.login_dialog = None
        # (window, its modality when hidden) in the order they should come back
        self.hidden: list[tuple[QWidget, Qt.WindowModality]] = []
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(lambda: self.page.unlock_button.setEnabled(True))
        page.unlock_button.clicked.connect(self.unlock)
        page.other_user.clicked.connect(self.log_in_another_user)

    # -- locking ------------------------------------------------------------------------

    def lock(self, reason: str = "manual") -> None:
        if self.is_locked or self.session.ended:
            return
        self.is_locked = True
        try:
            lock(self.session, reason)
        except CustosError:
            pass  # an unwritable log must not keep the screen open
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        windows = [w for w in QApplication.topLevelWidgets()
                   if w is not self.window and w.isVisible()]
        windows.sort(key=_depth)
        self.hidden = []
        for widget in windows:
            self._remember(widget)
            widget.hide()
        self.window.show_lock_page()
        self.page.reset()
        QApplication.instance().installEventFilter(self)
        self.locked.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if (event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow() and not self._allowed(watched)):
            # Hiding inside the show event confuses Qt; do it as soon as the show completes.
            QTimer.singleShot(0, lambda w=watched: self._hide_late(w))
        return False

    def _allowed(self, widget: QWidget) -> bool:
        """The main window itself, and windows opened from the lock page or its login dialog."""
        if widget is self.window:
            return True
        allowed = [self.window, self.page, self.login_dialog]
        node: QWidget | None = widget
        while node is not None:
            if any(node is a for a in allowed if a is not None):
                return node is not self.window
            node = node.parentWidget()
        return False

    def _hide_late(self, widget: QWidget) -> None:
        if self.is_locked and isValid(widget) and widget.isVisible():
            self._remember(widget)
            widget.hide()

    def _remember(self, widget: QWidget) -> None:
        if widget.windowType() not in _RESTORABLE:
            return
        self.hidden.append((widget, widget.windowModality()))
        if isinstance(widget, QDialog):
            # Work may finish a hidden dialog (accepted when its save completes): forget it.
            widget.finished.connect(lambda _result, w=widget: self._forget(w))

    def _forget(self, widget: QWidget) -> None:
        self.hidden = [(w, m) for w, m in self.hidden if w is not widget]

    # -- unlocking ----------------------------------------------------------------------

    def unlock(self) -> None:
        if not self.is_locked or not self.page.unlock_button.isEnabled():
            return
        session = self.session
        try:
            password = self.page.password.text()
        finally:
            self.page.password.clear()
        self.page.show_error("")
        self.page.unlock_button.setEnabled(False)
        run_in_background(self.page, lambda _p: _unlock_or_wait(session, password),
                          self._unlocked, self._unlock_failed, label=_("Unlocking…"))

    def _unlocked(self, wait: TooManyAttempts | None) -> None:
        if wait is not None:
            self.page.show_error(str(wait))
            self._throttle.start(int(wait.retry_after * 1000) + 500)
            return
        self._release()
        self.window.show_sections()
        for widget, modality in self.hidden:
            if not isValid(widget):
                continue
            # A dialog hidden while inside exec() has already returned from it (Qt ends the
            # loop on hide) and counts as cancelled; showing it again would do nothing.
            if (isinstance(widget, QDialog) and modality != Qt.WindowModality.NonModal
                    and widget.windowModality() == Qt.WindowModality.NonModal):
                continue
            widget.show()
        self.hidden = []
        self.unlocked.emit()

    def _unlock_failed(self, error: CustosError) -> None:
        self.page.show_error(str(error))
        self.page.unlock_button.setEnabled(True)
        self.page.password.setFocus()

    def _release(self) -> None:
        self.is_locked = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- someone else -------------------------------------------------------------------

    def log_in_another_user(self) -> None:
        from ui.login import LoginDialog

        if self.login_dialog is not None and isValid(self.login_dialog):
            self.login_dialog.raise_()
            return
        dialog = LoginDialog(self.session.db.path, demo=self.demo,
                             allow_other_database=False, parent=self.window)
        delete_on_close(dialog)
        self.login_dialog = dialog
        dialog.accepted.connect(lambda: self._switch(dialog.session))
        dialog.open()

    def _switch(self, new_session: Session | None) -> None:
        self.login_dialog = None
        if new_session is None:
            return
        self._release()
        for widget, _modality in self.hidden:
            if isValid(widget):
                if isinstance(widget, QDialog):
                    widget.reject()
                widget.close()
        self.hidden = []
        self.switch_requested.emit(new_session)

    def release(self) -> None:
        """Stop watching for windows (the main window is going away)."""
        self._release()


def _depth(widget: QWidget) -> int:
    depth, node = 0, widget.parentWidget()
    while node is not None:
        depth, node = depth + 1, node.parentWidget()
    return depth
