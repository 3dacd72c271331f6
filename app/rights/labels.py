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
    "Action": {
        "customer.opened": N_("record opened"), "customer.revealed": N_("masked field shown"),
        "customer.created": N_("record created"), "customer.rectified": N_("data corrected"),
        "customer.restricted": N_("processing restricted"),
        "customer.restriction_lifted": N_("restriction lifted"),
        "customer.erased": N_("data erased"),
        "service.added": N_("service added"), "service.ended": N_("service ended"),
        "case.opened": N_("case opened"), "case.moved": N_("case updated"),
        "consent.granted": N_("consent granted"), "consent.withdrawn": N_("consent withdrawn"),
        "request.received": N_("request received"),
        "request.identity_verified": N_("identity verified for a request"),
        "request.started": N_("request in progress"),
        "request.extended": N_("request deadline extended"),
        "request.artefact_prepared": N_("copy prepared"),
        "request.artefact_released": N_("copy released"),
        "request.completed": N_("request completed"),
        "request.refused": N_("request refused"),
        "service.suspended": N_("service suspended"), "service.resumed": N_("service resumed"),
        "consumption.recorded": N_("consumption recorded"),
        "consumption.imported": N_("consumption imported"),
        "payment.recorded": N_("payment recorded"),
        "case.reassigned": N_("case reassigned"),
    },
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
