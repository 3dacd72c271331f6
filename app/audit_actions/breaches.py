"""Catalogue entries: personal-data breaches (the compliance file, issue 16 §1)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group.COMPLIANCE

ENTRIES = (
    Action("breach.recorded", G, N_("Breach recorded"),
           N_("{who} recorded personal-data breach {number} ({count} customers).")),
    Action("breach.reported", G, N_("Suspected breach reported"),
           N_("{who} reported a suspected personal-data breach, {number} ({count} "
              "customers).")),
    Action("breach.updated", G, N_("Breach updated"),
           N_("{who} updated personal-data breach {number}.")),
    Action("breach.regulator_notified", G, N_("Regulator notified of a breach"),
           N_("{who} produced the letter to the regulator about breach {number}.")),
    Action("breach.customer_notified", G, N_("Customer notified of a breach"),
           N_("{who} produced the letter to customer {customer} about breach {number}."),
           in_copy=True),
    Action("breach.closed", G, N_("Breach closed"),
           N_("{who} closed personal-data breach {number}.")),
    Action("breach.deadlines_changed", G, N_("Breach deadlines changed"),
           N_("{who} set the breach deadlines: regulator {regulator_hours} hours, "
              "customers {customer_days} days.")),
    Action("breach.deadline_alert", G, N_("Breach deadline alert"),
           N_("{who} looked at the register: a deadline of breach {number} is near or has "
              "passed.")),
)
