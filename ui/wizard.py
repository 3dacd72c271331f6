"""The first-run wizard: where to save the database, the first administrator, the recovery code.

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
from ui.worker import run_in_background


class LocationPage(QWizardPage):
    def __init__(self, plan: FirstRun) -> None:
        super().__init__()
        self.plan = plan
        self.setTitle(_("Welcome to Custos"))
        self.setSubTitle(_("Custos keeps the branch's client records in one encrypted database "
                           "file. First choose where to save it; then create the first "
                           "administrator, who adds everyone else."))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Save the database as:")))
        row = QHBoxLayout()
        self.location = QLineEdit(str(plan.location))
        self.location.textChanged.connect(lambda _text: self.error.hide())
        row.addWidget(self.location, 1)
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._choose)
        row.addWidget(choose)
        layout.addLayout(row)
        layout.addWidget(hint_label(_("Put it on this PC's own disk, where the branch's backups "
                                      "are taken. The key file beside it (same name, ending "
                                      "in .keys) belongs to it: keep the two together.")))
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _choose(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save the database as"), self.location.text(),
            _("Custos databases (*.custos)"))
        if name:
            self.location.setText(name)

    def validatePage(self) -> bool:  # Qt's name
        try:
            path = self.plan.choose_location(self.location.text())
        except CustosError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.location.setText(str(path))
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

    def _failed(self, sentence: str) -> None:
        self.progress.hide()
        self.setSubTitle(_("Go back to change your answers and try again."))
        self.error.setText(sentence)
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
    """After `accepted`, `plan.created` holds the new database (path, recovery code)."""

    def __init__(self, plan: FirstRun | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan or FirstRun()
        self.setWindowTitle(_("Create a Custos database"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 500)
        self.location_page = LocationPage(self.plan)
        self.admin_page = AdminPage(self.plan)
        self.code_page = RecoveryCodePage(self.plan)
        for page in (self.location_page, self.admin_page, self.code_page):
            self.addPage(page)

    def reject(self) -> None:
        # Once created, the wizard ends only through Finish, after the code is stored.
        if self.plan.created is not None:
            return
        super().reject()
