"""Labels of stored codes in a chosen language (a customer's copy is in their language)."""

from __future__ import annotations

from app.archive.model import LABELS as ARCHIVE_LABELS
from app.customers.model import LABELS as CUSTOMER_LABELS
from app.i18n import N_, translate
from app.rights.model import LABELS as RIGHTS_LABELS

_OWN: dict[str, dict[str, str]] = {
    "Gender": {"M": N_("male"), "F": N_("female")},
    "PaymentChannel": {"counter": N_("Counter"), "online": N_("Online"), "bank": N_("Bank"),
                       "autopay": N_("Automatic payment")},
}


def label(kind: str, value: str, language: str) -> str:
    """The label of `value` of the enum named `kind`; the raw value if there is none."""
    if not value:
        return ""
    for table in (_OWN, CUSTOMER_LABELS, RIGHTS_LABELS, ARCHIVE_LABELS):
        msgid = table.get(kind, {}).get(value)
        if msgid:
            return translate(msgid, language)
    if kind == "Purpose" and value.startswith("other: "):
        return translate("Other", language) + ": " + value[7:]
    return value
