"""Catalogue entries: impact assessments of the compliance file (app/compliance/assessments.py)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

O = Group.OVERSIGHT

ENTRIES = (
    Action("pia.recorded", O, N_("Impact assessment recorded"),
           N_("{who} recorded impact assessment {number} (version {version}) of the "
              "activity {activity}.")),
    Action("pia.approved", O, N_("Impact assessment approved"),
           N_("{who} approved impact assessment {number} of the activity {activity}.")),
    Action("pia.printed", O, N_("Impact assessment printed"),
           N_("{who} saved impact assessment {number} as a PDF.")),
)
