"""The login dialog: language, username and password, recovery, another or a new database,
or the branch server.

For the demo database it also lists the demo accounts, clearly marked as such. Logging in
runs on the worker (Argon2id takes about half a second); the password field is cleared
right after it is read, whatever happens next.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
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

from app.accounts import login
from app.demo import DEMO_ACCOUNTS
from app.errors import CustosError, TooManyAttempts
from app.i18n import LANGUAGES, _, current_language
from app.security import Session
from app.store.memory import wipe
from app.store.place import is_server
from ui import places
from ui.dialogs import error_label, hint_label, password_field
from ui.files import open_file
from ui.language import apply_language
from ui.lifetime import delete_on_close
from ui.worker import run_in_background


def _attempt(path: Path | str, username: str, password: str,
             progress=None) -> Session | TooManyAttempts:
    # The throttle's wait is needed to disable the button, so it comes back as a value.
    # `progress(done, total)`: the one-time sealing pass of an upgraded database.
    try:
        return login(path, username, password, progress=progress)
    except TooManyAttempts as exc:
        return exc
    finally:
        wipe(password)  # our own copy, read from the field: nothing else holds it


class DemoAccountsBox(QFrame):
    """The demo accounts, for trying Custos only; a click fills the login fields."""

    def __init__(self, on_pick, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBox")
        self._on_pick = on_pick
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("demoTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.table = QTableWidget(len(DEMO_ACCOUNTS), 3)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.cellClicked.connect(lambda row, _col: self._on_pick(DEMO_ACCOUNTS[row]))
        layout.addWidget(self.table)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Demo database — these accounts are for trying Custos only"))
        self.table.setHorizontalHeaderLabels([_("Role"), _("Username"), _("Password")])
        for row, account in enumerate(DEMO_ACCOUNTS):
            for col, text in enumerate((account.role.label, account.username, account.password)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        height = self.table.horizontalHeader().height() + 2
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)


class LoginDialog(QDialog):
    """Ask who is there; on success `session` holds the new Session and the dialog accepts."""

    def __init__(self, db_path: Path | str | None, demo: bool = False,
                 allow_other_database: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A file's Path, or a branch server's address as text (places.as_database).
        self.db_path = places.as_database(db_path) if db_path else None
        self.session: Session | None = None
        self._busy = False
        self._throttled = QTimer(self)
        self._throttled.setSingleShot(True)
        self._throttled.timeout.connect(self._update_buttons)
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("title")
        top.addWidget(self.title, 1)
        self.language_label = QLabel()
        top.addWidget(self.language_label)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.language.currentIndexChanged.connect(self._language_chosen)
        top.addWidget(self.language)
        layout.addLayout(top)

        self.database = hint_label("")
        layout.addWidget(self.database)

        form = QFormLayout()
        self.username_label = QLabel()
        self.username = QLineEdit()
        self.username.textChanged.connect(self._update_buttons)
        self.password_label = QLabel()
        self.password = password_field()
        self.password.returnPressed.connect(self.log_in)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        layout.addLayout(form)

        self.error = error_label()
        layout.addWidget(self.error)
        self.progress = hint_label("")  # the one-time sealing pass, when it runs
        self.progress.hide()
        layout.addWidget(self.progress)

        row = QHBoxLayout()
        self.recovery = QPushButton()
        self.recovery.setObjectName("link")
        self.recovery.setFlat(True)
        self.recovery.setCursor(Qt.CursorShape.PointingHandCursor)
        self.recovery.clicked.connect(self._use_recovery_code)
        row.addWidget(self.recovery)
        row.addStretch(1)
        self.login_button = QPushButton()
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.log_in)
        row.addWidget(self.login_button)
        layout.addLayout(row)

        self.demo_box = DemoAccountsBox(self._pick_demo) if demo else None
        if self.demo_box is not None:
            layout.addWidget(self.demo_box)

        self.other_row = QWidget()
        other = QHBoxLayout(self.other_row)
        other.setContentsMargins(0, 6, 0, 0)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self._open_other)
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self._create_new)
        self.server_button = QPushButton()
        self.server_button.clicked.connect(self._join_server)
        other.addWidget(self.open_button)
        other.addWidget(self.create_button)
        other.addWidget(self.server_button)
        other.addStretch(1)
        self.other_row.setVisible(allow_other_database)
        layout.addWidget(self.other_row)

        self.retranslate()
        self._update_buttons()
        self.username.setFocus()

    # -- text ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Custos — Log in"))
        self.title.setText(_("Log in to Custos"))
        self.language_label.setText(_("Language:"))
        if self.db_path is None:
            self.database.setText(_("No database is open. Open one or create a new one."))
            self.database.setToolTip("")
        else:
            self.database.setText(places.describe(self.db_path))
            self.database.setToolTip(str(self.db_path))
        self.username_label.setText(_("Username:"))
        self.password_label.setText(_("Password:"))
        self.login_button.setText(_("Log in"))
        self.recovery.setText(_("Use recovery code…"))
        self.open_button.setText(_("Open another database…"))
        self.create_button.setText(_("Create a new database…"))
        self.server_button.setText(_("Branch server…"))
        if self.demo_box is not None:
            self.demo_box.retranslate()

    def _language_chosen(self) -> None:
        code = self.language.currentData()
        apply_language(code)
        places.remember(language=code)
        self.error.hide()
        self.retranslate()

    # -- state --------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = self.db_path is not None and not self._busy
        self.login_button.setEnabled(ready and not self._throttled.isActive()
                                     and bool(self.username.text().strip()))
        self.recovery.setEnabled(ready)
        self.username.setEnabled(ready)
        self.password.setEnabled(ready)
        self.open_button.setEnabled(not self._busy)
        self.create_button.setEnabled(not self._busy)
        self.server_button.setEnabled(not self._busy)

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setVisible(bool(sentence))

    def _pick_demo(self, account) -> None:
        self.username.setText(account.username)
        self.password.setText(account.password)
        self.login_button.setFocus()

    # -- logging in ---------------------------------------------------------------------

    def log_in(self) -> None:
        if not self.login_button.isEnabled() or self.db_path is None:
            return
        path, username = self.db_path, self.username.text().strip()
        try:
            password = self.password.text()
        finally:
            self.password.clear()
        self.show_error("")
        self._busy = True
        self._update_buttons()
        run_in_background(self, lambda progress: _attempt(path, username, password, progress),
                          self._logged_in, self._failed, label=_("Logging in…"),
                          on_progress=self._sealing)

    def _sealing(self, done: int, total: int) -> None:
        """The first login after an upgrade seals the customer data (once; it may take
        minutes on a large database, and goes on where it stopped if interrupted)."""
        self.progress.setText(_("Sealing customer data under the role keys (once only): "
                                "{done} of {total} records. This can take a few minutes; "
                                "if it is interrupted, the next login goes on.")
                              .format(done=done, total=total))
        if self.progress.isHidden():
            self.progress.show()
            self.adjustSize()

    def _logged_in(self, result: Session | TooManyAttempts) -> None:
        self._busy = False
        self.progress.hide()
        if isinstance(result, TooManyAttempts):
            self.show_error(str(result))
            self._throttled.start(int(result.retry_after * 1000) + 500)
            self._update_buttons()
            return
        self.session = result
        self._update_buttons()
        self.accept()

    def _failed(self, error: CustosError) -> None:
        self._busy = False
        self.progress.hide()
        self.show_error(str(error))
        self._update_buttons()
        self.password.setFocus()

    # -- other ways in ------------------------------------------------------------------

    def _use_recovery_code(self) -> None:
        from ui.recovery import RecoveryDialog

        dialog = RecoveryDialog(self.db_path, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self._recovered(dialog.result_value))
        dialog.open()

    def _recovered(self, session: Session) -> None:
        self.session = session
        self.accept()

    def use_database(self, path: Path | str) -> None:
        self.db_path = places.as_database(path)
        self.show_error("")
        self.retranslate()
        self._update_buttons()
        self.username.setFocus()

    def _open_other(self) -> None:
        here = self.db_path if isinstance(self.db_path, Path) else places.default_database_path()
        start = str(here.parent)
        name = open_file(self, _("Open a Custos database"), start,
                         _("Custos databases (*.custos)"))
        if name:
            self.use_database(Path(name))

    def _join_server(self) -> None:
        from ui.server_choice import ServerDialog

        known = places.note_text(self.db_path) if is_server(self.db_path) else None
        dialog = ServerDialog(known or "", self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.use_database(dialog.result_value))
        dialog.open()

    def _create_new(self) -> None:
        from ui.wizard import FirstRunWizard

        wizard = FirstRunWizard(parent=self, offer_server=False)
        delete_on_close(wizard)
        wizard.accepted.connect(lambda: self._created(wizard))
        wizard.open()

    def _created(self, wizard) -> None:
        if wizard.plan.created is None:
            return
        self.use_database(wizard.plan.created.path)
        self.username.setText(wizard.plan.admin)
        self.password.setFocus()
