"""Catalogue entries: the compliance file's partners (external recipients, their agreements
and supervision checks), disclosures of a customer's data to them, and the approvals that
bulk exports of customer data wait for (app/compliance/partners.py, disclosures.py,
export_approvals.py)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

C, OV = Group.CUSTOMERS, Group.OVERSIGHT

ENTRIES = (
    Action("partner.added", OV, N_("Partner registered"),
           N_("{who} registered the partner {partner}.")),
    Action("partner.agreement_recorded", OV, N_("Partner agreement recorded"),
           N_("{who} recorded the agreement with {partner}, in force from {valid_from} to "
              "{valid_until}.")),
    Action("partner.checked", OV, N_("Partner supervision check recorded"),
           N_("{who} recorded a supervision check of {partner} on {checked_on}.")),
    Action("partner.register_printed", OV, N_("Register of partners printed"),
           N_("{who} printed the register of external recipients ({language})."),
           values={"language": "Language"}),
    Action("disclosure.recorded", C, N_("Data disclosed to a partner"),
           N_("{who} disclosed data of customer {customer} to {partner}."), in_copy=True,
           watched_by=("after_hours",)),
    Action("disclosure.refused", C, N_("Disclosure to a partner refused"),
           N_("{who} was refused a disclosure of customer {customer}'s data to {partner}.")),
    Action("export.requested", OV, N_("Export approval asked for"),
           N_("{who} asked for approval of export {approval}.")),
    Action("export.approved", OV, N_("Export approved"),
           N_("{who} approved export {approval}.")),
    Action("export.declined", OV, N_("Export approval declined"),
           N_("{who} declined export {approval}.")),
    Action("export.blocked", OV, N_("Export without approval refused"),
           N_("{who} was refused an export of {rows} rows without a manager's approval.")),
    Action("export.limit_changed", OV, N_("Export approval size changed"),
           N_("{who} set the size from which an export needs approval to {limit} rows.")),
)
