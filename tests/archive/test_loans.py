"""Circulation rules: approvals, renewals, overdue escalation, returns, anonymisation, roles,
and bad input that must change nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from app import accounts
from app.archive import loans, registry
from app.archive.model import (
    ANONYMISED,
    ESCALATE_AFTER_DAYS,
    HARD_MAX_LOAN_DAYS,
    RENEWAL_LIMIT,
    LoanStatus,
    escalation_due,
    escalation_label,
    escalation_rule,
)
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.security.roles import Role

MONDAY = date(2025, 3, 3)


def _loan(session, loan_id: int):
    return next(x for x in loans.loans_of_borrower(session, _borrower(session, loan_id))
                if x.id == loan_id)


def _borrower(session, loan_id: int) -> str:
    with session.db.read() as conn:
        return conn.execute(text("SELECT borrower FROM loan WHERE id = :i"),
                            {"i": loan_id}).scalar_one()


# --- approval rules --------------------------------------------------------------------------

def test_plain_file_to_staff_goes_out_at_once(archive, paper):
    number = paper()
    loan_id = loans.lend(archive, number, "COUNTER", "Contract check")
    loan = _loan(archive, loan_id)
    assert (loan.status, loan.needs_approval, loan.borrower) == ("on_loan", False, "counter")
    assert loan.due_date == "2025-03-06"  # three working days
    found = registry.get_file(archive, number)
    assert (found.status, found.on_loan_to, found.due_date) == ("on_loan", "counter",
                                                                "2025-03-06")


def test_default_due_date_skips_the_weekend(archive, paper, fixed_clock):
    fixed_clock.set("2025-03-06")  # a Thursday
    loan_id = loans.lend(archive, paper(), "counter", "Check")
    assert _loan(archive, loan_id).due_date == "2025-03-11"
    id_copy_loan = loans.lend(archive, paper("id_copy"), "counter", "Check")
    assert _loan(archive, id_copy_loan).due_date == "2025-03-07"  # one working day


@pytest.mark.parametrize("kind, external", [("id_copy", False), ("service_agreement", True),
                                            ("id_copy", True)])
def test_sensitive_or_external_waits_for_a_manager(archive, manager, paper, kind, external):
    number = paper(kind)
    loan_id = loans.lend(archive, number, "Legal dept. Wang" if external else "counter",
                         "Audit", external=external)
    assert _loan(archive, loan_id).status == LoanStatus.REQUESTED
    assert registry.get_file(archive, number).status == "in_archive"
    assert [x.id for x in loans.pending_approvals(manager)] == [loan_id]
    with pytest.raises(Conflict, match="must be approved by a manager"):
        loans.hand_over(archive, loan_id)
    loans.approve_loan(manager, loan_id, "OK")
    assert loans.pending_approvals(manager) == []
    loans.hand_over(archive, loan_id)
    loan = _loan(archive, loan_id)
    assert (loan.status, loan.decided_by, loan.lent_by) == ("on_loan", "manager", "archive")


def test_counter_request_then_hand_over(counter, archive, manager, paper, fixed_clock):
    number = paper()
    loan_id = loans.request_loan(counter, number, "Customer dispute")
    loan = _loan(archive, loan_id)
    assert (loan.status, loan.needs_approval, loan.borrower) == ("requested", False, "counter")
    assert loans.pending_approvals(manager) == []  # nothing for a manager to decide
    with pytest.raises(Conflict, match="does not need a manager's approval"):
        loans.approve_loan(manager, loan_id)
    fixed_clock.set("2025-03-12")  # picked up a week later: the due date counts from now
    loans.hand_over(archive, loan_id)
    assert _loan(archive, loan_id).due_date == "2025-03-17"


def test_nobody_approves_their_own_request(manager, paper):
    loan_id = loans.request_loan(manager, paper("id_copy"), "Review")
    with pytest.raises(Conflict, match="another manager"):
        loans.approve_loan(manager, loan_id)


def test_counter_cancels_only_their_own_request(counter, manager, archive, paper, actions):
    mine = loans.request_loan(counter, paper(), "Check")
    other = loans.request_loan(manager, paper(), "Check")
    with pytest.raises(PermissionDenied):
        loans.cancel_loan(counter, other)
    assert actions(counter)[-1] == "permission.denied"
    assert _loan(archive, other).status == "requested"
    loans.cancel_loan(counter, mine, "Customer left")
    assert _loan(archive, mine).status == "cancelled"


# --- returns ----------------------------------------------------------------------------------

def test_damaged_return_needs_a_note_and_alerts_managers_once(archive, paper, notices):
    number = paper()
    loans.lend(archive, number, "counter", "Check")
    with pytest.raises(ValidationError, match="Describe the damage"):
        loans.return_file(archive, number, "damaged")
    loan_id = loans.return_file(archive, number, "damaged", "Page 2 torn",
                                received_by="ARCHIVE")
    loan = _loan(archive, loan_id)
    assert (loan.condition, loan.condition_note, loan.received_by) == ("damaged", "Page 2 torn",
                                                                        "archive")
    alerts = notices(archive, "loan.returned_damaged")
    assert len(alerts) == 1 and alerts[0].audience == "manager"
    assert json.loads(alerts[0].detail)["loan_id"] == loan_id
    loans.lend(archive, number, "counter", "Again")
    loans.return_file(archive, number, "intact")
    assert len(notices(archive, "loan.returned_damaged")) == 1


def test_incomplete_return_also_alerts(archive, paper, notices):
    number = paper()
    loans.lend(archive, number, "counter", "Check")
    loans.return_file(archive, number, "incomplete", "Annex missing")
    assert [n.audience for n in notices(archive, "loan.returned_damaged")] == ["manager"]


# --- renewals -----------------------------------------------------------------------------------

def test_renewal_limit(archive, paper):
    number = paper()
    loans.lend(archive, number, "counter", "Check")           # due 2025-03-06
    assert loans.renew(archive, number, today=MONDAY) == "2025-03-11"
    assert loans.renew(archive, number, today=MONDAY) == "2025-03-14"
    with pytest.raises(Conflict) as error:
        loans.renew(archive, number, today=MONDAY)
    assert str(error.value) == (f"The loan of file {number} has already been renewed "
                                f"{RENEWAL_LIMIT} times, the limit.")
    assert registry.get_file(archive, number).due_date == "2025-03-14"


def test_renewal_never_past_the_hard_maximum(archive, paper, snapshot):
    number = paper()
    loans.lend(archive, number, "counter", "Check", due_date="2025-03-28")
    before = snapshot(archive)
    with pytest.raises(Conflict, match="may not run past 2025-04-02"):
        loans.renew(archive, number, "2025-04-03", today=MONDAY)
    assert snapshot(archive) == before
    assert loans.renew(archive, number, today=MONDAY) == "2025-04-02"  # cut at the maximum
    with pytest.raises(Conflict, match="may not run past"):
        loans.renew(archive, number, today=MONDAY)                    # no room left
    assert HARD_MAX_LOAN_DAYS == 30


def test_due_date_beyond_the_maximum_is_refused_at_lending(archive, paper):
    with pytest.raises(ValidationError, match="may not run past 2025-04-02"):
        loans.lend(archive, paper(), "counter", "Check", due_date="2025-04-03")


# --- overdue and escalation -----------------------------------------------------------------------

def test_overdue_list_longest_first(archive, paper):
    a, b, c = paper(), paper(), paper()
    loans.lend(archive, a, "counter", "x", due_date="2025-03-05")
    loans.lend(archive, b, "counter", "x", due_date="2025-03-04")
    loans.lend(archive, c, "counter", "x", due_date="2025-03-20")
    late = loans.overdue(archive, today=date(2025, 3, 10))
    assert [(x.file_no, x.days_overdue) for x in late] == [(b, 6), (a, 5)]


def test_escalation_levels_are_idempotent(archive, manager, paper, notices):
    number = paper()
    loan_id = loans.lend(archive, number, "counter", "x", due_date="2025-03-05")
    assert loans.escalate_overdue(archive, today=date(2025, 3, 4)) == 0
    assert loans.escalate_overdue(archive, today=date(2025, 3, 5)) == 1  # due today: reminder
    assert loans.escalate_overdue(manager, today=date(2025, 3, 5)) == 0
    assert [(n.audience, n.kind) for n in notices(archive)] == [("archive", "loan.due")]
    assert loans.escalate_overdue(archive, today=date(2025, 3, 9)) == 0   # 4 days late
    assert loans.escalate_overdue(archive, today=date(2025, 3, 10)) == 1  # 5 days late
    assert loans.escalate_overdue(archive, today=date(2025, 3, 30)) == 0
    assert [(n.audience, n.kind) for n in notices(archive)] == [
        ("archive", "loan.due"), ("manager", "loan.overdue_alert")]
    assert _loan(archive, loan_id).escalation == 2


def test_the_overdue_list_applies_the_rule_its_hint_states(archive, paper, notices):
    """10 days overdue is never shown as "none yet" while the rule says managers are alerted
    after 5: listing the overdue loans brings each up to model.escalation_due first."""
    number = paper()
    loans.lend(archive, number, "counter", "x", due_date="2025-03-05")
    late = loans.overdue(archive, today=date(2025, 3, 15))
    assert [(x.days_overdue, x.escalation) for x in late] == [(10, 2)]
    assert escalation_due(10) == 2 and escalation_due(4) == 1 and escalation_due(0) == 1
    assert str(ESCALATE_AFTER_DAYS) in escalation_rule()
    assert escalation_label(late[0].escalation) == "Managers alerted"
    assert [n.kind for n in notices(archive)] == ["loan.due", "loan.overdue_alert"]
    loans.overdue(archive, today=date(2025, 3, 16))
    assert len(notices(archive)) == 2  # once only


def test_escalation_catches_up_in_one_run_and_renewal_restarts_it(archive, paper, notices):
    number = paper()
    loans.lend(archive, number, "counter", "x", due_date="2025-03-05")
    assert loans.escalate_overdue(archive, today=date(2025, 3, 20)) == 2
    assert len(notices(archive)) == 2
    loans.renew(archive, number, "2025-03-25", today=date(2025, 3, 20))
    assert loans.escalate_overdue(archive, today=date(2025, 3, 25)) == 1


def test_claimed_returned_is_not_escalated(archive, paper):
    number = paper()
    loans.lend(archive, number, "counter", "x", due_date="2025-03-05")
    loans.claim_returned(archive, number, "Says it was returned")
    assert loans.overdue(archive, today=date(2025, 3, 20)) == []
    assert loans.escalate_overdue(archive, today=date(2025, 3, 20)) == 0
    assert registry.get_file(archive, number).status == "on_loan"


def test_mark_lost_only_when_overdue(archive, paper, notices):
    number = paper()
    loans.lend(archive, number, "counter", "x", due_date="2025-03-05")
    with pytest.raises(Conflict, match="is not overdue"):
        loans.mark_lost(archive, number, "Gone", today=date(2025, 3, 5))
    loans.mark_lost(archive, number, "Gone", today=date(2025, 3, 6))
    assert registry.get_file(archive, number).status == "lost"
    assert [n.kind for n in notices(archive)] == ["loan.lost"]
    loans.mark_found(archive, number, "Behind cabinet 3")
    assert registry.get_file(archive, number).status == "in_archive"
    assert loans.loans_of_file(archive, number)[0].status == "lost"


# --- history and anonymisation ------------------------------------------------------------------

def test_history_per_file_borrower_customer(archive, paper, customer_no, make_customer):
    a, b = paper(), paper(customer_no=make_customer(5))
    first = loans.lend(archive, a, "counter", "x")
    loans.return_file(archive, a, "intact")
    second = loans.lend(archive, a, "manager", "y")
    third = loans.lend(archive, b, "counter", "z")
    assert [x.id for x in loans.loans_of_file(archive, a)] == [second, first]
    assert {x.id for x in loans.loans_of_borrower(archive, "Counter")} == {first, third}
    assert {x.id for x in loans.loans_of_customer(archive, customer_no)} == {first, second}


def test_old_loans_are_anonymised_except_lost_and_damaged(archive, counter, manager, paper,
                                                          fixed_clock):
    fixed_clock.set("2021-06-01")
    plain, damaged, lost, refused = paper(), paper(), paper(), paper("id_copy")
    keep_recent = paper()
    ids = {"plain": loans.request_loan(counter, plain, "x")}
    loans.hand_over(archive, ids["plain"])
    loans.return_file(archive, plain, "intact")
    ids["damaged"] = loans.lend(archive, damaged, "counter", "x")
    loans.return_file(archive, damaged, "damaged", "Coffee stain")
    ids["lost"] = loans.lend(archive, lost, "counter", "x", due_date="2021-06-02")
    ids["refused"] = loans.lend(archive, refused, "Outside firm", "x", external=True)
    loans.refuse_loan(manager, ids["refused"], "No reason given")
    fixed_clock.set("2021-06-05")
    loans.mark_lost(archive, lost, "Never came back")
    fixed_clock.set("2023-01-10")
    ids["recent"] = loans.lend(archive, keep_recent, "counter", "x")
    loans.return_file(archive, keep_recent, "intact")
    ids["open"] = loans.lend(archive, plain, "counter", "still out")
    fixed_clock.set("2024-06-01")
    assert loans.anonymise_old_loans(archive) == 0          # nothing is three years old yet
    fixed_clock.set("2025-03-03")
    assert loans.anonymise_old_loans(archive) == 2          # the plain return, the request
    assert loans.anonymise_old_loans(archive) == 0          # idempotent
    with archive.db.read() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT * FROM loan"))}
    assert rows[ids["plain"]].borrower == ANONYMISED
    assert rows[ids["plain"]].requested_by == ANONYMISED    # the borrower asked themself
    assert rows[ids["plain"]].anonymised_at is not None
    assert rows[ids["refused"]].borrower == ANONYMISED
    assert rows[ids["refused"]].requested_by == "archive"
    for kept in ("damaged", "lost", "recent", "open"):
        assert rows[ids[kept]].borrower != ANONYMISED and rows[ids[kept]].anonymised_at is None
    assert loans.loans_of_borrower(archive, ANONYMISED) == []


# --- bad input: one sentence, nothing changed ---------------------------------------------------

def _on_loan(archive, paper):
    number = paper()
    loans.lend(archive, number, "counter", "x")
    return number


def _destroyed(archive, paper):
    from app.archive import destruction
    number = paper(received_on="2015-01-01")
    batch = destruction.propose_destruction(archive, [number])
    with archive.db.write() as conn:  # a manager's approval, without a second login here
        conn.execute(text("UPDATE destruction_batch SET status='approved', decided_by='m', "
                          "decided_at=:t WHERE batch_no=:b"),
                     {"t": "2025-03-01T00:00:00.000000Z", "b": batch})
    destruction.record_destruction(archive, batch, "shredding", "2025-03-03", "Li", "Zhao")
    return number


def _transferred(archive, paper):
    from app.archive import transfers
    number = paper()
    tid = transfers.request_transfer(archive, number, "Head office", "Ms Chen", "Audit")
    with archive.db.write() as conn:
        conn.execute(text("UPDATE file_transfer SET status='approved' WHERE id=:i"), {"i": tid})
    transfers.complete_transfer(archive, tid, "2025-03-03")
    return number


def _lost(archive, paper):
    number = paper()
    loans.lend(archive, number, "counter", "x", due_date="2025-03-03")
    loans.mark_lost(archive, number, "Gone", today=date(2025, 3, 4))
    return number


@pytest.mark.parametrize("make, sentence", [
    (_on_loan, "File {n} is already on loan."),
    (_destroyed, "File {n} has been destroyed and cannot be lent."),
    (_transferred, "File {n} has been transferred to another unit and cannot be lent."),
    (_lost, "File {n} is recorded as lost and cannot be lent."),
])
def test_cannot_borrow(archive, counter, paper, snapshot, make, sentence):
    number = make(archive, paper)
    before = snapshot(archive)
    for attempt in (lambda: loans.lend(archive, number, "manager", "x"),
                    lambda: loans.request_loan(counter, number, "x")):
        with pytest.raises(Conflict) as error:
            attempt()
        assert str(error.value) == sentence.format(n=number)
    assert snapshot(archive) == before


@pytest.mark.parametrize("call, error, sentence", [
    (lambda a, n: loans.return_file(a, n, "intact"), Conflict, "File {n} is not on loan."),
    (lambda a, n: loans.renew(a, n), Conflict, "File {n} is not on loan."),
    (lambda a, n: loans.lend(a, n, "counter", "x", due_date="2025-03-02"), ValidationError,
     "A loan's due date cannot be in the past."),
    (lambda a, n: loans.lend(a, "PF1999000001", "counter", "x"), NotFound,
     "No paper file has the number PF1999000001."),
    (lambda a, n: loans.lend(a, n, "nobody", "x"), ValidationError,
     "There is no staff account named nobody."),
    (lambda a, n: loans.lend(a, n, "counter", "  "), ValidationError,
     "State the purpose of the loan."),
    (lambda a, n: loans.lend(a, n, " ", "x", external=True), ValidationError,
     "Name the borrower."),
    (lambda a, n: loans.return_file(a, n, "wet"), ValidationError,
     "Choose the condition of the returned file."),
    (lambda a, n: loans.approve_loan(a, 999), PermissionDenied, None),
])
def test_bad_input_changes_nothing(archive, paper, snapshot, call, error, sentence):
    number = paper()
    before = snapshot(archive)
    with pytest.raises(error) as raised:
        call(archive, number)
    if sentence is not None:
        assert str(raised.value) == sentence.format(n=number)
        assert snapshot(archive) == before
    else:  # a denial changes nothing but the log, which records it
        after = snapshot(archive)
        assert {k: v for k, v in after.items() if k != "audit_event"} == \
               {k: v for k, v in before.items() if k != "audit_event"}


def test_disabled_account_cannot_borrow(archive, paper, login):
    accounts.disable_user(login(Role.ADMIN), "manager")  # as an administrator does it
    with pytest.raises(ValidationError, match="The account manager is disabled."):
        loans.lend(archive, paper(), "manager", "x")


def test_renewal_past_the_limit_changes_nothing(archive, paper, snapshot):
    number = paper()
    loans.lend(archive, number, "counter", "x")
    for _ in range(RENEWAL_LIMIT):
        loans.renew(archive, number, today=MONDAY)
    before = snapshot(archive)
    with pytest.raises(Conflict, match="the limit"):
        loans.renew(archive, number, today=MONDAY)
    assert snapshot(archive) == before


# --- roles ----------------------------------------------------------------------------------------

def test_roles(counter, archive, manager, paper):
    number = paper()
    with pytest.raises(PermissionDenied):
        loans.lend(counter, number, "counter", "x")            # counter can request, not lend
    loan_id = loans.request_loan(counter, number, "x")
    with pytest.raises(PermissionDenied):
        loans.hand_over(manager, loan_id)                      # a manager does not lend
    with pytest.raises(PermissionDenied):
        loans.lend(manager, number, "counter", "x")
    sensitive = loans.lend(archive, paper("id_copy"), "counter", "x")
    with pytest.raises(PermissionDenied):
        loans.approve_loan(archive, sensitive)                 # the archive cannot approve
    with pytest.raises(PermissionDenied):
        loans.pending_approvals(archive)
    with pytest.raises(PermissionDenied):
        loans.return_file(counter, number, "intact")
    assert loans.overdue(counter) == []                        # everyone may see the list
