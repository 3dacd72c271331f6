"""Destruction on record (due list, propose, approve, record, immutability) and transfers."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from app import accounts
from app.accounts import access
from app.archive import destruction, loans, registry, transfers
from app.archive.model import BatchStatus
from app.demo import sign_confidentiality
from app.errors import Conflict, PermissionDenied, ValidationError
from app.security.roles import Role


@pytest.fixture
def expired(paper):
    """expired(n) -> n file numbers whose retention ended before the fixed today."""

    def _make(n: int = 2) -> list[str]:
        return [paper(received_on="2018-01-10") for _ in range(n)]

    return _make


def _approved_batch(archive, manager, numbers) -> str:
    batch = destruction.propose_destruction(archive, numbers)
    destruction.approve_destruction(manager, batch, "Retention over")
    return batch


def test_due_list(archive, paper, expired):
    old = expired(3)
    paper(received_on="2024-01-10")                      # still kept
    loans.lend(archive, old[2], "counter", "x")          # out: not destroyable now
    assert [f.file_no for f in destruction.due_for_destruction(archive)] == old[:2]
    assert destruction.due_for_destruction(archive, today=date(2023, 1, 10)) == []
    batch = destruction.propose_destruction(archive, old[:1])
    assert [f.file_no for f in destruction.due_for_destruction(archive)] == [old[1]]
    assert destruction.get_batch(archive, batch).file_nos == (old[0],)


def test_whole_cycle(archive, manager, expired, notices, actions):
    numbers = expired(2)
    batch = destruction.propose_destruction(archive, numbers)
    assert batch == "DS20250001"
    assert [n.kind for n in notices(archive)] == ["destruction.proposed"]
    with pytest.raises(Conflict, match="must be approved by a manager"):
        destruction.record_destruction(archive, batch, "shredding", "2025-03-03", "Li", "Zhao")
    destruction.approve_destruction(manager, batch)
    destruction.record_destruction(archive, batch, "outsourced", "2025-03-03", "Li Hua",
                                   "Zhao Min", certificate_no="CERT-88")
    done = destruction.get_batch(archive, batch)
    assert (done.status, done.method, done.certificate_no, done.witness_1, done.witness_2) == (
        BatchStatus.DESTROYED, "outsourced", "CERT-88", "Li Hua", "Zhao Min")
    assert {registry.get_file(archive, n).status for n in numbers} == {"destroyed"}
    assert [a for a in actions(archive) if a.startswith("destruction.")] == [
        "destruction.proposed", "destruction.approved", "destruction.recorded"]
    assert destruction.batch_of_file(archive, numbers[0]).batch_no == batch


@pytest.mark.parametrize("kwargs, field", [
    ({"witness_2": "li hua"}, "witness_2"),
    ({"witness_2": " "}, "witness_2"),
    ({"method": "outsourced"}, "certificate_no"),
    ({"method": "burial"}, "method"),
    ({"destroyed_on": "2025-03-04"}, "destroyed_on"),
    ({"destroyed_on": "2025-02-01"}, "destroyed_on"),
])
def test_record_needs_two_witnesses_and_a_certificate(archive, manager, expired, snapshot,
                                                      kwargs, field):
    batch = _approved_batch(archive, manager, expired(1))
    args = {"method": "shredding", "destroyed_on": "2025-03-03", "witness_1": "Li Hua",
            "witness_2": "Zhao Min", **kwargs}
    before = snapshot(archive)
    with pytest.raises(ValidationError) as error:
        destruction.record_destruction(archive, batch, **args)
    assert error.value.field == field
    assert snapshot(archive) == before


def test_propose_refuses_files_not_due(archive, paper, expired, snapshot):
    ok = expired(1)[0]
    young = paper(received_on="2024-01-10")
    out = expired(1)[0]
    loans.lend(archive, out, "counter", "x")
    before = snapshot(archive)
    with pytest.raises(Conflict, match=f"File {young} must be kept until 2029-01-10."):
        destruction.propose_destruction(archive, [ok, young])
    with pytest.raises(Conflict, match=f"File {out} is not in the archive room"):
        destruction.propose_destruction(archive, [out])
    with pytest.raises(ValidationError, match="Choose the files"):
        destruction.propose_destruction(archive, [])
    assert snapshot(archive) == before
    destruction.propose_destruction(archive, [ok])
    with pytest.raises(Conflict, match="already in destruction batch DS20250001"):
        destruction.propose_destruction(archive, [ok])


def test_rejected_batch_frees_its_files(archive, manager, expired):
    numbers = expired(1)
    batch = destruction.propose_destruction(archive, numbers)
    with pytest.raises(ValidationError):
        destruction.reject_destruction(manager, batch, "")
    destruction.reject_destruction(manager, batch, "Customer in dispute")
    assert [f.file_no for f in destruction.due_for_destruction(archive)] == numbers
    with pytest.raises(Conflict, match="not waiting"):
        destruction.approve_destruction(manager, batch)


def test_files_in_an_open_batch_are_not_lent_or_retained_longer(archive, expired):
    number = expired(1)[0]
    destruction.propose_destruction(archive, [number])
    with pytest.raises(Conflict, match="in destruction batch DS20250001 and cannot be lent"):
        loans.lend(archive, number, "counter", "x")
    with pytest.raises(Conflict, match="must be rejected first"):
        registry.override_retention(archive, number, "2030-01-01", "New dispute")


def test_destroyed_is_final(archive, manager, expired, snapshot):
    number = expired(1)[0]
    batch = _approved_batch(archive, manager, [number])
    destruction.record_destruction(archive, batch, "incineration", "2025-03-03", "A", "B")
    before = snapshot(archive)
    refusals = [
        (lambda: registry.move_file(archive, number, "R", "C", "S", "B2"), "destroyed"),
        (lambda: registry.override_retention(archive, number, "2030-01-01", "why not"),
         "destroyed"),
        (lambda: loans.lend(archive, number, "counter", "x"), "destroyed"),
        (lambda: transfers.request_transfer(archive, number, "HQ", "Chen", "Audit"),
         "destroyed"),
        (lambda: destruction.record_destruction(archive, batch, "shredding", "2025-03-03",
                                                "C", "D"), "can no longer be changed"),
        (lambda: destruction.reject_destruction(manager, batch, "Too late"),
         "can no longer be changed"),
        (lambda: destruction.approve_destruction(manager, batch), "can no longer be changed"),
    ]
    for attempt, words in refusals:
        with pytest.raises(Conflict, match=words):
            attempt()
    assert snapshot(archive) == before
    with archive.db.write() as conn, pytest.raises(sqlalchemy.exc.DBAPIError,
                                                   match="can no longer be changed"):
        conn.execute(text("UPDATE paper_file SET status = 'in_archive' WHERE file_no = :n"),
                     {"n": number})
    with archive.db.write() as conn, pytest.raises(sqlalchemy.exc.DBAPIError,
                                                   match="recorded destruction"):
        conn.execute(text("UPDATE destruction_batch SET witness_2 = 'X'"))
    with archive.db.write() as conn, pytest.raises(sqlalchemy.exc.DBAPIError,
                                                   match="records are kept|permission denied"):
        conn.execute(text("DELETE FROM paper_file"))
    assert snapshot(archive) == before


def test_four_eyes_and_roles(archive, manager, counter, expired):
    numbers = expired(1)
    with pytest.raises(PermissionDenied):
        destruction.propose_destruction(manager, numbers)
    with pytest.raises(PermissionDenied):
        destruction.propose_destruction(counter, numbers)
    batch = destruction.propose_destruction(archive, numbers)
    with pytest.raises(PermissionDenied):
        destruction.approve_destruction(archive, batch)
    destruction.approve_destruction(manager, batch)
    with pytest.raises(PermissionDenied):
        destruction.record_destruction(manager, batch, "shredding", "2025-03-03", "A", "B")


def test_proposer_cannot_approve_even_with_both_roles(login, db_path, expired, manager):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "both", [Role.ARCHIVE, Role.MANAGER], "both-roles-password-1")
    sign_confidentiality(admin, "both")
    both = accounts.login(db_path, "both", "both-roles-password-1")
    accounts.change_own_password(both, "both-roles-password-1", "both-own-password-1")
    accounts.logout(both)
    access.approve_access(manager, "both")  # a manager seals the customer-data keys to it
    both = accounts.login(db_path, "both", "both-own-password-1")
    try:
        batch = destruction.propose_destruction(both, expired(1))
        with pytest.raises(Conflict, match="another person must approve"):
            destruction.approve_destruction(both, batch)
    finally:
        accounts.logout(both)


def test_legal_hold_hook_is_consulted(archive, expired, monkeypatch):
    numbers = expired(1)
    monkeypatch.setattr(destruction, "_on_legal_hold", lambda conn, customer_id: True)
    assert destruction.due_for_destruction(archive) == []
    with pytest.raises(Conflict, match="legal hold"):
        destruction.propose_destruction(archive, numbers)


def test_a_real_legal_hold_blocks_destruction(archive, manager, expired, customer_no):
    from app.customers.hold import lift_legal_hold, place_legal_hold

    numbers = expired(1)
    place_legal_hold(manager, customer_no, "tax audit 2025-07")
    assert destruction.due_for_destruction(archive) == []
    with pytest.raises(Conflict, match="legal hold"):
        destruction.propose_destruction(archive, numbers)
    lift_legal_hold(manager, customer_no, "audit closed")
    assert [f.file_no for f in destruction.due_for_destruction(archive)] == numbers


# --- transfers ---------------------------------------------------------------------------------

def test_transfer_cycle(archive, manager, paper, actions):
    number = paper()
    tid = transfers.request_transfer(archive, number, "Head office legal", "Ms Chen",
                                     "Court request")
    with pytest.raises(Conflict, match="must be approved"):
        transfers.complete_transfer(archive, tid, "2025-03-03")
    with pytest.raises(Conflict, match="being transferred"):
        loans.lend(archive, number, "counter", "x")
    assert [t.id for t in transfers.pending_transfers(manager)] == [tid]
    transfers.approve_transfer(manager, tid, "OK")
    with pytest.raises(Conflict, match="between the request"):
        transfers.complete_transfer(archive, tid, "2025-03-04")
    transfers.complete_transfer(archive, tid, "2025-03-03")
    found = registry.get_file(archive, number)
    assert found.status == "transferred"
    assert registry.find_files(archive, found.box) == []          # left the active registry
    assert [f.file_no for f in registry.find_files(archive, number)] == [number]  # record stays
    assert transfers.transfers_of_file(archive, number)[0].transferred_on == "2025-03-03"
    assert {"transfer.requested", "transfer.approved", "transfer.completed"} <= set(
        actions(archive))


def test_transfer_refusal_and_roles(archive, manager, counter, paper):
    number = paper()
    with pytest.raises(PermissionDenied):
        transfers.request_transfer(manager, number, "HQ", "Chen", "Audit")
    with pytest.raises(ValidationError, match="reason"):
        transfers.request_transfer(archive, number, "HQ", "Chen", " ")
    tid = transfers.request_transfer(archive, number, "HQ", "Chen", "Audit")
    with pytest.raises(PermissionDenied):
        transfers.approve_transfer(archive, tid)
    with pytest.raises(ValidationError):
        transfers.refuse_transfer(manager, tid, "")
    transfers.refuse_transfer(manager, tid, "Send a copy instead")
    assert transfers.transfers_of_file(counter, number)[0].status == "refused"
    loans.lend(archive, number, "counter", "x")                   # free again
