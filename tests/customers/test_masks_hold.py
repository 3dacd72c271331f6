"""Masks that stay masks: what one page (or `custos customer show`, text or JSON) shows
together leaves at least a thousand possible ID numbers and phone numbers, and service
numbers are masked wherever phones are."""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.cli import main
from app.customers.idnumbers import _ID_CHECK_CHARS, _ID_WEIGHTS, EARLIEST_BIRTH_DATE
from app.customers.records import open_customer
from app.customers.tables import service
from app.demo_records import fill_records
from app.security.roles import Role

from ..conftest import PASSWORDS

NEEDED = 1000


def _fits(pattern: str, text: str) -> bool:
    return len(pattern) == len(text) and all(p in ("*", t) for p, t in zip(pattern, text, strict=True))


def id_candidates(masked_id: str, birth_shown: str | None, gender: str | None) -> int:
    """How many valid 18-digit resident IDs fit everything shown beside each other."""
    assert len(masked_id) == 18
    count = 0
    day, today = EARLIEST_BIRTH_DATE, date.today()
    seqs = [f"{n:03d}" for n in range(1000) if _fits(masked_id[14:17], f"{n:03d}")
            and (gender is None or (n % 2 == 1) == (gender == "M"))]
    while day <= today:
        born = day.strftime("%Y%m%d")
        if _fits(masked_id[6:14], born) and (birth_shown is None
                                              or _fits(birth_shown, day.isoformat())):
            for seq in seqs:
                body = masked_id[:6] + born + seq
                check = _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
                                        % 11]
                if _fits(masked_id[17], check):
                    count += 1
        day += timedelta(days=1)
    return count


def phone_candidates(masked_phone: str) -> int:
    return 10 ** masked_phone.count("*")


@pytest.fixture
def filled(login):
    manager = login(Role.MANAGER)
    fill_records(manager, 3, random.Random(5))
    return "C000000001"


def test_the_old_mask_beside_the_birth_year_left_about_thirty() -> None:
    # The example: the counting itself is sound.
    assert 20 <= id_candidates("410105********0460", "1985-**-**", "F") <= 45


def test_the_identity_shown_leaves_a_thousand_ids_and_phones(login, filled) -> None:
    counter = login(Role.COUNTER)
    shown = open_customer(counter, filled, "counter_service").identity
    assert re.fullmatch(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]", shown.id_number)
    assert id_candidates(shown.id_number, shown.birth_date, shown.gender) >= NEEDED
    assert phone_candidates(shown.phone) >= NEEDED


def _show(db_path, monkeypatch, capsys, number: str, *extra: str) -> str:
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.COUNTER])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert main(["customer", "show", number, "--purpose", "counter_service", *extra,
                 "--db", str(db_path), "--user", "counter"]) == 0
    return capsys.readouterr().out


def test_cli_show_masks_service_numbers_and_leaves_a_thousand(login, filled, db_path,
                                                             monkeypatch, capsys) -> None:
    counter = login(Role.COUNTER)
    with counter.db.read() as conn:
        numbers = [(counter.db.fields.open("service", "service_no", r.id, r.service_no), r.kind)
                   for r in conn.execute(select(service.c.id, service.c.service_no,
                                                service.c.kind))]
    assert numbers
    text = _show(db_path, monkeypatch, capsys, filled)
    data = json.loads(_show(db_path, monkeypatch, capsys, filled, "--json"))
    for output in (text, json.dumps(data, ensure_ascii=False)):
        for number, kind in numbers:
            if kind != "broadband":
                assert number not in output
    for svc in data["services"]:
        assert "*" in svc["service_no"] and svc["service_no"] == svc["display_no"]
        if svc["kind"] != "broadband":
            assert phone_candidates(svc["service_no"]) >= NEEDED
    for case in data["cases"]:
        assert case["service_no"] is None or "*" in case["service_no"]
    ident = data["identity"]
    assert id_candidates(ident["id_number"], ident["birth_date"], ident["gender"]) >= NEEDED
    assert phone_candidates(ident["phone"]) >= NEEDED
