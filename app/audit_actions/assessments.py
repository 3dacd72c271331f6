"""Catalogue entries: impact assessments of the compliance file (app/compliance/assessments.py)."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group.OVERSIGHT  # the compliance file is the managers' oversight

ENTRIES = (
    Action("pia.recorded", G, N_("Impact assessment recorded"),
           N_("{who} recorded impact assessment {number} (version {version}) of the "
              "activity {activity}.")),
    Action("pia.approved", G, N_("Impact assessment approved"),
           N_("{who} approved impact assessment {number} of the activity {activity}.")),
    Action("pia.printed", G, N_("Impact assessment printed"),
           N_("{who} saved impact assessment {number} as a PDF.")),
)
