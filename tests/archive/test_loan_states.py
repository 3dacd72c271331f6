"""The loan state machine: every action tried from every state — allowed ones move the loan
(and the file) as they should, refused ones raise one sentence and change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.archive import loans
from app.archive.model import LoanStatus as S
from app.errors import Conflict

DUE = date(2025, 3, 6)          # three working days after the fixed start (a Monday)
AFTER_DUE = date(2025, 3, 10)


def _make(state: str, archive, manager, counter, paper) -> tuple[str, int]:
    """A file and its loan in `state` (requested* = approval needed)."""
    if state == "requested":
        number = paper()
        return number, loans.request_loan(counter, number, "Customer at the counter")
    if state in ("on_loan", "returned", "lost", "claimed_returned"):
        number = paper()
        loan_id = loans.lend(archive, number, "counter", "Contract check", due_date=DUE)
    else:
        number = paper("id_copy")
        loan_id = loans.lend(archive, number, "Police station No. 3", "Investigation",
                             due_date=DUE, external=True)
    if state == "approved":
        loans.approve_loan(manager, loan_id)
    elif state == "refused":
        loans.refuse_loan(manager, loan_id, "No legal basis given")
    elif state == "cancelled":
        loans.cancel_loan(archive, loan_id, "Not needed any more")
    elif state == "returned":
        loans.return_file(archive, number, "intact")
    elif state == "lost":
        loans.mark_lost(archive, number, "Borrower left the company", today=AFTER_DUE)
    elif state == "claimed_returned":
        loans.claim_returned(archive, number, "Says it was put in the return tray")
    return number, loan_id


ACTIONS = {
    "approve": lambda s, n, i: loans.approve_loan(s["manager"], i),
    "refuse": lambda s, n, i: loans.refuse_loan(s["manager"], i, "Not justified"),
    "hand_over": lambda s, n, i: loans.hand_over(s["archive"], i),
    "cancel": lambda s, n, i: loans.cancel_loan(s["archive"], i, "Withdrawn"),
    "return": lambda s, n, i: loans.return_file(s["archive"], n, "intact"),
    "renew": lambda s, n, i: loans.renew(s["archive"], n, today=date(2025, 3, 4)),
    "mark_lost": lambda s, n, i: loans.mark_lost(s["archive"], n, "Gone", today=AFTER_DUE),
    "claim_returned": lambda s, n, i: loans.claim_returned(s["archive"], n, "Says so"),
}

# (state the loan is in) -> {action: (loan status after, file status after)}; actions not
# listed must be refused.
ALLOWED: dict[str, dict[str, tuple[str, str]]] = {
    "requested": {"hand_over": (S.ON_LOAN, "on_loan"), "cancel": (S.CANCELLED, "in_archive")},
    "requested_approval": {"approve": (S.APPROVED, "in_archive"),
                           "refuse": (S.REFUSED, "in_archive"),
                           "cancel": (S.CANCELLED, "in_archive")},
    "approved": {"hand_over": (S.ON_LOAN, "on_loan"), "cancel": (S.CANCELLED, "in_archive")},
    "refused": {},
    "cancelled": {},
    "on_loan": {"return": (S.RETURNED, "in_archive"), "renew": (S.ON_LOAN, "on_loan"),
                "mark_lost": (S.LOST, "lost"), "claim_returned": (S.CLAIMED_RETURNED, "on_loan")},
    "returned": {},
    "lost": {},
    "claimed_returned": {"return": (S.RETURNED, "in_archive"), "mark_lost": (S.LOST, "lost")},
}

CASES = [(state, action) for state in ALLOWED for action in ACTIONS]


def _status(session, loan_id: int) -> tuple[str, str]:
    with session.db.read() as conn:
        row = conn.execute(text("SELECT loan.status, paper_file.status AS file_status FROM loan "
                                "JOIN paper_file ON paper_file.id = loan.file_id "
                                "WHERE loan.id = :id"), {"id": loan_id}).one()
    return row.status, row.file_status


@pytest.mark.parametrize("state, action", CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_transition(state, action, archive, manager, counter, paper, snapshot):
    number, loan_id = _make(state, archive, manager, counter, paper)
    expected_start = S.REQUESTED if state.startswith("requested") else state
    assert _status(archive, loan_id)[0] == expected_start
    sessions = {"archive": archive, "manager": manager}
    allowed = ALLOWED[state].get(action)
    if allowed is None:
        before = snapshot(archive)
        with pytest.raises(Conflict) as error:
            ACTIONS[action](sessions, number, loan_id)
        sentence = str(error.value)
        assert sentence.endswith(".") and "\n" not in sentence
        assert snapshot(archive) == before
    else:
        ACTIONS[action](sessions, number, loan_id)
        assert _status(archive, loan_id) == allowed


def test_every_loan_status_is_reached():
    reached = {S(s) for s in ALLOWED if not s.startswith("requested_")}
    reached |= {S(to) for moves in ALLOWED.values() for to, _file in moves.values()}
    assert reached == set(S)
