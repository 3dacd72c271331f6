"""Objections to automated decisions and profiling: a person's review, the analytics consent
withdrawn and honoured; the portable file protected with a password."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from app.customers.consents import record_consent
from app.customers.editing import NewCustomer, create_customer
from app.customers.tables import consent_event, customer
from app.errors import Conflict, PermissionDenied, ValidationError
from app.rights import aes_zip, answers, copies, pages, requests
from app.rights.profiling import analytics_allowed, answer_profiling_objection
from app.security.roles import Role
from app.store.schema import audit_event
from app.synthetic import person

from .test_answers import _take

NOTE = "Checked billing and offers: all set by staff, nothing automated."



def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_objection_needs_a_person_s_review(login, customer_no, tmp_path):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "object_profiling", customer_no)
    answers.apply_objection(counter, n)  # the counter withdraws it at once
    with pytest.raises(Conflict):
        requests.complete(manager, n)  # withdrawn, but nobody reviewed it yet
    with pytest.raises(PermissionDenied):
        answer_profiling_objection(counter, n, NOTE)
    with pytest.raises(ValidationError):
        answer_profiling_objection(manager, n, "ok")
    letter = answer_profiling_objection(manager, n, NOTE + " Phone 13812345678.", "en")
    text = " ".join(_pdf_text(letter, tmp_path).split())
    assert "no decision about you by automated means alone" in text
    assert "Checked billing and offers" in text and "13812345678" not in text
    assert "withdrawn" in text and "12300" in text
    with manager.db.read() as conn:
        review = conn.execute(select(audit_event).where(
            audit_event.c.action == "request.human_review")).one()
    assert review.actor == manager.username and review.customer_ref == customer_no
    assert json.loads(review.detail)["request"] == n and NOTE not in review.detail  # sealed
    with manager.db.read() as conn:
        withdrawals = conn.execute(select(consent_event).where(
            consent_event.c.purpose == "analytics", consent_event.c.granted == 0)).all()
    assert len(withdrawals) == 1  # the counter's; the review does not withdraw it twice
    kinds = [a.kind for a in requests.get_request(manager, n).artefacts]
    assert kinds == ["objection_answer"]
    requests.complete(manager, n)
    assert requests.get_request(manager, n).status == "completed"


def test_review_alone_withdraws_the_consent(login, customer_no, tmp_path):
    manager = login(Role.MANAGER)
    n = _take(manager, "object_profiling", customer_no)
    zh = _pdf_text(answer_profiling_objection(manager, n, NOTE), tmp_path)
    assert "自动化" in zh
    requests.complete(manager, n)  # the review withdrew the analytics consent too


def _customer(counter, seed: int, analytics: bool) -> str:
    p = person(random.Random(seed))
    return create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True, "analytics": analytics},
        province=p.address.province, city=p.address.city, district=p.address.district,
        street=p.address.street))


def test_analytics_gate_leaves_out_who_did_not_consent(login):
    counter = login(Role.COUNTER)
    yes, no, withdrawn, objecting = (_customer(counter, s, a) for s, a in
                                     ((1, True), (2, False), (3, True), (4, True)))
    record_consent(counter, withdrawn, "analytics", False, "counter")
    requests.take_request(counter, "object_profiling", objecting, "resident ID card checked")
    with counter.db.read() as conn:
        kept = set(conn.execute(select(customer.c.customer_no)
                                .where(analytics_allowed(customer.c.id))).scalars())
    assert yes in kept and not {no, withdrawn, objecting} & kept


def test_portable_file_with_a_password(login, customer_no, tmp_path):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    n = _take(counter, "portability", customer_no)
    prepared = answers.prepare_portability(counter, n, protect=True)
    assert prepared.password
    held = copies.review_copy(manager, n)
    with zipfile.ZipFile(io.BytesIO(held.data)) as z:
        assert sorted(z.namelist()) == ["README.txt", "data.json", "data.xlsx"]
        with pytest.raises(RuntimeError):
            z.read("data.json")  # encrypted: plain zipfile cannot read it
    members = aes_zip.read(held.data, prepared.password)
    assert json.loads(members["data.json"])["customer"]["customer_no"] == customer_no
    with pytest.raises(aes_zip.WrongPassword):
        aes_zip.read(held.data, "wrong-pass-word")
    written = pages.write_pages("portability", n, held.data, held.password, tmp_path)
    assert [p.name for p in written][1] == f"{n}-data.json"
    assert requests.get_request(manager, n).artefacts[0].protected
    if shutil.which("7z"):  # what the customer opens it with
        path = tmp_path / "p.zip"
        path.write_bytes(held.data)
        out = subprocess.run(["7z", "x", f"-p{prepared.password}", f"-o{tmp_path / 'x'}",
                              str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout
        assert (tmp_path / "x" / "data.json").read_bytes() == members["data.json"]
