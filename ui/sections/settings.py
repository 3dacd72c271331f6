"""Security settings (administrators): how many idle minutes before the screen locks."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import CustosError
from app.i18n import _
from app.security import Session
from app.settings import idle_lock_minutes, set_idle_lock_minutes
from ui.dialogs import hint_label
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background


class SecuritySettingsSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(section_title(_("Security settings")))
        form = QFormLayout()
        row = QHBoxLayout()
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 60)
        self.minutes.setSuffix(" " + _("min"))
        row.addWidget(self.minutes)
        self.save = QPushButton(_("Save"))
        self.save.clicked.connect(self._save)
        row.addWidget(self.save)
        row.addStretch(1)
        form.addRow(_("Lock the screen after this many idle minutes:"), row)
        layout.addLayout(form)
        layout.addWidget(hint_label(_("Applies to every person and every PC using this "
                                      "database, within a minute of saving.")))
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        try:
            self.minutes.setValue(idle_lock_minutes(session))
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
        else:
            self.status.hide()

    def _save(self) -> None:
        minutes, session = self.minutes.value(), self.session
        self.save.setEnabled(False)
        run_in_background(self, lambda _p: set_idle_lock_minutes(session, minutes),
                          lambda _r: self._saved(minutes), self._failed)

    def _saved(self, minutes: int) -> None:
        self.save.setEnabled(True)
        set_status(self.status, _("Saved: the screen locks after {minutes} idle minutes.")
                   .format(minutes=minutes), ok=True)

    def _failed(self, sentence: CustosError) -> None:
        self.save.setEnabled(True)
        set_status(self.status, sentence, ok=False)
