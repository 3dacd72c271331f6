"""Synthetic demo people: deterministic, internally consistent, valid, fictitious, fast."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import synthetic
from app.customers.idnumbers import validate_resident_id
from app.customers.phones import normalise_mobile
from app.customers.pinyin import pinyin_of


def test_same_seed_same_people() -> None:
    assert synthetic.people(random.Random(7), 200) == synthetic.people(random.Random(7), 200)
    assert synthetic.people(random.Random(7), 50) != synthetic.people(random.Random(8), 50)


@given(st.integers(min_value=0, max_value=2**32))
def test_person_is_consistent_and_valid(seed: int) -> None:
    person = synthetic.person(random.Random(seed))
    rid = validate_resident_id(person.id_number)
    assert rid.birth_date == person.birth_date
    assert rid.gender == person.gender
    assert rid.region_code in synthetic.REGION_CODES
    assert date(1950, 1, 1) <= person.birth_date <= date(2006, 12, 31)
    assert normalise_mobile(person.mobile) == person.mobile
    assert (person.pinyin_full, person.pinyin_initials) == pinyin_of(person.name)
    assert 2 <= len(person.name) <= 4
    if person.email is not None:
        local, domain = person.email.split("@")
        assert domain in ("example.com", "example.net", "example.org")
        assert local.startswith(person.pinyin_full)
    address = person.address
    assert address.full().endswith(address.street)
    assert address.masked().endswith("****")
    assert address.street not in address.masked()
    assert address.district in address.masked()


@given(st.randoms(use_true_random=False), st.sampled_from("MF"))
def test_resident_id_gender_digit(rng: random.Random, sex: str) -> None:
    number = synthetic.resident_id(rng, date(1980, 5, 17), sex)
    assert int(number[16]) % 2 == (1 if sex == "M" else 0)
    assert validate_resident_id(number).birth_date == date(1980, 5, 17)


def test_names_look_like_chinese_names_and_include_zhang_wei() -> None:
    rng = random.Random(0)
    names = [synthetic.chinese_name(rng) for _ in range(20_000)]
    assert "张伟" in names
    assert any(name.startswith(("欧阳", "司马", "诸葛")) for name in names)
    assert all(all("\u4e00" <= c <= "\u9fff" for c in name) for name in names)
    # Common surnames dominate, as in a real customer list.
    top = sum(name[0] in "王李张刘陈" for name in names) / len(names)
    assert 0.2 < top < 0.5


def test_email_share_and_domains() -> None:
    rng = random.Random(3)
    emails = [synthetic.email(rng, "zhangwei") for _ in range(5_000)]
    none_share = emails.count(None) / len(emails)
    assert 0.35 < none_share < 0.45
    assert {e.split("@")[1] for e in emails if e} <= set(synthetic.EMAIL_DOMAINS)


def test_municipality_address_does_not_repeat_the_city() -> None:
    address = synthetic.Address("北京市", "北京市", "朝阳区", "建国路88号3单元502室")
    assert address.full() == "北京市朝阳区建国路88号3单元502室"
    assert address.masked() == "北京市朝阳区****"
    province = synthetic.Address("广东省", "深圳市", "南山区", "学府路1号1单元101室")
    assert province.full() == "广东省深圳市南山区学府路1号1单元101室"


def test_region_codes_are_unique_and_valid_provinces() -> None:
    codes = synthetic.REGION_CODES
    assert len(codes) == len(set(codes)) >= 40


@pytest.mark.slow
def test_a_hundred_thousand_people_are_made() -> None:
    # How fast is make bench's business (it times dataset generation), not a test's.
    crowd = synthetic.people(random.Random(2024), 100_000)
    assert len(crowd) == 100_000
