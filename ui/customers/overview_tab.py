"""The Overview tab, first on a customer's page: what is going on with this customer.

It draws app.customers.overview: identity (masked, with Reveal), services in use, open cases
and requests with their due dates, consents in force and withdrawn, paper files out on loan.
Overdue work is marked in a word and a colour, not in bold red rows. The restriction, legal
hold and closed-account banners stand above every tab, this one included.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.archive.model import FileKind
from app.customers.model import CaseKind, CaseStatus, ConsentPurpose, RevealField, ServiceStatus
from app.customers.overview import FileOut, OpenItem, Overview
from app.i18n import Labelled, _
from app.rights.model import RequestKind, RequestStatus
from app.security import Permission
from ui.customers.common import MUTED, OVERDUE
from ui.customers.identity_tab import MaskedValue, id_type_label, show_birth
from ui.style import unbroken

if TYPE_CHECKING:
    from ui.customers.page import CustomerPage


def label_of(kind: type[Labelled], value: str) -> str:
    try:
        return kind(value).label
    except ValueError:
        return value


def muted(text: str) -> str:
    return f'<span style="color: {MUTED.name()};">{escape(text)}</span>'


def due_html(due: str, overdue: bool) -> str:
    """"due 2025-03-01", and a quiet "overdue" after it when it has passed; kept on one
    line (a wrap between the date and "到期" would split the phrase)."""
    text = escape(unbroken(_("due {date}").format(date=due)))
    if overdue:
        text += f' · <span style="color: {OVERDUE.name()};">{escape(_("overdue"))}</span>'
    return text


def item_html(item: OpenItem, kind: type[Labelled], status: type[Labelled]) -> str:
    parts = [item.number, label_of(kind, item.kind), label_of(status, item.status)]
    if item.summary:
        parts.append(item.summary)
    return " · ".join(escape(p) for p in parts) + " · " + due_html(item.due_date, item.overdue)


def file_html(out: FileOut) -> str:
    parts = [out.file_no, label_of(FileKind, out.kind), out.holder]
    return " · ".join(escape(p) for p in parts) + " · " + due_html(out.due_date, out.overdue)


class Card(QFrame):
    """A titled box of lines; "None" when there is nothing to say."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(14, 10, 14, 12)
        self.layout_.setSpacing(4)
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: bold;")
        self.layout_.addWidget(self.title)
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.layout_.addWidget(self.body, 1)

    def show_lines(self, lines: Sequence[str]) -> None:
        self.body.setText("<br>".join(lines) if lines else muted(_("None")))


class OverviewTab(QScrollArea):
    def __init__(self, page: CustomerPage) -> None:
        super().__init__()
        self.page = page
        self.session = page.session
        self.overview: Overview | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(16, 16, 16, 16)
        grid.setSpacing(12)
        self.identity = Card(_("Identity"))
        self.id_number = MaskedValue(self, RevealField.ID_NUMBER)
        self.phone = MaskedValue(self, RevealField.PHONE)
        self.birth = QLabel()
        # Caption and value side by side, as on the Identity tab: one row each.
        fields = QGridLayout()
        fields.setContentsMargins(0, 4, 0, 0)
        fields.setColumnStretch(1, 1)
        for row, (caption, widget) in enumerate((
                (_("ID number:"), self.id_number), (_("Date of birth:"), self.birth),
                (_("Phone:"), self.phone))):
            fields.addWidget(QLabel(caption), row, 0)
            fields.addWidget(widget, row, 1)
        self.identity.layout_.setStretchFactor(self.identity.body, 0)
        self.identity.layout_.addLayout(fields)
        self.identity.layout_.addStretch(1)
        self.services = Card(_("Services in use"))
        self.cases = Card(_("Open cases"))
        self.requests = Card(_("Open rights requests"))
        self.consents = Card(_("Consents"))
        self.files = Card(_("Paper files on loan"))
        for index, card in enumerate((self.identity, self.services, self.cases, self.requests,
                                      self.consents, self.files)):
            grid.addWidget(card, index // 2, index % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        self.setWidget(inner)
        page.revealed.changed.connect(self._revealed_changed)

    # MaskedValue asks its owner to reveal and copy: the identity tab does both for the page.
    def reveal(self, field: RevealField) -> None:
        self.page.identity_tab.reveal(field)

    def copy(self, field: RevealField) -> None:
        self.page.identity_tab.copy(field)

    def show_overview(self, overview: Overview) -> None:
        self.overview = overview
        ident = overview.identity
        name = (_("{name} ({pinyin})").format(name=ident.name, pinyin=ident.name_pinyin)
                if ident.name_pinyin else ident.name)
        self.identity.show_lines([escape(name), escape(id_type_label(ident.id_type))])
        can_reveal = self.session.can(Permission.CUSTOMER_REVEAL)
        self.id_number.set_masked(ident.id_number, can_reveal)
        self.phone.set_masked(ident.phone, can_reveal)
        self._redraw_birth()
        self.services.show_lines([self._service_line(s) for s in overview.services])
        self.cases.show_lines([item_html(c, CaseKind, CaseStatus) for c in overview.cases])
        self.requests.show_lines([item_html(r, RequestKind, RequestStatus)
                                  for r in overview.requests])
        self.consents.show_lines(self._consent_lines(overview))
        self.files.show_lines([file_html(f) for f in overview.files_out])

    @staticmethod
    def _service_line(service: Any) -> str:
        text = _("{number} · {plan} · since {date}").format(
            number=service.display_no, plan=service.plan_name, date=service.start_date)
        if service.status != ServiceStatus.ACTIVE.value:
            return escape(text) + " · " + muted(label_of(ServiceStatus, service.status))
        return escape(text)

    @staticmethod
    def _consent_lines(overview: Overview) -> list[str]:
        def purposes(states: Sequence[Any]) -> str:
            return _(", ").join(label_of(ConsentPurpose, c.purpose) for c in states) or _("none")

        return [escape(_("In force: {purposes}").format(purposes=purposes(overview.in_force))),
                muted(_("Withdrawn: {purposes}").format(purposes=purposes(overview.withdrawn)))]

    def _redraw_birth(self) -> None:
        if self.overview is not None:
            show_birth(self.birth, self.overview.identity, self.page.revealed)

    def _revealed_changed(self, field: str) -> None:
        for widget in (self.id_number, self.phone):
            if widget.field.value == field:
                widget.redraw()
        if field == RevealField.ID_NUMBER.value:
            self._redraw_birth()
