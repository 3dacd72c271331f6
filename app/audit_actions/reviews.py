"""Catalogue entries: permission reviews (issue 16 §5, app/compliance/reviews.py)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group

ENTRIES = (
    Action("review.schedule_set", G.ACCOUNTS, N_("Permission review schedule changed"),
           N_("{who} set permission reviews to fall due every {after} months (was "
              "{before}).")),
    Action("review.started", G.ACCOUNTS, N_("Permission review started"),
           N_("{who} started permission review {review}.")),
    Action("review.decided", G.ACCOUNTS, N_("Permission review decision"),
           N_("{who} recorded a decision in permission review {review} on the account of "
              "{user}."),
           values={"user": "staff"}),
    Action("review.signed", G.ACCOUNTS, N_("Permission review signed"),
           N_("{who} signed permission review {review} ({accounts} accounts, {changes} "
              "changes).")),
    Action("review.carried_out", G.ACCOUNTS, N_("Permission review decision carried out"),
           N_("{who} carried out the decision of permission review {review} on the account "
              "of {user}."),
           values={"user": "staff"}),
    Action("review.printed", G.ACCOUNTS, N_("Permission review printed"),
           N_("{who} printed permission review {review}.")),
)
