"""The registry: registering one file or a box, finding, moving, retention overrides."""

from __future__ import annotations

import dataclasses
import random

import pytest
from sqlalchemy import text

from app.archive import registry
from app.archive.model import FileStatus, PaperFile
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.store import dialect
from app.store.fields import NAMES, AccessPending
from app.synthetic import person


def test_register_generates_number_and_derives_retention(archive, paper, customer_no):
    first = paper(received_on="2025-01-15")
    second = paper("id_copy", received_on="2024-02-29")
    assert first == "PF2025000001" and second == "PF2025000002"
    one = registry.get_file(archive, first)
    assert (one.customer_no, one.retain_until, one.sensitive) == (customer_no, "2030-01-15", False)
    two = registry.get_file(archive, second.lower())  # a scanner may send lower case
    assert two.sensitive and two.retain_until == "2029-02-28"
    assert two.status == FileStatus.IN_ARCHIVE and two.location == "B-01"


@pytest.mark.parametrize("kind, years", [("service_agreement", 5), ("id_copy", 5),
                                         ("sim_registration", 5), ("complaint_file", 3),
                                         ("other", 2)])
def test_retention_rule_per_kind(archive, paper, kind, years):
    number = paper(kind, received_on="2020-06-30")
    assert registry.get_file(archive, number).retain_until == f"{2020 + years}-06-30"


def test_given_number_and_override_with_reason(archive, paper):
    number = paper(file_no="old-0042", retain_until="2040-01-01", received_on="2025-01-01",
                   override_reason="Court case pending")
    assert number == "OLD-0042"
    found = registry.get_file(archive, "OLD-0042")
    assert found.retain_until == "2040-01-01"
    assert found.retain_override_reason == "Court case pending"
    with pytest.raises(Conflict, match="already registered"):
        paper(file_no="OLD-0042")


@pytest.mark.parametrize("fields, field", [
    ({"retain_until": "2040-01-01"}, "override_reason"),
    ({"received_on": "2025-03-04"}, "received_on"),
    ({"received_on": "03/01/2025"}, "received_on"),
    ({"retain_until": "2019-01-01", "override_reason": "typo"}, "retain_until"),
    ({"file_no": "A B"}, "file_no"),
    ({"box": "x" * 41}, "box"),
])
def test_bad_registration_changes_nothing(archive, paper, snapshot, fields, field):
    before = snapshot(archive)
    with pytest.raises(ValidationError) as error:
        paper(**fields)
    assert error.value.field == field
    assert str(error.value).endswith(".")
    assert snapshot(archive) == before


def test_unknown_kind_and_customer(archive, paper, snapshot):
    before = snapshot(archive)
    with pytest.raises(ValidationError, match="kind of paper file"):
        paper("passport_scan")
    with pytest.raises(NotFound, match="There is no customer C999"):
        paper(customer_no="C999")
    assert snapshot(archive) == before


def test_batch_is_all_or_nothing(archive, customer_no, snapshot, actions):
    before = snapshot(archive)
    items = [{"kind": "service_agreement", "customer_no": customer_no, "box": "A-7"},
             {"kind": "service_agreement", "customer_no": customer_no, "box": "A-7",
              "received_on": "2099-01-01"}]
    with pytest.raises(ValidationError, match="^Item 2: The date received"):
        registry.register_batch(archive, items)
    with pytest.raises(NotFound, match="^Item 2: There is no customer"):
        registry.register_batch(archive, [items[0], {"kind": "other", "customer_no": "C404"}])
    with pytest.raises(ValidationError):
        registry.register_batch(archive, [])
    assert snapshot(archive) == before
    numbers = registry.register_batch(archive, [items[0]] * 3)
    assert numbers == ["PF2025000001", "PF2025000002", "PF2025000003"]
    assert actions(archive).count("file.batch_registered") == 1
    assert [f.file_no for f in registry.find_files(archive, "a-7")] == numbers


def test_find_by_number_customer_box_and_name(archive, paper, make_customer, customer_no):
    other = make_customer(2)
    a = paper(box="K-1")
    b = paper(customer_no=other, box="K-2")
    assert [f.file_no for f in registry.find_files(archive, f" {a.lower()} ")] == [a]
    assert [f.file_no for f in registry.find_files(archive, other)] == [b]
    assert [f.file_no for f in registry.find_files(archive, "k-2")] == [b]
    name = registry.get_file(archive, b).customer_name
    assert b in [f.file_no for f in registry.find_files(archive, name[:1])]
    assert registry.find_files(archive, "nothing like this") == []
    assert registry.find_files(archive, "%") == []


def test_counter_sees_files_only_through_the_customer(counter, paper, customer_no):
    number = paper(box="Q-9")
    assert [f.file_no for f in registry.find_files(counter, customer_no)] == [number]
    assert registry.find_files(counter, number) == []
    assert registry.find_files(counter, "Q-9") == []
    assert [f.file_no for f in registry.files_of_customer(counter, customer_no)] == [number]


def test_paper_file_carries_name_and_number_only(archive, paper):
    fields = {f.name for f in dataclasses.fields(PaperFile)}
    assert not fields & {"id_number", "phone", "email", "street", "district", "birth_date"}
    found = registry.get_file(archive, paper())
    assert found.customer_name and found.customer_no


def test_unknown_barcode_sentence(archive):
    with pytest.raises(NotFound) as error:
        registry.get_file(archive, "pf2099999999")
    assert str(error.value) == "No paper file has the number PF2099999999."


def test_move_and_retention_override(archive, paper, actions):
    number = paper(received_on="2025-01-01")
    registry.move_file(archive, number, "Room 2", "C3", "S1", "b-9")
    found = registry.get_file(archive, number)
    assert found.location == "Room 2 / C3 / S1 / B-9"
    with pytest.raises(ValidationError, match="Nothing was changed"):
        registry.move_file(archive, number, "Room 2", "C3", "S1", "B-9")
    with pytest.raises(ValidationError, match="reason"):
        registry.override_retention(archive, number, "2035-01-01", "")
    registry.override_retention(archive, number, "2035-01-01", "End of service 2030")
    assert registry.get_file(archive, number).retain_until == "2035-01-01"
    assert {"file.moved", "file.retention_changed"} <= set(actions(archive))


def test_registry_roles(counter, manager, archive, customer_no):
    for session in (counter, manager):
        with pytest.raises(PermissionDenied):
            registry.register_file(session, "other", customer_no)
    registry.register_file(archive, "other", customer_no)


def test_every_view_is_registered(archive, paper, customer_no):
    number = paper()
    registry.get_file(archive, number)
    registry.files_of_customer(archive, customer_no)
    with archive.db.read() as conn:
        refs = conn.execute(text("SELECT action, customer_ref FROM audit_event WHERE action IN "
                                 "('file.viewed', 'file.listed')")).all()
    assert {(r.action, r.customer_ref) for r in refs} == {("file.viewed", customer_no),
                                                           ("file.listed", customer_no)}


@pytest.mark.file_only
def test_sealed_name_prefix_search_and_no_plaintext_in_the_file(archive, paper, make_customer):
    """An archive clerk, holding only the names key, finds a file by the customer's name
    prefix and sees the name; the database holds the name only sealed."""
    number = make_customer(7)
    name = person(random.Random(7)).name
    mine = paper(customer_no=number, box="N-1")
    assert archive.db.fields.domains == {NAMES}
    found = registry.find_files(archive, name[:2])
    assert mine in [f.file_no for f in found]
    assert all(f.customer_name.startswith(name[:2]) for f in found)
    assert next(f for f in found if f.file_no == mine).customer_name == name
    assert registry.find_files(archive, name + "x") == []  # opened and checked, not guessed
    with archive.db.read() as conn:
        cid, raw, id_raw = dialect.raw(conn,
            "SELECT id, name, id_number FROM customer WHERE customer_no = ?",
            (number,)).one()
        assert isinstance(raw, bytes) and name.encode() not in raw
        with pytest.raises(AccessPending):  # identity is not the archive's to open
            archive.db.fields.open("customer", "id_number", cid, id_raw)
        # No column of any table holds the name as text.
        tables = [r[0] for r in dialect.raw(conn,
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in dialect.raw(conn, f'SELECT * FROM "{table}"'):
                assert not any(isinstance(v, str) and name in v for v in row), table
