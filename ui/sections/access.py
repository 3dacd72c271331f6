"""Access to customer data: the manager's "Access requests" page, the administrator's
approval with the recovery code, and the banner of an account that still waits.

A new account (or one whose password an administrator reset) holds no customer-data key
until a manager approves it: the manager's keys are sealed to its slot. Before any manager
holds them (a new database), the printed recovery code approves the first manager.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.accounts.access import (
    PendingAccount,
    approve_access,
    approve_with_recovery,
    pending_accounts,
)
from app.errors import CustosError
from app.i18n import _
from app.security import Role, Session
from app.security.roles import domains_for
from app.store.fields import pending_sentence
from ui.compliance.staff_dialogs import AgreementOffer
from ui.dialogs import FormDialog, hint_label
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

DOMAIN_LABELS = {"names": lambda: _("names"), "identity": lambda: _("identity and records")}


def waiting(session: Session) -> bool:
    """This session's roles read customer data its keys cannot open (access pending)."""
    fields = session.db.fields
    return bool(fields.active and domains_for(session.roles) - fields.domains)


def pending_banner(session: Session) -> QLabel | None:
    """One sentence across the top of the window while this account's access waits."""
    if not waiting(session):
        return None
    label = QLabel(pending_sentence() + " " + _("Log in again once a manager has approved "
                                               "your account."))
    label.setObjectName("accessBanner")
    label.setWordWrap(True)
    return label


def missing_text(account: PendingAccount) -> str:
    return _(", ").join(DOMAIN_LABELS.get(d, lambda d=d: d)() for d in sorted(account.missing))


def _roles_text(roles) -> str:
    return _(", ").join(r.label for r in sorted(roles, key=list(Role).index))


class AccessRequestsSection(QWidget):
    """Managers: the accounts waiting for access to customer data, and Approve."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.accounts: list[PendingAccount] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(section_title(_("Access requests")))
        layout.addWidget(hint_label(_(
            "An administrator creates accounts, but cannot give them access to customer data. "
            "Approve an account here once you know its person may read what its roles show: "
            "your keys are then sealed to it.")))
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setHorizontalHeaderLabels([_("Username"), _("Display name"), _("Roles"),
                                              _("Waits for")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.empty = hint_label(_("No account is waiting for access."))
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.approve_button = QPushButton(_("Approve"))
        self.approve_button.clicked.connect(self._approve)
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(lambda: self.refresh())
        row.addWidget(self.approve_button)
        row.addWidget(self.refresh_button)
        # After a refusal for lack of a signed confidentiality agreement: record it here.
        self.agreement_offer = AgreementOffer(session, self._agreement_recorded)
        row.addWidget(self.agreement_offer)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        try:
            self.accounts = pending_accounts(self.session)
        except CustosError as exc:
            self.accounts = []
            set_status(self.status, str(exc), ok=False)
        self.table.setRowCount(len(self.accounts))
        for r, account in enumerate(self.accounts):
            cells = (account.username, account.display_name, _roles_text(account.roles),
                     missing_text(account))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if account.username == keep:
                self.table.selectRow(r)
        if self.accounts and keep is None:
            self.table.selectRow(0)
        self.empty.setVisible(not self.accounts)
        self._update_buttons()

    def selected(self) -> PendingAccount | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) \
            else None

    def _update_buttons(self) -> None:
        self.approve_button.setEnabled(self.selected() is not None)

    def _approve(self) -> None:
        account = self.selected()
        if account is None:
            return
        session, username = self.session, account.username
        self.approve_button.setEnabled(False)
        self.agreement_offer.hide()
        run_in_background(self, lambda _p: approve_access(session, username),
                          lambda _r: self._approved(username), self._failed,
                          label=_("Approving…"))

    def _approved(self, username: str) -> None:
        self.refresh()
        set_status(self.status, _("{user} can now read the customer data of their roles, from "
                                  "their next login.").format(user=username), ok=True)

    def _failed(self, sentence: CustosError) -> None:
        set_status(self.status, sentence, ok=False)
        self.agreement_offer.arm(sentence)
        self._update_buttons()

    def _agreement_recorded(self, username: str) -> None:
        self.refresh(keep=username)
        set_status(self.status, _("The agreement of {user} was recorded: approve their "
                                  "access now.").format(user=username), ok=True)


class RecoveryApprovalDialog(FormDialog):
    """The administrator approves the first manager with the printed recovery code."""

    def __init__(self, session: Session, username: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Approve {user} with the recovery code").format(user=username),
                         parent, ok_text=_("Approve"))
        self.session, self.username = session, username
        self.set_intro(_("Normally a manager approves an account's access to customer data. "
                         "When no manager holds it yet (the first manager of a new database), "
                         "the recovery code printed when the database was created approves "
                         "instead."))
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.code.setFont(mono)
        self.secrets = [self.code]
        self.form.addRow(_("Recovery code:"), self.code)

    def working_label(self) -> str:
        return _("Checking the recovery code…")

    def prepare(self) -> Callable[[], Any]:
        session, username = self.session, self.username
        try:
            code = self.code.text()
        finally:
            self.code.clear()
        return lambda: approve_with_recovery(session, username, code)
