"""Numbers typed into free text are masked however they are typed: glued to a label
("ID…", "tel…"), in groups split by spaces, dots or dashes, after +86, 0086 or (+86).
One function does it (app/customers/freetext.py); the rights request's identity check and
notes are stored through it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import synthetic
from app.cli import main
from app.customers.editing import NewCustomer, create_customer
from app.customers.freetext import mask_numbers_in
from app.rights import requests
from app.rights.tables import rights_request
from app.security.roles import Role

from ..conftest import PASSWORDS

ID = "500103196501202939"
MOBILE = "19981980731"

TABLE = [
    ("ID500103196501202939", "ID500103********2939"),
    ("tel19981980731", "tel199****0731"),
    ("500103 19650120 2939", "500103********2939"),
    ("500103-19650120-2939", "500103********2939"),
    ("500103.19650120.2939", "500103********2939"),
    ("199.8198.0731", "199****0731"),
    ("199 8198 0731", "199****0731"),
    ("199-8198-0731", "199****0731"),
    ("(+86)199-8198-0731", "199****0731"),
    ("+86 199 8198 0731", "199****0731"),
    ("0086 19981980731", "199****0731"),
    ("8619981980731", "199****0731"),
    ("call19981980731now", "call199****0731now"),
    ("(010) 6234 5678", "010-******78"),
    ("tel010-62345678", "tel010-******78"),
    # digits directly adjacent make it another number: left alone
    ("1998198073155", "1998198073155"),
    ("order 919981980731", "order 919981980731"),
]


@pytest.mark.parametrize(("text", "masked"), TABLE)
def test_numbers_as_people_type_them(text: str, masked: str) -> None:
    assert mask_numbers_in(text) == masked


def test_the_reviewers_purpose_keeps_no_number() -> None:
    text = mask_numbers_in("ID500103196501202939 tel19981980731 500103 19650120 2939 "
                           "199.8198.0731 (+86)199-8198-0731")
    assert text == ("ID500103********2939 tel199****0731 500103********2939 199****0731 "
                    "199****0731")


_SEPS = st.sampled_from(["", " ", ".", "-"])
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzIDtel :,;()", max_size=6)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), s1=_SEPS, s2=_SEPS, s3=_SEPS, s4=_SEPS,
       before=_WORDS, after=_WORDS, prefix=st.sampled_from(["", "+86", "0086", "(+86)",
                                                              "+86 "]))
def test_any_grouping_with_any_label_is_masked(seed: int, s1: str, s2: str, s3: str,
                                               s4: str, before: str, after: str,
                                               prefix: str) -> None:
    p = synthetic.person(random.Random(seed))
    rid, mob = p.id_number, p.mobile
    text = (f"{before}{rid[:6]}{s1}{rid[6:14]}{s2}{rid[14:]}{after} "
            f"{before}{prefix}{mob[:3]}{s3}{mob[3:7]}{s4}{mob[7:]}{after}")
    masked = mask_numbers_in(text)
    digits = "".join(ch for ch in masked if ch.isdigit() or ch == "*")
    assert rid[6:14] not in digits and mob[3:7] not in masked.replace(rid[-4:], "")
    assert rid[:6] + "********" + rid[-4:] in masked
    assert mob[:3] + "****" + mob[-4:] in masked


def test_a_requests_identity_check_and_notes_are_stored_masked(login, db_path, monkeypatch,
                                                                capsys) -> None:
    counter = login(Role.COUNTER)
    p = synthetic.person(random.Random(3))
    number = create_customer(counter, NewCustomer(
        name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
        original_checked=True, consents={"contract": True}))
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert main(["request", "add", "access", number, "--db", str(db_path), "--user",
                 "counter", "--identity-check", f"card ID{p.id_number} checked",
                 "--notes", f"call back on {p.mobile[:3]} {p.mobile[3:7]} {p.mobile[7:]}"]) == 0
    requests.take_request(counter, "information", number, f"ID {p.id_number}",
                          notes=f"tel{p.mobile}")
    with counter.db.read() as conn:
        rows = conn.execute(select(rights_request.c.id, rights_request.c.identity_check,
                                   rights_request.c.notes)).all()
    keys = counter.db.fields  # the notes are sealed: opened, they are masked as well
    stored = " ".join(f"{r.identity_check} {keys.open('rights_request', 'notes', r.id, r.notes)}"
                      for r in rows)
    assert len(rows) == 2
    for secret in (p.id_number, p.mobile, p.id_number[6:14], p.mobile[3:7]):
        assert secret not in stored
    assert stored.count(p.id_number[:6] + "********" + p.id_number[-4:]) == 2
    assert stored.count(p.mobile[:3] + "****" + p.mobile[-4:]) == 2


def test_machine_values_in_the_log_keep_their_digits():
    """A signing key or checksum holds digit runs shaped like phones; masking them would
    break the key on record (and every signature checked with it)."""
    from app.customers.freetext import mask_numbers_deep

    key = "ab" + "13812345678" + "0" * 51  # 64 hex characters, a "mobile" inside
    sha = "9" * 20 + "f" + "1" * 43
    detail = {"key_hex": key, "sha256": sha, "note": f"call 13812345678 about {sha}"}
    assert mask_numbers_deep(detail) == {"key_hex": key, "sha256": sha,
                                         "note": f"call 138****5678 about {sha}"}
