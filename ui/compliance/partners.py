"""The Partners tab of the compliance file: external recipients with their agreements and
checks (expired ones in red), the disclosures made to them, and the bulk exports waiting
for, or given, a manager's approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.compliance import disclosures, export_approvals, partners
from app.compliance.partner_register import register_pdf
from app.compliance.partners import PartnerView, check_overdue, items_text
from app.i18n import N_, _, current_language
from app.security import Permission, Session
from ui.compliance.page import ListingPage, button_bar
from ui.compliance.partner_dialogs import (
    AddPartnerDialog,
    AgreementDialog,
    CheckDialog,
    DecideExportDialog,
    DiscloseDialog,
    LimitDialog,
    RequestExportDialog,
)
from ui.compliance.section import Tab
from ui.customers.common import fill_table, local, read_only_table, selected_row
from ui.dialogs import hint_label
from ui.oversight.common import AMBER, RED
from ui.rights.common import ask_save_path
from ui.sections.common import set_status

STATES = {"waiting": N_("waiting"), "approved": N_("approved"), "declined": N_("declined"),
          "used": N_("written"), "lapsed": N_("lapsed")}


@dataclass(frozen=True)
class Listing:
    partners: list[PartnerView]
    disclosures: list
    approvals: list
    limit: int


def _rows_text(approval) -> str:
    """Rows written under the approval, else as many as were asked for ("" : not said)."""
    if approval.rows_written is not None:
        return f"{approval.rows_written:,}"
    return f"{approval.rows_expected:,}" if approval.rows_expected else ""


def _load(session: Session) -> Listing:
    return Listing(partners.list_partners(session), disclosures.list_disclosures(session),
                   export_approvals.list_approvals(session),
                   export_approvals.current_export_limit(session))


class PartnersPage(ListingPage):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.listing = Listing([], [], [], export_approvals.DEFAULT_LIMIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)
        self._partners_page()
        self._disclosures_page()
        self._exports_page()
        self._update_buttons()

    def _page(self, title: str, hint: str) -> QVBoxLayout:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(hint_label(hint))
        self.pages.addTab(page, title)
        return layout

    def _partners_page(self) -> None:
        layout = self._page(_("Partners"), _(
            "External recipients of customer data (regulation art. 12–13): what each "
            "receives and why, its agreement with the confidentiality clause, and the "
            "branch's supervision checks. Red: no agreement in force, or not checked for a "
            "year; amber: the agreement ends within 30 days."))
        self.partner_table = read_only_table([
            _("Partner"), _("Purpose"), _("Data it receives"), _("Agreement"),
            _("Checksum (SHA-256)"), _("Last check"), _("Finding"), _("Disclosures")],
            stretch=1)
        self.partner_table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.partner_table, 1)
        self.partner_buttons = button_bar(layout, [
            ("addPartner", _("Register a partner…"), self.add_partner),
            ("newAgreement", _("New agreement…"), self.new_agreement),
            ("recordCheck", _("Record a check…"), self.record_check),
            ("printRegister", _("Save as PDF…"), self.save_register)])

    def _disclosures_page(self) -> None:
        layout = self._page(_("Disclosures"), _(
            "Every disclosure of a customer's data to a partner. Each customer's access copy "
            "lists the ones made of their data."))
        self.disclosure_table = read_only_table([
            _("Time"), _("Customer"), _("Partner"), _("Data given"), _("Why"), _("Basis"),
            _("By")], stretch=4)
        layout.addWidget(self.disclosure_table, 1)
        self.disclosure_buttons = button_bar(layout, [
            ("disclose", _("Record a disclosure…"), self.disclose)])

    def _exports_page(self) -> None:
        layout = self._page(_("Bulk exports"), "")
        self.limit_hint = layout.itemAt(0).widget()
        self.export_table = read_only_table([
            _("No."), _("What"), _("State"), _("Asked by"), _("Asked at"), _("Decided by"),
            _("Rows"), _("Why")], stretch=7)
        self.export_table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.export_table, 1)
        self.export_buttons = button_bar(layout, [
            ("requestExport", _("Ask for approval…"), self.request_export),
            ("approveExport", _("Approve…"), lambda: self.decide(True)),
            ("declineExport", _("Decline…"), lambda: self.decide(False)),
            ("exportLimit", _("Size…"), self.set_limit)])

    # -- the lists --------------------------------------------------------------------

    def load(self) -> Listing:
        return _load(self.session)

    def show_listing(self, listing: Listing, sentence: str) -> None:
        self.listing = listing
        self._fill_partners(listing.partners)
        lang = current_language()
        fill_table(self.disclosure_table, [
            [local(d.at), d.customer_no, d.partner, items_text(d.items, lang), d.purpose,
             d.legal_basis or _("the customer's consent"), d.by] for d in listing.disclosures])
        fill_table(self.export_table, [
            [str(a.number), _(export_approvals.KINDS[a.kind]), _(STATES[a.state]),
             a.requested_by, local(a.requested_at), a.decided_by,
             _rows_text(a), a.reason]
            for a in listing.approvals], align_right=(0, 6))
        self.limit_hint.setText(_(
            "The marketing list, and any list or log export of more than {limit} rows, is "
            "written only with a manager's approval: ask for it here, another manager "
            "approves it, then the export writes one file.").format(limit=listing.limit))
        self._update_buttons()
        if sentence:
            set_status(self.status, sentence, ok=True)

    def _fill_partners(self, views: list[PartnerView]) -> None:
        today, lang = partners.today(), current_language()
        soon = today.toordinal() + partners.EXPIRY_WARNING_DAYS
        colours = [QColor(RED) if not v.in_force or check_overdue(v, today) else
                   QColor(AMBER) if v.valid_until and
                   date.fromisoformat(v.valid_until).toordinal() <= soon else None
                   for v in views]
        fill_table(self.partner_table, [
            [v.name, v.purpose, items_text(",".join(v.items), lang),
             (_("{start} to {end}") if v.in_force else _("{start} to {end} (expired)"))
             .format(start=v.valid_from, end=v.valid_until), v.sha256[:16],
             v.last_check_on or _("never"), v.last_finding, str(v.disclosures)]
            for v in views], colours=colours, align_right=(7,))

    def selected_partner(self) -> PartnerView | None:
        row = selected_row(self.partner_table)
        views = self.listing.partners
        return views[row] if row is not None and row < len(views) else None

    def selected_approval(self):
        row = selected_row(self.export_table)
        found = self.listing.approvals
        return found[row] if row is not None and row < len(found) else None

    def _update_buttons(self) -> None:
        chosen = self.selected_partner() is not None
        self.partner_buttons["newAgreement"].setEnabled(chosen)
        self.partner_buttons["recordCheck"].setEnabled(chosen)
        waiting = (a := self.selected_approval()) is not None and a.state == "waiting"
        self.export_buttons["approveExport"].setEnabled(waiting)
        self.export_buttons["declineExport"].setEnabled(waiting)

    # -- actions --------------------------------------------------------------------

    def add_partner(self):
        return self.open_form(AddPartnerDialog(self.session, self), _("The partner was registered."))

    def _for_partner(self, kind, sentence: str):
        chosen = self.selected_partner()
        return None if chosen is None else self.open_form(kind(self.session, chosen, self),
                                                      sentence)

    def new_agreement(self):
        return self._for_partner(AgreementDialog, _("The agreement was recorded."))

    def record_check(self):
        return self._for_partner(CheckDialog, _("The supervision check was recorded."))

    def save_register(self) -> None:
        target = ask_save_path(self, _("Save as PDF"), "partners.pdf", _("PDF files (*.pdf)"))
        if target is not None:
            self.write_register(target)

    def write_register(self, target) -> None:
        session, lang = self.session, current_language()
        self.write_pdf(target, lambda: register_pdf(session, lang))

    def disclose(self):
        return self.open_form(DiscloseDialog(self.session, self.listing.partners, self),
                          _("The disclosure was recorded."))

    def request_export(self):
        return self.open_form(RequestExportDialog(self.session, self),
                          _("Your request waits for a manager's approval."))

    def decide(self, approve: bool):
        chosen = self.selected_approval()
        if chosen is None:
            return None
        return self.open_form(DecideExportDialog(self.session, chosen.number, approve, self),
                          _("Export {number} was approved.").format(number=chosen.number)
                          if approve else _("Export {number} was declined.").format(
                              number=chosen.number))

    def set_limit(self):
        return self.open_form(LimitDialog(self.session, self.listing.limit, self),
                          _("The size was saved."))


TAB = Tab("partners", lambda: _("Partners and exports"), Permission.COMPLIANCE, PartnersPage,
          order=30)
