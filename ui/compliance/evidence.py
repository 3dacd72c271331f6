"""The compliance file's "Backups on record" tab (managers, regulation art. 8): the last
off-site copy and the last successful restore test, red when too old, and every backup,
restore test and restore of the last three months, from the log. Read only: backups are
an administrator's work (the Backups section)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app import clock
from app.compliance import evidence
from app.compliance.tiles import ComplianceTile
from app.i18n import _
from app.security import Permission, Session
from ui.backups.common import GREEN, RED, fill_row, read_only_table
from ui.compliance.section import Tab
from ui.dialogs import hint_label

SHOWN_DAYS = 92


def _kind(kind: str) -> str:
    return {"backup": _("Backup"), "restore_test": _("Restore test"),
            "restore": _("Restore")}.get(kind, kind)


class EvidencePage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.facts: dict[str, QLabel] = {}
        for key in ("backup_offsite", "backup_restore_test"):
            label = QLabel()
            label.setWordWrap(True)
            self.facts[key] = label
            layout.addWidget(label)
        layout.addWidget(hint_label(_(
            "Backups, off-site folders and the limits are set by an administrator in Backups. "
            "Below: every backup, restore test and restore of the last three months.")))
        self.table = read_only_table([_("When"), _("What"), _("Backup file"), _("Where"), _("By"),
                                      _("Result")])
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        today = today or date.today()
        with self.session.db.read() as conn:
            shown = evidence.dashboard_tiles(conn, today)
            rows = evidence.period_summary(conn, today - timedelta(days=SHOWN_DAYS), today)
        for tile in shown:
            self._fact(self.facts[tile.key], tile)
        rows.sort(key=lambda r: r.at, reverse=True)  # newest first
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            ok = r.outcome == "ok"
            fill_row(self.table, i, [
                clock.local_text(r.at), _kind(r.kind), r.file,
                _("Off-site") if r.offsite else "", r.by,
                _("Succeeded") if ok else _("Failed")], GREEN if ok else RED)

    @staticmethod
    def _fact(label: QLabel, tile: ComplianceTile) -> None:
        label.setText(_("{title}: {value} — {detail}").format(
            title=tile.title, value=tile.value, detail=tile.detail))
        label.setObjectName("error" if tile.alarm else "success")
        label.style().unpolish(label)
        label.style().polish(label)


TAB = Tab("evidence", lambda: _("Backups on record"), Permission.COMPLIANCE, EvidencePage,
          order=60)
