""""Report a data incident…" in the Account menu, for everyone who works here (counter
staff above all, but a lost paper file or backup drive is an incident too): the register
itself is the manager's, but the deadlines run from detection, so whoever notices an
incident puts it on record at once."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.i18n import _
from app.security import Permission, Session
from ui.compliance.breach_dialogs import BreachDialog
from ui.dialogs import show_info
from ui.lifetime import delete_on_close


def open_report(session: Session, parent: QWidget) -> BreachDialog:
    """A manager records in full; anyone else reports what they know."""
    dialog = BreachDialog(session, manager=session.can(Permission.COMPLIANCE), parent=parent)
    delete_on_close(dialog)
    dialog.accepted.connect(lambda: show_info(parent, _(
        "Thank you. The incident is on record as number {number}; the manager sees it in "
        "the compliance file.").format(number=dialog.result_value)))
    dialog.open()
    return dialog


def add_report_action(window: QWidget, menu: QMenu, session: Session) -> QAction | None:
    if not session.can(Permission.OWN_ACCOUNT):
        return None
    action = QAction(_("Report a data incident…"), window)
    action.triggered.connect(lambda: open_report(session, window))
    menu.addAction(action)
    return action
