"""Users (administrators): the accounts of this database and the changes an administrator makes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.accounts import UserInfo, disable_user, list_users
from app.accounts.access import pending_for_admin
from app.clock import local_text
from app.compliance import staff
from app.errors import CustosError
from app.i18n import _
from app.security import Role, Session
from ui.compliance.staff_dialogs import AgreementOffer
from ui.dialogs import FormDialog, ask, hint_label
from ui.lifetime import delete_on_close
from ui.sections.access import RecoveryApprovalDialog
from ui.sections.common import section_title, set_status
from ui.sections.user_dialogs import AddUserDialog, RolesDialog, TemporaryPasswordDialog
from ui.worker import run_in_background


def status_text(user: UserInfo, pending: bool = False) -> str:
    if user.disabled:
        return _("Account disabled")
    if user.must_change_password:
        return _("Must change password; access pending") if pending else \
            _("Must change password")
    return _("Access pending") if pending else _("Account active")


def roles_text(user: UserInfo) -> str:
    return _(", ").join(r.label for r in sorted(user.roles, key=list(Role).index))


class UsersSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.users: list[UserInfo] = []
        self.pending: set[str] = set()  # usernames whose access to customer data waits
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Users")))

        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add user…"))
        self.roles_button = QPushButton(_("Roles…"))
        self.disable_button = QPushButton(_("Disable"))
        self.enable_button = QPushButton(_("Enable…"))
        self.reset_button = QPushButton(_("Reset password…"))
        self.recovery_button = QPushButton(_("Approve with recovery code…"))
        self.recovery_button.setToolTip(_("For the first manager, when no manager can approve "
                                          "yet"))
        for button, slot in ((self.add_button, self._add), (self.roles_button, self._roles),
                             (self.disable_button, self._disable),
                             (self.enable_button, self._enable),
                             (self.reset_button, self._reset),
                             (self.recovery_button, self._approve_with_recovery)):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        # After a refusal for lack of a signed confidentiality agreement: record it here.
        self.agreement_offer = AgreementOffer(session, self._agreement_recorded)
        buttons.addWidget(self.agreement_offer)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.table = QTableWidget(0, 7)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setHorizontalHeaderLabels([
            _("Username"), _("Display name"), _("Roles"), _("Status"), _("Last login"),
            _("Created"), _("Agreement signed")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._roles())
        layout.addWidget(self.table, 1)
        self.pending_hint = hint_label(_(
            "\u201cAccess pending\u201d: the account cannot read customer data until a manager "
            "approves it (Access requests, in the manager's window). An administrator cannot "
            "give that access; only the first manager of a new database is approved here, with "
            "the recovery code. A password reset puts an account back to pending."))
        self.pending_hint.hide()
        layout.addWidget(self.pending_hint)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.refresh()

    # -- table --------------------------------------------------------------------------

    def refresh(self, keep: str | None = None) -> None:
        keep = keep or (self.selected().username if self.selected() else None)
        try:
            self.users = list_users(self.session)
        except CustosError as exc:
            self.users = []
            set_status(self.status, str(exc), ok=False)
        try:
            self.pending = {a.username for a in pending_for_admin(self.session)}
        except CustosError:
            self.pending = set()
        self.pending_hint.setVisible(bool(self.pending))
        try:  # the day each signed their confidentiality agreement
            signed = {x.username: x.agreement_on for x in staff.list_staff(self.session)}
        except CustosError:
            signed = {}
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            cells = (user.username, user.display_name, roles_text(user),
                     status_text(user, user.username in self.pending),
                     local_text(user.last_login_at), local_text(user.created_at),
                     signed.get(user.username) or _("none"))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if user.disabled:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
            if user.username == keep:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def _update_buttons(self) -> None:
        user = self.selected()
        self.roles_button.setEnabled(user is not None)
        self.disable_button.setEnabled(user is not None and not user.disabled
                                       and user.username != self.session.username)
        self.enable_button.setEnabled(user is not None and user.disabled)
        self.reset_button.setEnabled(user is not None and not user.disabled)
        # The first manager only: everyone else is approved by a manager.
        self.recovery_button.setEnabled(user is not None and user.username in self.pending
                                        and Role.MANAGER in user.roles)

    # -- changes ------------------------------------------------------------------------

    def _open(self, dialog: FormDialog, done_sentence: str, keep: str | None) -> None:
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._changed(done_sentence, keep))
        dialog.failed.connect(self._refused)
        self.agreement_offer.hide()
        dialog.open()

    def _refused(self, error: CustosError) -> None:
        """A refusal the section can help with: the sentence, and the agreement's form."""
        if self.agreement_offer.arm(error):
            set_status(self.status, error, ok=False)

    def _agreement_recorded(self, username: str) -> None:
        self._changed(_("The agreement of {user} was recorded.").format(user=username),
                      username)

    def _disabled(self, username: str) -> None:
        self._changed(_("{user} was disabled.").format(user=username), username)
        # Their slot is gone from the ring, but an old copy of the ring still holds it.
        from ui.backups import offer_rotation

        offer_rotation(self.session, self)

    def _changed(self, sentence: str, keep: str | None) -> None:
        self.refresh(keep)
        set_status(self.status, sentence, ok=True)

    def _add(self) -> None:
        dialog = AddUserDialog(self.session, self)
        dialog.accepted.connect(lambda: self._changed(
            _("{user} was added; they choose their own password at first login.")
            .format(user=dialog.username.text().strip()), dialog.username.text().strip()))
        delete_on_close(dialog)
        dialog.open()

    def _roles(self) -> None:
        user = self.selected()
        if user is not None:
            self._open(RolesDialog(self.session, user, self),
                       _("The roles of {user} were changed.").format(user=user.username),
                       user.username)

    def _enable(self) -> None:
        user = self.selected()
        if user is not None and user.disabled:
            self._open(TemporaryPasswordDialog(self.session, user, enable=True, parent=self),
                       _("{user} was enabled with a temporary password.")
                       .format(user=user.username), user.username)

    def _reset(self) -> None:
        user = self.selected()
        if user is not None and not user.disabled:
            self._open(TemporaryPasswordDialog(self.session, user, enable=False, parent=self),
                       _("The password of {user} was reset; they must change it at next "
                         "login.").format(user=user.username), user.username)

    def _approve_with_recovery(self) -> None:
        user = self.selected()
        if user is not None and self.recovery_button.isEnabled():
            self._open(RecoveryApprovalDialog(self.session, user.username, self),
                       _("{user} can now read the customer data of their roles, from their "
                         "next login.").format(user=user.username), user.username)

    def _disable(self) -> None:
        user = self.selected()
        if user is None:
            return
        ask(self, _("Disable {user}? Their key is removed at once; an administrator can enable "
                    "the account again with a new temporary password.")
            .format(user=user.username), _("Disable"), lambda: self._do_disable(user))

    def _do_disable(self, user: UserInfo) -> None:
        session, username = self.session, user.username
        self.disable_button.setEnabled(False)
        run_in_background(
            self, lambda _p: disable_user(session, username),
            lambda _r: self._disabled(username),
            lambda sentence: (set_status(self.status, sentence, ok=False),
                              self._update_buttons()))
