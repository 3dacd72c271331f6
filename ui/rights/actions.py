"""The buttons of a request page and what each does.

Which steps a request offers, to whom and when, is app/'s (app/rights/steps.py): the page
shows and enables the buttons it names. Each handler calls one app/ function (through a
form where something must be typed); a refusal is shown as its sentence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QPushButton

from app.customers.model import ConsentPurpose
from app.customers.records import open_customer
from app.errors import CustosError
from app.i18n import N_, _
from app.rights import answers
from app.rights.copies import CopyBytes, file_name, handover_copy, review_copy
from app.rights.erasure import ErasurePlan, erasure_plan
from app.rights.model import ArtefactKind, RequestKind, RightsRequest
from app.rights.requests import start_work, verify_identity
from app.rights.steps import ON_A_COPY, Step, copy_steps, request_steps, role_steps
from app.security import Session
from ui.dialogs import ask
from ui.rights.common import HeldCopy, ask_save_path, save_bytes
from ui.rights.decision_dialogs import (
    AccessCopyDialog,
    CompleteDialog,
    ExtendDialog,
    PasswordOnceDialog,
    PortableCopyDialog,
    ProfilingReviewDialog,
    RefuseDialog,
    RestrictDialog,
    WithdrawDialog,
)
from ui.rights.erasure_dialogs import EraseDialog, ErasurePlanDialog
from ui.rights.preview import PreviewDialog
from ui.rights.rectify import CorrectIdentityDialog
from ui.rights.release_dialog import HandOverDialog, PortableReviewDialog, ReleaseDialog

if TYPE_CHECKING:
    from ui.rights.request_page import RequestPage

HELD_SENTENCE = N_("The copy was prepared. Custos holds it until a manager has looked at it "
                   "and released it; then it can be printed or saved.")


@dataclass
class Action:
    step: Step
    button: QPushButton

    def refresh(self, page: RequestPage, steps: dict[Step, bool],
                on_copy: frozenset[Step]) -> None:
        """Shown when app/ offers the step on this request, enabled when it can be taken
        now (a step on an answer: when it applies to the chosen one)."""
        self.button.setVisible(self.step in steps)
        enabled = steps.get(self.step, False)
        if self.step in ON_A_COPY:
            enabled = enabled and self.step in on_copy
        self.button.setEnabled(enabled)


def refresh_actions(page: RequestPage) -> None:
    request = page.request
    steps = request_steps(page.session, request) if request is not None else {}
    chosen = page.selected_artefact()
    on_copy = copy_steps(chosen, chosen is not None and chosen.sha256 in page.documents)
    for action in page.actions:
        action.refresh(page, steps, on_copy)


# step → its handler and the row of the page its button stands in
_PLACES: dict[Step, tuple[str, str]] = {
    Step.NOTICE: ("print_notice", "answer"), Step.ACCESS: ("prepare_access", "answer"),
    Step.PORTABLE: ("prepare_portable", "answer"), Step.RECTIFY: ("correct_identity", "answer"),
    Step.PLAN: ("show_plan", "answer"), Step.ERASE: ("erase", "answer"),
    Step.RESTRICT: ("restrict", "answer"), Step.OBJECT: ("apply_objection", "answer"),
    Step.REVIEW: ("review_objection", "answer"),
    Step.AGAIN: ("show_again", "copies"), Step.RELEASE: ("release", "copies"),
    Step.HANDOVER: ("hand_over", "copies"), Step.VERIFY: ("verify", "decide"),
    Step.START: ("start", "decide"), Step.COMPLETE: ("complete", "decide"),
    Step.REFUSE: ("refuse", "decide"), Step.EXTEND: ("extend", "decide"),
}


def build_actions(page: RequestPage) -> list[Action]:
    """A hidden button per step of the role; `refresh_actions` shows those app/ offers."""
    rows = {"answer": page.answer_row, "decide": page.decide_row, "copies": page.artefact_row}
    actions = []
    for step in role_steps(page.session):
        handler, row = _PLACES[step]
        button = QPushButton(step.label)
        button.setObjectName(f"action-{step.value}")
        button.setAutoDefault(False)
        button.setVisible(False)
        button.clicked.connect(lambda _checked=False, h=HANDLERS[handler]: h(page))
        rows[row].addWidget(button)
        actions.append(Action(step, button))
    return actions


# -- handlers ---------------------------------------------------------------------------

def _names(page: RequestPage) -> tuple[Session, str, RightsRequest]:
    request = page.request
    assert request is not None
    return page.session, request.request_no, request


def hold(page: RequestPage, data: bytes, password: str | None = None) -> str:
    """A notice prepared here: kept by this window so it can be shown again."""
    sha = hashlib.sha256(data).hexdigest()
    page.documents[sha] = HeldCopy(data, password)
    page.reload()  # the "show again" button can now find it
    return sha


_FILE_NAMES = {ArtefactKind.NOTICE: "information-notice",
               ArtefactKind.OBJECTION_ANSWER: "objection-answer"}


def preview(page: RequestPage, copy: HeldCopy, kind: ArtefactKind) -> QDialog:
    number = page.request_no
    # File names stay ASCII: they travel by email and USB stick to any system.
    dialog = PreviewDialog(copy.data, kind.label, f"{_FILE_NAMES[kind]}-{number}.pdf",
                           copy.password,
                           _("Custos keeps only the checksum of this copy, not the file: print "
                             "it or save it before you close the request."), page)
    return page.show_child(dialog)


def print_notice(page: RequestPage) -> None:
    session, number, request = _names(page)

    def shown(data: bytes) -> None:
        preview(page, page.documents[hold(page, data)], ArtefactKind.NOTICE)

    page.run(lambda: answers.information_notice(session, request.language, number),
             _("The information notice is the answer of this request; print it from the "
               "preview."), _("Preparing the information notice…"), shown)


def review_objection(page: RequestPage) -> None:
    session, _number, request = _names(page)

    def answered(data: bytes) -> None:
        preview(page, page.documents[hold(page, data)], ArtefactKind.OBJECTION_ANSWER)

    page.open_form(ProfilingReviewDialog(session, request, page),
                   _("The review is on record and the analytics consent withdrawn; print "
                     "the answer from the preview."), answered)


def prepare_access(page: RequestPage) -> None:
    session, _number, request = _names(page)

    def prepared(copy: answers.PreparedCopy) -> None:
        if copy.password:
            page.show_child(PasswordOnceDialog(copy.password, page))

    page.open_form(AccessCopyDialog(session, request, page), _(HELD_SENTENCE), prepared)


def prepare_portable(page: RequestPage) -> None:
    session, _number, request = _names(page)

    def prepared(copy: answers.PreparedCopy) -> None:
        if copy.password:
            page.show_child(PasswordOnceDialog(copy.password, page,
                                               _("Password of the portable data")))

    page.open_form(PortableCopyDialog(session, request, page), _(HELD_SENTENCE), prepared)


def show_again(page: RequestPage) -> None:
    copy = page.selected_artefact()
    held = page.documents.get(copy.sha256) if copy else None
    if copy is None or held is None:
        return
    preview(page, held, ArtefactKind(copy.kind))


def release(page: RequestPage) -> None:
    """The manager is shown the copy (a view app/ records), then may release it."""
    session, number, _request = _names(page)
    copy = page.selected_artefact()
    if copy is None:
        return

    def review(shown: CopyBytes) -> None:
        dialog_class = ReleaseDialog if shown.kind == ArtefactKind.ACCESS_COPY \
            else PortableReviewDialog
        dialog = dialog_class(session, shown, page)
        page.open_form(dialog, _("The copy was released to the customer; it can now be "
                                 "printed or saved."))

    page.run(lambda: review_copy(session, number, copy.sha256),
             _("Look at the copy, then release it."), _("Showing the pages…"), review)


def hand_over(page: RequestPage) -> None:
    """A released copy: the access copy in a preview with Print and Save, the portable data
    straight to a file; app/ logs every hand-over."""
    session, number, _request = _names(page)
    copy = page.selected_artefact()
    if copy is None:
        return
    if copy.kind == ArtefactKind.ACCESS_COPY:
        page.run(lambda: handover_copy(session, number, copy.sha256, how="shown"),
                 _("Print or save the copy from the preview."), _("Showing the pages…"),
                 lambda shown: page.show_child(HandOverDialog(session, shown, page)))
        return
    target = ask_save_path(page, _("Save the portable data as"),
                           file_name(copy.kind, number), _("ZIP files (*.zip)"))
    if target is None:
        return
    page.run(lambda: save_bytes(target, handover_copy(session, number, copy.sha256,
                                                      how="saved").data),
             _("Saved as {file}.").format(file=str(target)), _("Saving the portable data…"))


def correct_identity(page: RequestPage) -> None:
    session, number, request = _names(page)
    try:
        record = open_customer(session, request.customer_no, "rights_request")
    except CustosError as exc:
        page.say(str(exc), ok=False)
        return
    page.open_form(CorrectIdentityDialog(session, record.identity, number, page),
                   _("The identity of {customer} was corrected.").format(
                       customer=request.customer_no))


def _plan(page: RequestPage) -> ErasurePlan | None:
    session, number, _request = _names(page)
    try:
        return erasure_plan(session, number)
    except CustosError as exc:
        page.say(str(exc), ok=False)
        return None


def show_plan(page: RequestPage) -> None:
    plan = _plan(page)
    if plan is not None:
        dialog = ErasurePlanDialog(plan, page)
        page.show_child(dialog)


def erase(page: RequestPage) -> None:
    session, _number, request = _names(page)
    plan = _plan(page)
    if plan is not None:
        page.open_form(EraseDialog(session, request, plan, page),
                       _("Customer {customer} was erased and the request completed.").format(
                           customer=plan.customer_no))


def restrict(page: RequestPage) -> None:
    session, _number, request = _names(page)
    page.open_form(RestrictDialog(session, request, page),
                   _("Processing of {customer} is restricted.").format(
                       customer=request.customer_no))


def apply_objection(page: RequestPage) -> None:
    session, number, request = _names(page)
    done = _("The withdrawal is on record and effective now.")
    if request.kind == RequestKind.WITHDRAW_CONSENT:
        page.open_form(WithdrawDialog(session, request, page), done)
        return
    purpose = ConsentPurpose.MARKETING if request.kind == RequestKind.OBJECT_MARKETING \
        else ConsentPurpose.ANALYTICS
    ask(page, _("Withdraw the consent “{consent}” of {customer} now? It takes effect at once; "
                "the original consent stays in the history.").format(
        consent=purpose.label, customer=request.customer_no), _("Withdraw now"),
        lambda: page.run(lambda: answers.apply_objection(session, number), done))


def verify(page: RequestPage) -> None:
    session, number, request = _names(page)
    version = request.version
    page.run(lambda: verify_identity(session, number, expected_version=version),
             _("The identity is marked as verified."))


def start(page: RequestPage) -> None:
    session, number, request = _names(page)
    version = request.version
    page.run(lambda: start_work(session, number, expected_version=version),
             _("The request is in progress."))


def _form(dialog_class: type, sentence: str) -> Callable[[RequestPage], None]:
    def handler(page: RequestPage) -> None:
        session, _number, request = _names(page)
        page.open_form(dialog_class(session, request, page), _(sentence))
    return handler


HANDLERS: dict[str, Callable[[RequestPage], None]] = {
    "print_notice": print_notice, "prepare_access": prepare_access,
    "prepare_portable": prepare_portable, "show_again": show_again, "release": release,
    "hand_over": hand_over,
    "correct_identity": correct_identity, "show_plan": show_plan, "erase": erase,
    "restrict": restrict, "apply_objection": apply_objection,
    "review_objection": review_objection, "verify": verify,
    "start": start,
    "complete": _form(CompleteDialog, N_("The request is completed.")),
    "refuse": _form(RefuseDialog, N_("The request is refused; tell the customer the reason "
                                      "and their right to complain.")),
    "extend": _form(ExtendDialog, N_("The request was extended.")),
}
