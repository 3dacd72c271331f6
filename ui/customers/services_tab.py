"""The Services tab: the customer's lines, and adding, ending, suspending and resuming them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.customers.model import ServiceKind, ServiceRecord, ServiceStatus
from app.customers.services import (
    Plan,
    add_service,
    end_service,
    list_plans,
    set_service_status,
)
from app.errors import CustosError
from app.i18n import _
from app.security import Permission, Session
from ui.customers.common import (
    MUTED,
    FieldFormDialog,
    date_field,
    fill_table,
    iso,
    read_only_table,
    selected_row,
    yuan,
)
from ui.dialogs import ask, hint_label
from ui.lifetime import delete_on_close
from ui.style import TAB_MARGINS
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.customers.page import CustomerPage


def kind_label(value: str) -> str:
    try:
        return ServiceKind(value).label
    except ValueError:
        return value


def service_status_label(value: str) -> str:
    try:
        return ServiceStatus(value).label
    except ValueError:
        return value


class AddServiceDialog(FieldFormDialog):
    def __init__(self, session: Session, customer_no: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Add a service for {number}").format(number=customer_no), parent,
                         ok_text=_("Add service"))
        self.session, self.customer_no = session, customer_no
        try:
            self.plans: list[Plan] = [p for p in list_plans(session) if p.active]
        except CustosError as exc:
            self.plans = []
            self.show_error(str(exc))
        self.kind = QComboBox()
        for kind in ServiceKind:
            self.kind.addItem(kind.label, kind.value)
        self.service_no = QLineEdit()
        self.service_no.setPlaceholderText(_("Mobile or fixed-line number, or broadband account"))
        self.plan = QComboBox()
        self.start = date_field()
        self.account_no = QLineEdit()
        self.agreement_no = QLineEdit()
        self.form.addRow(_("Kind:"), self.kind)
        self.form.addRow(_("Service number:"), self.service_no)
        self.form.addRow(_("Plan:"), self.plan)
        self.form.addRow(_("Start date:"), self.start)
        self.form.addRow(_("Account no. (optional):"), self.account_no)
        self.form.addRow(_("Agreement no. (optional):"), self.agreement_no)
        self.form.addRow(hint_label(_("Without an account or agreement number, Custos "
                                      "assigns one.")))
        self.fields = {"kind": self.kind, "service_no": self.service_no, "plan_code": self.plan,
                       "start_date": self.start, "account_no": self.account_no,
                       "agreement_no": self.agreement_no}
        self.kind.currentIndexChanged.connect(self._fill_plans)
        self._fill_plans()
        self.setMinimumWidth(560)

    def _fill_plans(self) -> None:
        kind = self.kind.currentData()
        self.plan.clear()
        for plan in self.plans:
            if plan.kind == kind:
                self.plan.addItem(_("{plan} — {fee} a month").format(
                    plan=plan.name, fee=yuan(plan.monthly_fee_fen)), plan.code)

    def prepare(self) -> Callable[[], Any]:
        session, number = self.session, self.customer_no
        kind, service_no = self.kind.currentData(), self.service_no.text()
        plan_code, start = self.plan.currentData() or "", iso(self.start)
        account, agreement = self.account_no.text(), self.agreement_no.text()
        return lambda: add_service(session, number, kind, service_no, plan_code, start,
                                   account, agreement)


class EndServiceDialog(FieldFormDialog):
    def __init__(self, session: Session, service: ServiceRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("End service {number}").format(number=service.display_no), parent,
                         ok_text=_("End service"))
        self.session, self.service = session, service
        self.set_intro(_("The service ends on this date. When it is the customer's last "
                         "running service, the customer is closed."))
        self.end = date_field()
        self.form.addRow(_("End date:"), self.end)
        self.fields = {"end_date": self.end}

    def prepare(self) -> Callable[[], Any]:
        session, number, end = self.session, self.service.service_no, iso(self.end)
        return lambda: end_service(session, number, end)


class ServicesTab(QWidget):
    def __init__(self, page: CustomerPage) -> None:
        super().__init__()
        self.page = page
        self.session = page.session
        self.services: list[ServiceRecord] = []
        self.restricted = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add service…"))
        self.end_button = QPushButton(_("End service…"))
        self.suspend_button = QPushButton(_("Suspend"))
        self.resume_button = QPushButton(_("Resume"))
        for button, slot in ((self.add_button, self.add), (self.end_button, self.end),
                             (self.suspend_button, self.suspend),
                             (self.resume_button, self.resume)):
            button.clicked.connect(slot)
            button.setVisible(self.session.can(Permission.CUSTOMER_EDIT))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table = read_only_table([_("Service number"), _("Kind"), _("Plan"),
                                      _("Account no."), _("Agreement no."), _("Start"),
                                      _("End"), _("Status")], stretch=2)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

    def show_services(self, services: tuple[ServiceRecord, ...], restricted: bool) -> None:
        self.services, self.restricted = list(services), restricted
        fill_table(self.table, [
            (s.display_no, kind_label(s.kind), s.plan_name, s.account_no, s.agreement_no,
             s.start_date, s.end_date or "", service_status_label(s.status))
            for s in self.services], colours=[MUTED if s.status == ServiceStatus.ENDED else None
                                              for s in self.services])
        tip = _("Processing is restricted: services cannot be changed until a manager lifts "
                "the restriction.") if restricted else ""
        for button in (self.add_button, self.end_button, self.suspend_button,
                       self.resume_button):
            button.setToolTip(tip)
        self._update_buttons()

    def selected(self) -> ServiceRecord | None:
        row = selected_row(self.table)
        return self.services[row] if row is not None and row < len(self.services) else None

    def _update_buttons(self) -> None:
        service, free = self.selected(), not self.restricted
        running = service is not None and service.status != ServiceStatus.ENDED
        self.add_button.setEnabled(free)
        self.end_button.setEnabled(free and running)
        self.suspend_button.setEnabled(free and running
                                       and service.status == ServiceStatus.ACTIVE)
        self.resume_button.setEnabled(free and running
                                      and service.status == ServiceStatus.SUSPENDED)

    def _dialog(self, dialog: FieldFormDialog, sentence: str) -> None:
        delete_on_close(dialog)
        dialog.accepted.connect(lambda: self.page.reload(sentence))
        dialog.open()

    def add(self) -> None:
        self._dialog(AddServiceDialog(self.session, self.page.customer_no, self),
                     _("The service was added."))

    def end(self) -> None:
        service = self.selected()
        if service is not None:
            self._dialog(EndServiceDialog(self.session, service, self),
                         _("Service {number} was ended.").format(number=service.display_no))

    def suspend(self) -> None:
        service = self.selected()
        if service is not None:
            ask(self, _("Suspend service {number}? It can be resumed later.")
                .format(number=service.display_no), _("Suspend"),
                lambda: self._set_status(service, ServiceStatus.SUSPENDED,
                                         _("Service {number} was suspended.")))

    def resume(self) -> None:
        service = self.selected()
        if service is not None:
            self._set_status(service, ServiceStatus.ACTIVE, _("Service {number} was resumed."))

    def _set_status(self, service: ServiceRecord, status: ServiceStatus, sentence: str) -> None:
        session, number = self.session, service.service_no
        run_in_background(self, lambda _p: set_service_status(session, number, status.value),
                          lambda _r: self.page.reload(sentence.format(number=service.display_no)),
                          lambda error: self.page.say(error, ok=False))
