"""Catalogue entries of the honest notice and real answers (issue 16 §7): the human review
of an objection to automated decisions and profiling."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

ENTRIES = (
    Action("request.human_review", Group.REQUESTS, N_("Objection reviewed by a person"),
           N_("{who} reviewed the objection to profiling of request {request} of customer "
              "{customer}: {note}"), in_copy=True, values={"note": "text"}),
)
