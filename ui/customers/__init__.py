"""The customer-records screens: the Customers section (search, customer page, new customer)
and the Cases section. `register_sections()` puts both into the main window's registry."""

from __future__ import annotations

from app.i18n import _
from app.security import Permission


def register_sections() -> None:
    from ui.customers.cases_section import CasesSection
    from ui.customers.section import CustomersSection
    from ui.sections import Section, register

    register(Section("customers", lambda: _("Customers"), Permission.CUSTOMER_FIND,
                     CustomersSection, order=10))
    register(Section("cases", lambda: _("Cases"), Permission.CUSTOMER_OPEN, CasesSection,
                     order=20))
