"""A copy of someone's data leaves only after a manager looked at it and released it (issue 12,
item 6): the bytes are held in the database, every way to them is refused before release, the
release needs a view of exactly those bytes, every hand-over is logged, and the bytes go when
the request closes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select, text

from app import accounts
from app.accounts import access
from app.cli import main
from app.demo import sign_confidentiality
from app.errors import Conflict, PermissionDenied
from app.rights import answers, copies, requests
from app.rights.tables import artefact_content, request_artefact
from app.security.roles import Role
from app.store import schema
from app.store.fields import is_sealed

from ..conftest import ADMIN_PW, PASSWORDS


def _take(session, kind, customer_no):
    number = requests.take_request(session, kind, customer_no, "resident ID card checked")
    requests.verify_identity(session, number)
    return number


def _held(session, number) -> list:
    with session.db.read() as conn:
        row = requests.request_row(conn, number)
        return conn.execute(select(artefact_content).where(
            artefact_content.c.request_id == row.id)).all()


def _events(session, action: str) -> list[dict]:
    with session.db.read() as conn:
        return [json.loads(d) for d in conn.execute(select(schema.audit_event.c.detail).where(
            schema.audit_event.c.action == action)).scalars()]


@pytest.mark.parametrize("kind", ["access", "portability"])
def test_counter_cannot_get_the_bytes_before_release(login, customer_no, kind):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, kind, customer_no)
    prepare = answers.prepare_access_copy if kind == "access" else answers.prepare_portability
    prepared = prepare(counter, number)
    assert not hasattr(prepared, "data")  # preparing hands back a checksum, never the bytes
    held = _held(counter, number)
    assert len(held) == 1 and is_sealed(held[0].data)  # sealed in the file
    opened = counter.db.fields.open_bytes("artefact_content", "data", held[0].artefact_id,
                                          held[0].data)
    assert hashlib.sha256(opened).hexdigest() == prepared.sha256
    with pytest.raises(PermissionDenied):
        copies.review_copy(counter, number)
    for how in ("shown", "printed", "saved", "exported"):
        with pytest.raises(Conflict, match="has not been released by a manager yet"):
            copies.handover_copy(counter, number, how=how)
        with pytest.raises(Conflict, match="has not been released by a manager yet"):
            copies.handover_copy(manager, number, prepared.sha256, how=how)
    assert _events(counter, "request.copy_handed_over") == []


def test_release_needs_a_view_of_exactly_these_bytes(login, db_path, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, "access", customer_no)
    prepared = answers.prepare_access_copy(counter, number, "en")
    with pytest.raises(Conflict, match="Look at the pages"):
        requests.release_artefact(manager, number, prepared.sha256)
    # Another manager's look does not count for this one.
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    accounts.add_user(admin, "boss2", [Role.MANAGER], PASSWORDS[Role.MANAGER])
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
    sign_confidentiality(admin, "boss2")
    accounts.logout(admin)
    access.approve_access(manager, "boss2")  # its customer-data keys (sealed mode)
    other = accounts.login(db_path, "boss2", PASSWORDS[Role.MANAGER])
    try:
        copies.review_copy(other, number)
    finally:
        accounts.logout(other)
    with pytest.raises(Conflict, match="Look at the pages"):
        requests.release_artefact(manager, number, prepared.sha256)
    shown = copies.review_copy(manager, number)
    assert hashlib.sha256(shown.data).hexdigest() == prepared.sha256
    # The held bytes change after the look (an edited row): no release.
    with manager.db.write() as conn:
        conn.execute(artefact_content.update().values(data=shown.data + b"%tampered"))
    with pytest.raises(Conflict, match="changed"):
        requests.release_artefact(manager, number, prepared.sha256)
    with manager.db.write() as conn:
        conn.execute(artefact_content.update().values(data=shown.data))
    requests.release_artefact(manager, number, prepared.sha256)
    assert _events(manager, "request.copy_reviewed")[-1]["sha256"] == prepared.sha256


def test_every_hand_over_is_logged_and_completion_needs_one(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, "access", customer_no)
    prepared = answers.prepare_access_copy(counter, number, "en", protect=True)
    copies.review_copy(manager, number)
    requests.release_artefact(manager, number, prepared.sha256)
    with pytest.raises(Conflict, match="not handed over yet"):
        requests.complete(manager, number)
    shown = copies.handover_copy(counter, number, how="shown")
    assert shown.password == prepared.password  # the preview needs it to draw the pages
    assert requests.get_request(counter, number).artefacts[0].handed_over_at is None
    printed = copies.handover_copy(counter, number, how="printed")
    saved = copies.handover_copy(manager, number, how="saved")
    assert printed.data == saved.data and printed.sha256 == prepared.sha256
    assert [e["how"] for e in _events(counter, "request.copy_handed_over")] == ["printed",
                                                                               "saved"]
    assert requests.get_request(counter, number).artefacts[0].handed_over_by == "manager"
    requests.complete(manager, number)
    assert _held(manager, number) == []  # the bytes go with the closing; the record stays
    assert requests.get_request(manager, number).artefacts[0].sha256 == prepared.sha256
    with pytest.raises(Conflict, match="no longer held"):
        copies.handover_copy(counter, number, how="printed")


def test_refusal_and_erasure_remove_held_copies(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    refused = _take(counter, "portability", customer_no)
    answers.prepare_portability(counter, refused)
    requests.refuse(manager, refused, "The customer withdrew the request in writing.")
    assert _held(manager, refused) == []
    with pytest.raises(Conflict, match="closed"):
        copies.review_copy(manager, refused)
    waiting = _take(counter, "access", customer_no)
    answers.prepare_access_copy(counter, waiting, "en")
    assert len(_held(manager, waiting)) == 1
    from app.rights.erasure import erase_customer

    erase_customer(manager, _take(counter, "erasure", customer_no), confirm=True)
    assert _held(manager, waiting) == []


def test_cli_prepare_pages_release_export(login, db_path, customer_no, tmp_path, monkeypatch,
                                          capsys):
    counter = login(Role.COUNTER)
    number = _take(counter, "access", customer_no)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def as_(role: Role, *argv: str) -> int:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[role])
        return main([*argv, "--db", str(db_path), "--user", role.value])

    out = tmp_path / "copy.pdf"
    # The old one-step export no longer writes anything before a release.
    assert as_(Role.COUNTER, "export", "access-copy", customer_no, "--out", str(out)) == 1
    assert "No copy was prepared for request" in capsys.readouterr().err
    assert as_(Role.COUNTER, "request", "prepare", number, "--lang", "en") == 0
    sha = capsys.readouterr().out.strip()
    assert as_(Role.COUNTER, "export", "access-copy", customer_no, "--out", str(out)) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"custos: The copy for request {number} has not been released by a manager yet."
    assert not out.exists()
    assert as_(Role.COUNTER, "request", "pages", number, "--out", str(tmp_path / "p")) == 1
    assert "does not allow" in capsys.readouterr().err
    assert as_(Role.MANAGER, "request", "release", number) == 1  # pages not looked at
    assert "Look at the pages" in capsys.readouterr().err
    assert as_(Role.MANAGER, "request", "pages", number, "--out", str(tmp_path / "p")) == 0
    pages = capsys.readouterr().out.split()
    assert pages and all(p.endswith(".png") for p in pages)
    assert open(pages[0], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert as_(Role.MANAGER, "request", "release", number) == 0
    assert capsys.readouterr().out.strip() == sha
    assert as_(Role.COUNTER, "export", "access-copy", customer_no, "--out", str(out)) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha
    assert _events(counter, "request.copy_handed_over")[-1]["how"] == "exported"
    assert as_(Role.COUNTER, "export", "access-copy", customer_no, "--out", str(out),
               "--copy-lang", "en") == 1
    assert "request prepare" in capsys.readouterr().err
    # --lang is the interface's language here as everywhere (zh_CN, or its old spelling zh).
    for spelling in ("zh_CN", "zh"):
        assert as_(Role.COUNTER, "export", "access-copy", customer_no, "--out", str(out),
                   "--lang", spelling) == 0
        assert capsys.readouterr().out.strip() == sha


def test_cli_portability_pages_are_its_files(login, db_path, customer_no, tmp_path,
                                             monkeypatch, capsys):
    counter = login(Role.COUNTER)
    number = _take(counter, "portability", customer_no)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def as_(role: Role, *argv: str) -> int:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[role])
        return main([*argv, "--db", str(db_path), "--user", role.value])

    assert as_(Role.COUNTER, "request", "prepare", number) == 0
    capsys.readouterr()
    assert as_(Role.MANAGER, "request", "pages", number, "--out", str(tmp_path / "p")) == 0
    files = capsys.readouterr().out.split()
    assert [f.rsplit("-", 1)[-1] for f in files] == ["README.txt", "data.json", "data.xlsx"]
    assert as_(Role.MANAGER, "request", "release", number) == 0
    out = tmp_path / "data.zip"
    assert as_(Role.COUNTER, "export", "portability", customer_no, "--out", str(out)) == 0
    assert "data.json" in zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()


def test_no_bytes_for_a_copy_prepared_before_copies_were_held(login, customer_no):
    """A database migrated from version 8 holds only checksums: no release of those."""
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    number = _take(counter, "access", customer_no)
    prepared = answers.prepare_access_copy(counter, number, "en")
    with manager.db.write() as conn:
        conn.execute(text("DELETE FROM artefact_content"))
        assert conn.execute(select(request_artefact)).first().sha256 == prepared.sha256
    with pytest.raises(Conflict, match="no longer held"):
        copies.review_copy(manager, number)
    with pytest.raises(Conflict, match="Look at the pages|no longer held"):
        requests.release_artefact(manager, number, prepared.sha256)
