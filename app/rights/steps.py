"""What can be done on a rights request, by whom, in which state: the steps the request page
offers. The page draws what `request_steps` and `copy_steps` say (as the cases screen draws
case.TRANSITIONS); each step's service still checks everything itself when it is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_, Labelled
from app.rights.held import HELD_KINDS
from app.rights.model import (
    OPEN_STATES,
    Artefact,
    ArtefactKind,
    RequestKind,
    RequestStatus,
    RightsRequest,
)
from app.security.roles import Permission
from app.security.session import Session


class Step(Labelled):
    NOTICE = "notice"
    ACCESS = "access"
    PORTABLE = "portable"
    RECTIFY = "rectify"
    PLAN = "plan"
    ERASE = "erase"
    RESTRICT = "restrict"
    OBJECT = "object"
    REVIEW = "review"
    AGAIN = "again"
    RELEASE = "release"
    HANDOVER = "handover"
    VERIFY = "verify"
    START = "start"
    COMPLETE = "complete"
    REFUSE = "refuse"
    EXTEND = "extend"


LABELS = {"Step": {
    "notice": N_("Print information notice"),
    "access": N_("Prepare access copy…"),
    "portable": N_("Prepare portable data…"),
    "rectify": N_("Correct identity…"),
    "plan": N_("Show erasure plan"),
    "erase": N_("Erase…"),
    "restrict": N_("Restrict processing…"),
    "object": N_("Apply (withdraw consent now)"),
    "review": N_("Review in person and answer…"),
    "again": N_("Show copy again…"),
    "release": N_("Look at it and release…"),
    "handover": N_("Print or save…"),
    "verify": N_("Mark identity as verified"),
    "start": N_("Start work"),
    "complete": N_("Complete…"),
    "refuse": N_("Refuse…"),
    "extend": N_("Extend…"),
}}

K, S = RequestKind, RequestStatus
OBJECTIONS = frozenset({K.OBJECT_MARKETING, K.OBJECT_PROFILING, K.WITHDRAW_CONSENT})
COPIES = frozenset({K.ACCESS, K.PORTABILITY})
ANY_KIND = frozenset(RequestKind)
# The steps done on a chosen answer of the request, and to which answers each applies.
ON_A_COPY = frozenset({Step.AGAIN, Step.RELEASE, Step.HANDOVER})


@dataclass(frozen=True)
class Rule:
    permission: Permission
    kinds: frozenset[RequestKind]
    states: tuple[RequestStatus, ...] = OPEN_STATES  # the states it may be taken in
    shown_in: tuple[RequestStatus, ...] | None = None  # None: shown in every state


RULES: dict[Step, Rule] = {
    Step.NOTICE: Rule(Permission.REQUEST_TAKE, frozenset({K.INFORMATION})),
    Step.ACCESS: Rule(Permission.REQUEST_TAKE, frozenset({K.ACCESS})),
    Step.PORTABLE: Rule(Permission.REQUEST_TAKE, frozenset({K.PORTABILITY})),
    Step.RECTIFY: Rule(Permission.REQUEST_TAKE, frozenset({K.RECTIFICATION})),
    Step.PLAN: Rule(Permission.REQUEST_TAKE, frozenset({K.ERASURE})),
    Step.ERASE: Rule(Permission.REQUEST_DECIDE, frozenset({K.ERASURE})),
    Step.RESTRICT: Rule(Permission.REQUEST_DECIDE, frozenset({K.RESTRICTION})),
    Step.OBJECT: Rule(Permission.REQUEST_TAKE, OBJECTIONS),
    Step.REVIEW: Rule(Permission.REQUEST_DECIDE, frozenset({K.OBJECT_PROFILING})),
    # A letter is shown again from this window's own copy, closed request or not.
    Step.AGAIN: Rule(Permission.REQUEST_TAKE, frozenset({K.INFORMATION, K.OBJECT_PROFILING}),
                     tuple(RequestStatus)),
    Step.RELEASE: Rule(Permission.REQUEST_DECIDE, COPIES),
    Step.HANDOVER: Rule(Permission.REQUEST_TAKE, COPIES),
    Step.VERIFY: Rule(Permission.REQUEST_TAKE, ANY_KIND, (S.RECEIVED,), (S.RECEIVED,)),
    Step.START: Rule(Permission.REQUEST_TAKE, ANY_KIND, (S.VERIFIED,), (S.VERIFIED,)),
    Step.COMPLETE: Rule(Permission.REQUEST_DECIDE, ANY_KIND),
    Step.REFUSE: Rule(Permission.REQUEST_DECIDE, ANY_KIND),
    Step.EXTEND: Rule(Permission.REQUEST_DECIDE, ANY_KIND),
}


def role_steps(session: Session) -> list[Step]:
    """Every step this session's roles may ever take on a request (the page's buttons)."""
    return [step for step, rule in RULES.items() if session.can(rule.permission)]


def request_steps(session: Session, request: RightsRequest) -> dict[Step, bool]:
    """The steps this session's roles take on a request of this kind in its state, in the
    order the page shows them, each with whether it can be taken now."""
    kind, status = RequestKind(request.kind), RequestStatus(request.status)
    steps = {}
    for step, rule in RULES.items():
        if not session.can(rule.permission) or kind not in rule.kinds:
            continue
        if rule.shown_in is not None and status not in rule.shown_in:
            continue
        steps[step] = status in rule.states
    return steps


def copy_steps(artefact: Artefact | None, held_here: bool) -> frozenset[Step]:
    """Which of the steps on a chosen answer apply to it: a notice held by this window is
    shown again; a held copy is released, then handed over."""
    if artefact is None:
        return frozenset()
    if artefact.kind in (ArtefactKind.NOTICE, ArtefactKind.OBJECTION_ANSWER):
        return frozenset({Step.AGAIN}) if held_here else frozenset()
    if artefact.kind not in HELD_KINDS:
        return frozenset()
    return frozenset({Step.HANDOVER if artefact.released_at else Step.RELEASE})
