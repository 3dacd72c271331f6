"""Retention (administrators): the rules per data category, a dry run (counts, cutoff dates,
customers skipped for legal hold — customer numbers only), Apply… after it, and past runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app import clock
from app.errors import CustosError
from app.i18n import N_, _
from app.retention.service import Rule, RunReport, list_rules, past_runs, run_retention, set_rule
from app.security import Session
from ui.backups.common import (
    card,
    fill_row,
    fit_rows,
    read_only_table,
    scroll_page,
    set_columns,
    status_label,
)
from ui.dialogs import FormDialog, ask, hint_label
from ui.lifetime import delete_on_close
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

CATEGORIES = {
    "consumption": N_("Consumption and payments"),
    "closed_identity": N_("Identity of closed customers"),
    "cases": N_("Closed service cases"),
    "access_log": N_("Access log"),
}
SHORT = {"consumption": N_("Consumption"), "closed_identity": N_("Identities"),
         "cases": N_("Cases"), "access_log": N_("Access log")}
ANONYMISED = {"closed_identity"}  # the others are deleted


def category_name(category: str) -> str:
    return _(CATEGORIES[category]) if category in CATEGORIES else category


def period_text(keep: int, unit: str) -> str:
    return (_("{count} years") if unit == "years" else _("{count} months")).format(count=keep)


def action_text(category: str) -> str:
    return _("Anonymised") if category in ANONYMISED else _("Deleted")


def outcome_text(category: str, count: int) -> str:
    if category in ANONYMISED:
        return _("{count} anonymised").format(count=count)
    return _("{count} deleted").format(count=count)


class RuleDialog(FormDialog):
    def __init__(self, session: Session, rule: Rule, parent: QWidget | None = None) -> None:
        super().__init__(_("Change a retention rule"), parent, ok_text=_("Change"))
        self.session, self.rule = session, rule
        self.set_intro(_("{category}: {rule}").format(category=category_name(rule.category),
                                                      rule=_(rule.description)))
        row = QHBoxLayout()
        self.keep = QSpinBox()
        self.keep.setRange(1, 600)
        self.keep.setValue(rule.keep)
        self.unit = QComboBox()
        self.unit.addItem(_("months"), "months")
        self.unit.addItem(_("years"), "years")
        self.unit.setCurrentIndex(1 if rule.unit == "years" else 0)
        row.addWidget(self.keep)
        row.addWidget(self.unit)
        row.addStretch(1)
        self.form.addRow(_("Keep for:"), row)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. regulator's notice of 2025-03-01"))
        self.form.addRow(_("Reason (required, on record):"), self.reason)

    def prepare(self) -> Callable[[], Any]:
        session, category = self.session, self.rule.category
        keep, unit, reason = self.keep.value(), self.unit.currentData(), self.reason.text()
        return lambda: set_rule(session, category, keep, unit, reason)


class RetentionSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.today: date | None = None  # the run's day; tests move it forward
        self.rules: list[Rule] = []
        self.dry_run: RunReport | None = None
        self.running = False
        self.rule_dialog: RuleDialog | None = None
        layout = scroll_page(self)
        layout.addWidget(section_title(_("Retention")))
        layout.addWidget(hint_label(_(
            "What has outlived its retention period is deleted or anonymised. A dry run "
            "first shows what would change, per category; nothing changes until you apply "
            "it. Customers on legal hold are skipped. You see counts and customer numbers "
            "only, never customer data.")))

        frame, inner = card(_("Rules"))
        self.rules_table = read_only_table([_("Category"), _("Keep"), _("What happens"),
                                            _("Last changed"), _("Reason")])
        set_columns(self.rules_table, stretch=4, elide=Qt.TextElideMode.ElideRight)
        self.rules_table.itemSelectionChanged.connect(self._update_buttons)
        self.rules_table.doubleClicked.connect(lambda _index: self.change_rule())
        inner.addWidget(self.rules_table)
        row = QHBoxLayout()
        self.change_button = QPushButton(_("Change…"))
        self.change_button.clicked.connect(self.change_rule)
        row.addWidget(self.change_button)
        row.addStretch(1)
        inner.addLayout(row)
        layout.addWidget(frame)

        frame, inner = card(_("Run"))
        row = QHBoxLayout()
        self.dry_button = QPushButton(_("Dry run"))
        self.dry_button.clicked.connect(self.start_dry_run)
        self.apply_button = QPushButton(_("Apply…"))
        self.apply_button.setToolTip(_("Run a dry run first."))
        self.apply_button.clicked.connect(self.confirm_apply)
        row.addWidget(self.dry_button)
        row.addWidget(self.apply_button)
        row.addStretch(1)
        inner.addLayout(row)
        self.run_title = hint_label("")
        self.run_title.hide()
        inner.addWidget(self.run_title)
        self.run_table = read_only_table([_("Category"), _("Older than"), _("Records")])
        set_columns(self.run_table, stretch=2, elide=Qt.TextElideMode.ElideRight)
        self.run_table.hide()
        inner.addWidget(self.run_table)
        self.held = hint_label("")
        self.held.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.held.hide()
        inner.addWidget(self.held)
        self.status = status_label()
        inner.addWidget(self.status)
        layout.addWidget(frame)

        frame, inner = card(_("Past runs"))
        self.runs_table = read_only_table(
            [_("When"), _("By"), _("Kind"), *(_(SHORT[c]) for c in CATEGORIES),
             _("Legal hold")])
        inner.addWidget(self.runs_table)
        layout.addWidget(frame, 1)
        self.refresh()

    # -- rules and past runs ---------------------------------------------------------------

    def refresh(self) -> None:
        keep = self.selected_rule()
        try:
            self.rules = list_rules(self.session)
            runs = past_runs(self.session)
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        self.rules_table.setRowCount(len(self.rules))
        for row, rule in enumerate(self.rules):
            changed = _("Default, never changed")
            if rule.updated_at:
                changed = _("{time} by {user}").format(time=clock.local_text(rule.updated_at),
                                                       user=rule.updated_by)
            fill_row(self.rules_table, row, [
                category_name(rule.category), period_text(rule.keep, rule.unit),
                action_text(rule.category), changed, rule.reason],
                tips={0: _(rule.description), 2: _(rule.description), 4: rule.reason})
            if keep is not None and keep.category == rule.category:
                self.rules_table.selectRow(row)
        fit_rows(self.rules_table)
        self.runs_table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            counts = run.get("counts", {})
            fill_row(self.runs_table, row, [
                clock.local_text(run["started_at"]), run["run_by"],
                _("Applied") if run["applied"] else _("Dry run"),
                *(str(counts.get(c, 0)) for c in CATEGORIES), str(len(run.get("held", [])))],
                tips={len(CATEGORIES) + 3: ", ".join(run.get("held", []))})
        self._update_buttons()

    def selected_rule(self) -> Rule | None:
        model = self.rules_table.selectionModel()
        rows = model.selectedRows() if model else []
        return self.rules[rows[0].row()] if rows and rows[0].row() < len(self.rules) else None

    def _update_buttons(self) -> None:
        busy = self.running
        self.change_button.setEnabled(self.selected_rule() is not None and not busy)
        self.dry_button.setEnabled(not busy)
        self.apply_button.setEnabled(self.dry_run is not None and not busy)

    def change_rule(self) -> RuleDialog | None:
        rule = self.selected_rule()
        if rule is None:
            return None
        dialog = RuleDialog(self.session, rule, self)
        delete_on_close(dialog)
        # A bound method, not a lambda holding `self` (see KeysSection._replaced).
        dialog.accepted.connect(self._rule_changed)
        self.rule_dialog = dialog
        dialog.open()
        return dialog

    def _rule_changed(self) -> None:
        dialog, self.rule_dialog = self.rule_dialog, None
        category = dialog.rule.category if dialog is not None else ""
        # A changed rule makes the last dry run stale: apply only after a new one.
        self.dry_run = None
        self.refresh()
        set_status(self.status, _("The rule for {category} was changed; run a new dry run "
                                  "before applying.").format(category=category_name(category)),
                   ok=True)

    # -- running ---------------------------------------------------------------------------

    def _run(self, apply: bool) -> None:
        session, today = self.session, self.today
        self.running = True
        self._update_buttons()
        self.status.hide()
        run_in_background(self, lambda _p: run_retention(session, apply, today), self._ran,
                          self._failed, label=_("Applying retention…") if apply
                          else _("Working out what would change…"))

    def start_dry_run(self) -> None:
        self._run(apply=False)

    def confirm_apply(self) -> None:
        report = self.dry_run
        if report is None:
            return
        lines = [_("{category}: {result}").format(category=category_name(c),
                                                   result=outcome_text(c, n))
                 for c, n in report.counts.items()]
        question = "\n".join([_("Apply retention now? By the dry run it changes:"), *lines,
                              _("This cannot be undone.")])
        ask(self, question, _("Apply"), lambda: self._run(apply=True))

    def _ran(self, report: RunReport) -> None:
        self.running = False
        self._show_report(report)
        if report.applied:
            self.dry_run = None
            set_status(self.status, _("Retention applied: {total} records deleted or "
                                      "anonymised.").format(total=sum(report.counts.values())),
                       ok=True)
        else:
            self.dry_run = report
        self.refresh()

    def _failed(self, sentence: CustosError) -> None:
        self.running = False
        self._update_buttons()
        set_status(self.status, sentence, ok=False)

    def _show_report(self, report: RunReport) -> None:
        self.run_title.setText(
            _("Applied: these records were deleted or anonymised.") if report.applied
            else _("Dry run: nothing has been changed yet. Apply… would change these records."))
        self.run_title.show()
        self.run_table.setRowCount(len(report.counts))
        for row, (category, count) in enumerate(report.counts.items()):
            fill_row(self.run_table, row, [category_name(category),
                                           report.cutoffs.get(category, ""),
                                           outcome_text(category, count)])
        fit_rows(self.run_table)
        self.run_table.show()
        if report.held:
            self.held.setText(_("Skipped for legal hold: {numbers}").format(
                numbers=", ".join(report.held)))
        else:
            self.held.setText(_("No customer is on legal hold."))
        self.held.show()
