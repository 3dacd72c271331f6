"""Everything a customer page shows, fetched in one go on the worker.

`open_customer` registers the look-up (and refuses without a purpose); the rest — the
overview, every month of consumption, payments, the consent ledger, and for managers the
access history — is read after it, under the purpose it registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.customers.consents import ConsentEvent, consent_history
from app.customers.model import ConsumptionMonth, CustomerRecord, PaymentRecord
from app.customers.overview import Overview, customer_overview
from app.customers.records import (
    AccessEvent,
    PurposeRequired,
    access_history,
    consumption_history,
    open_customer,
    payments,
)
from app.security import Permission, Session


@dataclass(frozen=True)
class CustomerView:
    record: CustomerRecord
    overview: Overview
    history: tuple[ConsumptionMonth, ...]   # every month on record, newest first
    payments: tuple[PaymentRecord, ...]
    ledger: tuple[ConsentEvent, ...]        # every consent grant and withdrawal, oldest first
    access: tuple[AccessEvent, ...] | None  # None: not for this viewer

    @property
    def customer_no(self) -> str:
        return self.record.identity.customer_no


def load_customer(session: Session, customer_no: str, purpose: str | None = None,
                  purpose_text: str = "") -> CustomerView:
    record = open_customer(session, customer_no, purpose, purpose_text)
    number = record.identity.customer_no
    access = (tuple(access_history(session, number))
              if session.can(Permission.OVERSIGHT) else None)
    return CustomerView(record=record, overview=customer_overview(session, number),
                        history=tuple(consumption_history(session, number)),
                        payments=tuple(payments(session, number)),
                        ledger=tuple(consent_history(session, number)),
                        access=access)


def try_load(session: Session, customer_no: str) -> CustomerView | None:
    """The view if this session already registered a purpose for the customer; else None."""
    try:
        return load_customer(session, customer_no)
    except PurposeRequired:
        return None
