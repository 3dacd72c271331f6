"""Audit log integrity: recompute the hash chain and say, in one sentence, whether it holds."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.audit import ChainReport
from app.errors import CustosError
from app.i18n import N_, _
from app.integrity import verify_audit_log
from app.security import Session
from ui.dialogs import hint_label
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

REASONS = {
    "altered": N_("an event was altered"),
    "missing": N_("events are missing"),
    "order": N_("events are out of order"),
}


def report_sentence(report: ChainReport) -> str:
    if report.intact:
        return _("Intact: {count} events, head {head}").format(count=report.count,
                                                                 head=report.head[:16])
    if report.first_broken is None:
        return _("Verification stopped after {count} events.").format(count=report.count)
    reason = _(REASONS[report.reason]) if report.reason in REASONS else report.reason
    return _("Broken at event {seq} ({reason}).").format(seq=report.first_broken, reason=reason)


class IntegritySection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: ChainReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(section_title(_("Audit log integrity")))
        layout.addWidget(hint_label(_(
            "Every access and change is written to a hash-chained audit log. Verifying "
            "recomputes every link: an event altered, removed or reordered afterwards breaks "
            "the chain at that event.")))
        row = QHBoxLayout()
        self.verify = QPushButton(_("Verify integrity"))
        self.verify.clicked.connect(self.start)
        row.addWidget(self.verify)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(360)
        self.progress.hide()
        row.addWidget(self.progress)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        layout.addWidget(self.result)
        layout.addStretch(1)

    def start(self) -> None:
        session = self.session
        self.verify.setEnabled(False)
        self.result.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        run_in_background(self, lambda progress: verify_audit_log(session, progress),
                          self._done, self._failed, show_after_ms=None,
                          on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _done(self, report: ChainReport) -> None:
        self.report = report
        self.verify.setEnabled(True)
        self.progress.hide()
        set_status(self.result, report_sentence(report), ok=report.intact)

    def _failed(self, sentence: CustosError) -> None:
        self.verify.setEnabled(True)
        self.progress.hide()
        set_status(self.result, sentence, ok=False)
