"""The Consents tab: what the customer agreed to now, the whole ledger, grant and withdraw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.customers.consents import ConsentEvent, consent_history, record_consent
from app.customers.model import Channel, ConsentPurpose
from app.i18n import _
from app.security import Permission, Session
from ui.customers.case_dialogs import enum_combo
from ui.customers.common import (
    MUTED,
    FieldFormDialog,
    fill_table,
    local,
    read_only_table,
    selected_row,
)
from ui.lifetime import delete_on_close
from ui.staff import names_for
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.customers.page import CustomerPage


def consent_purpose_label(value: str) -> str:
    try:
        return ConsentPurpose(value).label
    except ValueError:
        return value


def channel_label(value: str) -> str:
    try:
        return Channel(value).label
    except ValueError:
        return value


def current_state(ledger: Sequence[ConsentEvent]) -> dict[str, ConsentEvent]:
    """The latest entry per purpose, in the order of ConsentPurpose."""
    latest = {event.purpose: event for event in ledger}
    return {p.value: latest[p.value] for p in ConsentPurpose if p.value in latest}


def note_text(note: str) -> str:
    # app/ writes this one note itself, in English, when a customer is created.
    return _("at account opening") if note == "at account opening" else note


def granted_text(granted: bool) -> str:
    return _("Granted") if granted else _("Withdrawn")


class ConsentDialog(FieldFormDialog):
    def __init__(self, session: Session, customer_no: str, granted: bool,
                 purpose: str | None = None, parent: QWidget | None = None) -> None:
        title = _("Record a consent") if granted else _("Record a withdrawal")
        super().__init__(title, parent, ok_text=_("Grant") if granted else _("Withdraw"))
        self.session, self.customer_no, self.granted = session, customer_no, granted
        self.set_intro(_("The customer grants consent for this purpose from now on.") if granted
                       else _("The customer withdraws consent for this purpose; it takes "
                              "effect at once."))
        self.purpose = enum_combo(list(ConsentPurpose), purpose)
        self.channel = enum_combo(list(Channel))
        self.note = QLineEdit()
        self.form.addRow(_("For:"), self.purpose)
        self.form.addRow(_("Channel:"), self.channel)
        self.form.addRow(_("Note (optional):"), self.note)
        self.fields = {"purpose": self.purpose, "channel": self.channel, "note": self.note}

    def prepare(self) -> Callable[[], Any]:
        session, number, granted = self.session, self.customer_no, self.granted
        purpose, channel, note = (self.purpose.currentData(), self.channel.currentData(),
                                  self.note.text())
        return lambda: record_consent(session, number, purpose, granted, channel, note)


class ConsentsTab(QWidget):
    def __init__(self, page: CustomerPage) -> None:
        super().__init__()
        self.page = page
        self.session = page.session
        self.state: list[ConsentEvent] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        buttons = QHBoxLayout()
        self.grant_button = QPushButton(_("Grant…"))
        self.withdraw_button = QPushButton(_("Withdraw…"))
        self.grant_button.clicked.connect(lambda: self.record(True))
        self.withdraw_button.clicked.connect(lambda: self.record(False))
        for button in (self.grant_button, self.withdraw_button):
            button.setVisible(self.session.can(Permission.CUSTOMER_EDIT))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.current = read_only_table([_("Purpose"), _("Now"), _("Channel"), _("Since"),
                                        _("Recorded by")], stretch=0)
        self.current.setMaximumHeight(170)
        layout.addWidget(self.current)
        heading = QLabel(_("History"))
        heading.setStyleSheet("font-weight: bold;")
        layout.addSpacing(6)
        layout.addWidget(heading)
        self.history = read_only_table([_("When"), _("Purpose"), _("Change"), _("Channel"),
                                        _("Recorded by"), _("Note")], stretch=5)
        layout.addWidget(self.history, 1)

    def show_ledger(self, ledger: Sequence[ConsentEvent]) -> None:
        self.state = list(current_state(ledger).values())
        person = names_for(self.session)
        fill_table(self.current, [
            (consent_purpose_label(e.purpose), granted_text(e.granted), channel_label(e.channel),
             local(e.at), person(e.recorded_by)) for e in self.state],
            colours=[None if e.granted else MUTED for e in self.state])
        newest_first = list(reversed(ledger))
        fill_table(self.history, [
            (local(e.at), consent_purpose_label(e.purpose), granted_text(e.granted),
             channel_label(e.channel), person(e.recorded_by), note_text(e.note))
            for e in newest_first])

    def record(self, granted: bool) -> None:
        row = selected_row(self.current)
        purpose = self.state[row].purpose if row is not None and row < len(self.state) else None
        if purpose is None:
            purpose = ConsentPurpose.MARKETING.value
        dialog = ConsentDialog(self.session, self.page.customer_no, granted, purpose, self)
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.refresh(
            _("The consent was recorded.") if granted else _("The withdrawal was recorded.")))
        dialog.open()

    def refresh(self, sentence: str = "") -> None:
        session, number = self.session, self.page.customer_no
        run_in_background(self, lambda _p: consent_history(session, number),
                          lambda ledger: (self.show_ledger(ledger),
                                          self.page.say(sentence, ok=True)),
                          lambda error: self.page.say(error, ok=False))
