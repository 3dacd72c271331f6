"""Catalogue entries: staff confidentiality agreements and training (issue 16 §4,
app/compliance/staff.py)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group

ENTRIES = (
    Action("staff.agreement_recorded", G.ACCOUNTS, N_("Confidentiality agreement recorded"),
           N_("{who} recorded the confidentiality agreement {user} signed on {signed_on}."),
           values={"user": "staff"}),
    Action("staff.training_recorded", G.ACCOUNTS, N_("Training recorded"),
           N_("{who} recorded the training on {topic} held on {held_on} ({attendees} "
              "attendees).")),
    Action("staff.activation_refused", G.ACCOUNTS,
           N_("Access refused without a confidentiality agreement"),
           N_("{who} was refused activating {user}: no signed confidentiality agreement is "
              "on record."),
           values={"user": "staff"}),
    Action("staff.register_printed", G.ACCOUNTS, N_("Staff register printed"),
           N_("{who} printed the register of staff agreements and training ({language})."),
           values={"language": "Language"}),
)
