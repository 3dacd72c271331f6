"""The Backups section's evidence panel (regulation art. 8): the last off-site copy and the
last successful restore test, red when older than the limits set here (the manager's
dashboard shows the same two, from app/compliance/evidence.py)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.backup.offsite import DAY_LIMITS, Evidence
from app.i18n import _
from ui.backups.common import card, when_text
from ui.dialogs import hint_label


def _too_old(now: datetime, then: datetime | None, days: int) -> bool:
    return then is None or (now.date() - then.astimezone().date()).days > days


class EvidencePanel(QWidget):
    """`limits_wanted(off-site days, restore-test days)` asks the section to save."""

    limits_wanted = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, inner = card(_("Evidence for the regulator"))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        form = QFormLayout()
        self.offsite = QLabel()
        self.tested = QLabel()
        for label in (self.offsite, self.tested):
            label.setWordWrap(True)
        form.addRow(_("Last off-site copy:"), self.offsite)
        form.addRow(_("Last successful restore test:"), self.tested)
        self.offsite_days, self.test_days = QSpinBox(), QSpinBox()
        limits = QHBoxLayout()
        for box, text in ((self.offsite_days, _("off-site copy")),
                          (self.test_days, _("restore test"))):
            box.setRange(*DAY_LIMITS)
            box.setSuffix(_(" days"))
            limits.addWidget(QLabel(text))
            limits.addWidget(box)
            limits.addSpacing(10)
        self.save_button = QPushButton(_("Save limits"))
        self.save_button.clicked.connect(
            lambda: self.limits_wanted.emit(self.offsite_days.value(), self.test_days.value()))
        limits.addWidget(self.save_button)
        limits.addStretch(1)
        form.addRow(_("At most:"), limits)
        inner.addLayout(form)
        inner.addWidget(hint_label(_(
            "Mark a folder off-site when its drive or share is kept in another building. The "
            "manager's dashboard turns red when the newest off-site copy or restore test is "
            "older than these limits.")))

    def show_evidence(self, now: datetime, ev: Evidence) -> None:
        self._show(self.offsite, now, ev.last_offsite, ev.last_offsite_file,
                   ev.offsite_max_days,
                   _("No backup has been written to an off-site folder yet.")
                   if ev.offsite else _("No backup folder is marked off-site."))
        self._show(self.tested, now, ev.last_restore_test, ev.last_restore_test_file,
                   ev.restore_test_max_days, _("No backup has passed a restore test yet."))
        self.offsite_days.setValue(ev.offsite_max_days)
        self.test_days.setValue(ev.restore_test_max_days)

    @staticmethod
    def _show(label: QLabel, now: datetime, then: datetime | None, file: str, days: int,
              missing: str) -> None:
        text = missing if then is None else _("{when} — {file}").format(
            when=when_text(now, then), file=file)
        old = _too_old(now, then, days)
        if old and then is not None:
            text = _("{text}: older than {days} days").format(text=text, days=days)
        label.setText(text)
        label.setObjectName("error" if old else "")
        label.style().unpolish(label)
        label.style().polish(label)
