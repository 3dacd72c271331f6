"""What the catalogue knows of one audit action, and the groups the access log filters by."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.i18n import N_, Labelled


class Group(Labelled):
    CUSTOMERS = "customers"
    SERVICES = "services"
    CASES = "cases"
    CONSENTS = "consents"
    REQUESTS = "requests"
    PAPER_FILES = "paper_files"
    LOANS = "loans"
    SIGN_IN = "sign_in"
    ACCOUNTS = "accounts"
    KEYS = "keys"
    BACKUPS = "backups"
    RETENTION = "retention"
    OVERSIGHT = "oversight"
    IMPORTS = "imports"
    SYSTEM = "system"
    COMPLIANCE = "compliance"


LABELS: dict[str, dict[str, str]] = {
    "Group": {
        "customers": N_("Customers"),
        "services": N_("Services and billing"),
        "cases": N_("Cases"),
        "consents": N_("Consents"),
        "requests": N_("Rights requests"),
        "paper_files": N_("Paper files"),
        "loans": N_("Loans"),
        "sign_in": N_("Logins and locks"),
        "accounts": N_("Accounts and permissions"),
        "keys": N_("Keys"),
        "backups": N_("Backups"),
        "retention": N_("Retention"),
        "oversight": N_("Log, alerts, reports and exports"),
        "imports": N_("Imports"),
        "system": N_("Database and settings"),
        "compliance": N_("Compliance file"),
    },
    # What an event's outcome column holds, in words.
    "Result": {
        "ok": N_("Done"),
        "failed": N_("Failed"),
        "refused": N_("Refused"),
        "denied": N_("Not permitted"),
    },
}


@dataclass(frozen=True)
class Action:
    """One action Custos writes to the access log.

    `sentence` reads the event as one sentence: `{who}` is the person's name, `{customer}`
    the customer number, any other placeholder a detail value in words (`values` says how a
    detail key is turned into words where its stored value is a code). `in_copy`: shown in
    the customer's own access copy (section 8). `watched_by`: the alert rules that look at
    each such event as it is written (app/oversight/alerts.py subscribes to them)."""

    code: str
    group: Group
    label: str
    sentence: str
    in_copy: bool = False
    values: Mapping[str, str] = field(default_factory=dict)
    watched_by: tuple[str, ...] = ()
