"""One request: who asked what and when, its steps, the answers prepared, and what to do next.

The buttons offered follow the request's kind and the person's role; whether a step is
allowed now is app/'s to say, and its sentence is shown when it refuses. An information
notice prepared in this window is held in memory until it closes (Custos keeps only its
checksum); access copies and portable data are held by Custos itself until a manager has
looked at them and released them, and are fetched from it for each print or save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.customers.model import Channel
from app.errors import CustosError
from app.i18n import LANGUAGES, _
from app.rights.model import Artefact, ArtefactKind, RequestKind, RequestStatus, RightsRequest
from app.rights.requests import get_request
from app.security import Session
from ui.dialogs import hint_label
from ui.lifetime import delete_later, delete_on_close
from ui.rights.actions import build_actions, refresh_actions
from ui.rights.common import (
    ANSWER_STEPS,
    OVERDUE,
    WITH_COPIES,
    HeldCopy,
    days_left,
    short_checksum,
    when_by,
)
from ui.rights.timeline import Timeline
from ui.sections.common import section_title, set_status
from ui.staff import names_for
from ui.worker import run_in_background


def channel_label(value: str) -> str:
    try:
        return Channel(value).label
    except ValueError:
        return value


class RequestPage(QDialog):
    changed = Signal()

    def __init__(self, session: Session, request_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.request_no = session, request_no
        self.request: RightsRequest | None = None
        self.documents: dict[str, HeldCopy] = {}
        self.child: QWidget | None = None  # the last dialog opened from here
        self.setWindowTitle(_("Request {number}").format(number=request_no))
        self.resize(980, 760)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 14)
        layout.setSpacing(10)
        self.title = section_title("")
        layout.addWidget(self.title)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(6)
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)
        layout.addLayout(self.facts)
        self.timeline = Timeline()
        layout.addWidget(self.timeline)
        self.how = hint_label("")
        layout.addWidget(self.how)

        self.answers = answers = QGroupBox(_("Answers prepared"))
        inner = QVBoxLayout(answers)
        self.artefacts = QTableWidget(0, 7)
        self.artefacts.setHorizontalHeaderLabels([
            _("Answer"), _("Language"), _("Password"), _("Checksum (SHA-256)"), _("Prepared"),
            _("Released"), _("Handed over")])
        self.artefacts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.artefacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.artefacts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.artefacts.verticalHeader().hide()
        header = self.artefacts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (4, 5, 6):  # "time by user": share the room left, on two lines if need be
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.artefacts.setWordWrap(True)
        self.artefacts.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.artefacts.setMinimumHeight(110)
        self.artefacts.itemSelectionChanged.connect(self._update_buttons)
        inner.addWidget(self.artefacts)
        self.artefact_row = QHBoxLayout()
        self.artefact_row.addStretch(1)
        inner.addLayout(self.artefact_row)
        layout.addWidget(answers, 1)

        actions = QGroupBox(_("Next steps"))
        rows = QVBoxLayout(actions)
        self.answer_row, self.decide_row = QHBoxLayout(), QHBoxLayout()
        for row in (self.answer_row, self.decide_row):
            rows.addLayout(row)
        layout.addWidget(actions)
        self.spacer = QWidget()  # takes the room of the answers for kinds that have none
        layout.addWidget(self.spacer, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.actions = build_actions(self)
        for row in (self.answer_row, self.decide_row):
            row.addStretch(1)
        self.reload()

    # -- showing the request ------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.request = get_request(self.session, self.request_no)
        except CustosError as exc:
            set_status(self.status, str(exc), ok=False)
            return
        request = self.request
        self.title.setText(_("Request {number}: {kind}").format(
            number=request.request_no, kind=RequestKind(request.kind).label))
        self._fill_facts(request)
        self.timeline.show_request(request)
        kind = RequestKind(request.kind)
        self.how.setText(_("How to answer: {steps}").format(steps=_(ANSWER_STEPS[kind])))
        self.how.setVisible(self.is_open())
        self.answers.setVisible(kind in WITH_COPIES or bool(request.artefacts))
        self.spacer.setVisible(self.answers.isHidden())
        self._fill_artefacts(request.artefacts)
        self._update_buttons()

    def _fill_facts(self, r: RightsRequest) -> None:
        while self.facts.count():
            item = self.facts.takeAt(0)
            if item.widget() is not None:
                delete_later(item.widget())
        due = r.due_date
        if self.is_open():
            left = days_left(r.due_date)
            due = (_("{date} (overdue by {days} days)").format(date=r.due_date, days=-left)
                   if r.overdue else _("{date} ({days} days left)").format(date=r.due_date,
                                                                        days=left))
        person = names_for(self.session)
        facts: list[tuple[str, str]] = [
            (_("Customer:"), f"{r.customer_no}  {r.customer_name}"),
            (_("Status:"), RequestStatus(r.status).label),
            (_("Received:"), when_by(r.received_at, person(r.received_by))),
            (_("Due date:"), due),
            (_("Channel:"), channel_label(r.channel)),
            (_("Identity verified by:"), r.identity_check),
            (_("Identity marked verified:"),
             when_by(r.verified_at, person(r.verified_by)) or "—"),
            (_("Language of the answers:"), LANGUAGES.get(r.language, r.language)),
            (_("Notes:"), r.notes or "—"),
        ]
        if r.extended:
            facts.append((_("Extended:"), r.extension_reason or ""))
        if r.decided_at:
            facts.append((_("Decided:"), when_by(r.decided_at, person(r.decided_by))))
        for label, value in ((_("Outcome:"), r.outcome), (_("Reason for the refusal:"),
                                                         r.refusal_reason),
                             (_("Reason for the delay:"), r.late_reason)):
            if value:
                facts.append((label, value))
        for index, (label, value) in enumerate(facts):
            name, text = QLabel(label), QLabel(value)
            name.setObjectName("hint")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == _("Due date:") and r.overdue:
                text.setStyleSheet(f"color: {OVERDUE.name()}; font-weight: bold;")
            row, col = divmod(index, 2)
            self.facts.addWidget(name, row, col * 2, Qt.AlignmentFlag.AlignTop)
            self.facts.addWidget(text, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)

    def _fill_artefacts(self, artefacts: tuple[Artefact, ...]) -> None:
        keep = self.selected_artefact()
        self.artefacts.setRowCount(len(artefacts))
        person = names_for(self.session)
        for row, a in enumerate(artefacts):
            cells = (ArtefactKind(a.kind).label, LANGUAGES.get(a.language, a.language),
                     _("Yes") if a.protected else _("No"), short_checksum(a.sha256),
                     when_by(a.created_at, person(a.created_by)),
                     when_by(a.released_at, person(a.released_by)) or _("not released"),
                     when_by(a.handed_over_at, person(a.handed_over_by)) or "—")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setToolTip(a.sha256)
                self.artefacts.setItem(row, col, item)
        if artefacts:
            target = next((i for i, a in enumerate(artefacts)
                           if keep is not None and a.sha256 == keep.sha256), len(artefacts) - 1)
            self.artefacts.selectRow(target)

    def selected_artefact(self) -> Artefact | None:
        if self.request is None:
            return None
        model = self.artefacts.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or rows[0].row() >= len(self.request.artefacts):
            return None
        return self.request.artefacts[rows[0].row()]

    def is_open(self) -> bool:
        return self.request is not None and self.request.status not in (
            RequestStatus.COMPLETED, RequestStatus.REFUSED)

    def _update_buttons(self) -> None:
        refresh_actions(self)

    # -- doing things -------------------------------------------------------------------

    def say(self, sentence: str | CustosError, ok: bool) -> None:
        set_status(self.status, sentence, ok=ok)

    def run(self, call: Callable[[], Any], done_sentence: str, label: str = "",
            on_done: Callable[[Any], None] | None = None) -> None:
        """One app call on the worker; then the request is read again."""
        for action in self.actions:
            action.button.setEnabled(False)

        def done(result: Any) -> None:
            self.reload()
            self.say(done_sentence, ok=True)
            self.changed.emit()
            if on_done is not None:
                on_done(result)

        def failed(sentence: CustosError) -> None:
            self._update_buttons()
            self.say(sentence, ok=False)

        run_in_background(self, lambda _progress: call(), done, failed, label=label)

    def open_form(self, dialog: QDialog, done_sentence: str,
                  on_result: Callable[[Any], None] | None = None) -> QDialog:
        """A form whose OK did its app call: the request is read again afterwards."""

        def accepted() -> None:
            result = getattr(dialog, "result_value", None)
            self.reload()
            self.say(done_sentence, ok=True)
            self.changed.emit()
            if on_result is not None:
                on_result(result)

        dialog.accepted.connect(accepted)
        return self.show_child(dialog)

    def show_child(self, dialog: QDialog) -> QDialog:
        delete_on_close(dialog)
        self.child = dialog
        dialog.open()
        return dialog
