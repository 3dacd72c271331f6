"""The first-run wizard: this PC only (where to save the database, the first administrator,
the recovery code) or join the branch server (its address and CA file, then the login).

It only draws ui/first_run.py: every check and the creation itself happen there (and in
app/). The recovery code is shown once; Finish waits until the person says it is stored.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import CustosError
from app.i18n import _
from app.security.passwords import policy_text
from ui.dialogs import error_label, hint_label, password_field, show_info
from ui.first_run import FirstRun, keep_safe_text
from ui.recovery_sheet import print_sheet, save_as_pdf
from ui.server_choice import ServerFields
from ui.worker import run_in_background


class LocationPage(QWizardPage):
    """Step 1: this PC only (where to save the file) or join the branch server (its address
    and CA file; the wizard then ends: nothing is created, the login comes next)."""

    def __init__(self, plan: FirstRun, offer_server: bool = True) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle(_("Welcome to Custos"))
        if offer_server:
            self.setSubTitle(_("Custos keeps the branch's client records encrypted: in one "
                               "file on this PC, or on the branch server that every counter "
                               "shares. Choose how this PC works."))
        else:
            self.setSubTitle(_("Custos keeps the branch's client records in one encrypted "
                               "database file. First choose where to save it; then create "
                               "the first administrator, who adds everyone else."))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Join"))
        layout = QVBoxLayout(self)
        self.this_pc = QRadioButton(_("This PC only"))
        self.join = QRadioButton(_("Join the branch server"))
        self.this_pc.setChecked(True)
        self.file_box = self._file_box()
        self.server_box = ServerFields()
        for widget, indent in ((self.this_pc, 0), (self.file_box, 24), (self.join, 0),
                               (self.server_box, 24)):
            widget.setContentsMargins(indent, 0, 0, 0)
            layout.addWidget(widget)
        self.this_pc.setVisible(offer_server)
        self.join.setVisible(offer_server)
        self.this_pc.toggled.connect(self._way_chosen)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._way_chosen()

    def _file_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("Save the database as:")))
        row = QHBoxLayout()
        self.location = QLineEdit(str(self.plan.location))
        self.location.textChanged.connect(lambda _text: self.error.hide())
        row.addWidget(self.location, 1)
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._choose)
        row.addWidget(choose)
        layout.addLayout(row)
        layout.addWidget(hint_label(_("Put it on this PC's own disk, where the branch's backups "
                                      "are taken. The key file beside it (same name, ending "
                                      "in .keys) belongs to it: keep the two together.")))
        return box

    @property
    def joining(self) -> bool:
        return self.join.isChecked()

    def _way_chosen(self) -> None:
        self.file_box.setVisible(not self.joining)
        self.server_box.setVisible(self.joining)
        self.error.hide()
        self.setFinalPage(self.joining)  # makes the wizard look again: Next becomes Join

    def nextId(self) -> int:  # Qt's name
        return -1 if self.joining else super().nextId()

    def _choose(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save the database as"), self.location.text(),
            _("Custos databases (*.custos)"))
        if name:
            self.location.setText(name)

    def validatePage(self) -> bool:  # Qt's name
        try:
            if self.joining:
                self.plan.join(*self.server_box.values())
            else:
                self.location.setText(str(self.plan.choose_location(self.location.text())))
        except CustosError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        return True


class AdminPage(QWizardPage):
    def __init__(self, plan: FirstRun) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle(_("The first administrator"))
        self.setSubTitle(_("Administrators manage accounts, keys and backups. They do not see "
                           "customer data."))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Create database"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(plan.admin or "admin")
        self.display_name = QLineEdit(plan.display_name)
        self.password = password_field()
        self.again = password_field()
        form.addRow(_("Username:"), self.username)
        form.addRow(_("Display name:"), self.display_name)
        form.addRow(_("Password:"), self.password)
        form.addRow(_("Password again:"), self.again)
        layout.addLayout(form)
        layout.addWidget(hint_label(policy_text()))
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # Qt's name
        try:
            self.plan.choose_admin(self.username.text(), self.display_name.text(),
                                   self.password.text(), self.again.text())
        except CustosError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        finally:
            self.password.clear()
            self.again.clear()
        self.error.hide()
        return True


class RecoveryCodePage(QWizardPage):
    """Creates the database on arrival, then shows its recovery code — once."""

    def __init__(self, plan: FirstRun) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle(_("Creating the database"))
        self.setSubTitle(_("Creating the encrypted database and its keys…"))
        layout = QVBoxLayout(self)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        layout.addWidget(self.progress)
        self.error = error_label()
        layout.addWidget(self.error)

        self.result = QWidget()
        result = QVBoxLayout(self.result)
        result.setContentsMargins(0, 0, 0, 0)
        result.addWidget(QLabel(_("Recovery code:")))
        self.code = QLabel()
        self.code.setObjectName("recoveryCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        result.addWidget(self.code)
        result.addWidget(hint_label(keep_safe_text()))
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self._print)
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self._save_pdf)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        result.addLayout(buttons)
        self.stored = QCheckBox(_("I have stored the recovery code safely"))
        self.stored.toggled.connect(lambda _on: self.completeChanged.emit())
        result.addWidget(self.stored)
        self.result.hide()
        layout.addWidget(self.result)
        layout.addStretch(1)

    def initializePage(self) -> None:  # Qt's name
        if self.plan.created is None:
            self._create()

    def _create(self) -> None:
        self.error.hide()
        self.progress.show()
        self.setSubTitle(_("Creating the encrypted database and its keys…"))
        run_in_background(self, lambda _progress: self.plan.create(), self._created,
                          self._failed, label=_("Creating the database…"))

    def _created(self, _created) -> None:
        self.progress.hide()
        self.setTitle(_("Database created"))
        self.setSubTitle(_("The database {name} is ready. Write down or print its recovery "
                           "code now.").format(name=self.plan.location.name))
        self.code.setText(self.plan.created.recovery_code)
        self.result.show()
        wizard = self.wizard()
        # No way back to a page that would create a second database, and no Cancel.
        wizard.setOption(QWizard.WizardOption.DisabledBackButtonOnLastPage, True)
        wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.completeChanged.emit()

    def _failed(self, error: CustosError) -> None:
        self.progress.hide()
        self.setSubTitle(_("Go back to change your answers and try again."))
        self.error.setText(str(error))
        self.error.show()

    def isComplete(self) -> bool:  # Qt's name
        return self.plan.created is not None and self.stored.isChecked()

    def _print(self) -> None:
        print_sheet(self, self.plan.created.recovery_code, self.plan.location.name)

    def _save_pdf(self) -> None:
        target = save_as_pdf(self, self.plan.created.recovery_code, self.plan.location.name,
                             Path.home())
        if target is not None:
            show_info(self, _("The recovery code was saved as {path}. Print it, keep the paper "
                              "safe, and delete the file.").format(path=target))


class FirstRunWizard(QWizard):
    """After `accepted`, `plan.created` holds the new database (path, recovery code), or
    `plan.server` the branch server joined. `offer_server=False`: a new file only."""

    def __init__(self, plan: FirstRun | None = None, parent: QWidget | None = None,
                 offer_server: bool = True) -> None:
        super().__init__(parent)
        self.plan = plan or FirstRun()
        self.setWindowTitle(_("Set up Custos on this PC") if offer_server
                            else _("Create a Custos database"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 500)
        self.location_page = LocationPage(self.plan, offer_server)
        self.admin_page = AdminPage(self.plan)
        self.code_page = RecoveryCodePage(self.plan)
        for page in (self.location_page, self.admin_page, self.code_page):
            self.addPage(page)

    def reject(self) -> None:
        # Once created, the wizard ends only through Finish, after the code is stored.
        if self.plan.created is not None:
            return
        super().reject()
