"""Identity document validation: check digits, dates, legacy numbers, other document types."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import synthetic
from app.customers import idnumbers
from app.customers.idnumbers import (
    BUSINESS_LICENCE,
    FOREIGNER_PR,
    HK_MACAU_PERMIT,
    ID_TYPES,
    PASSPORT,
    RESIDENT_ID,
    TAIWAN_PERMIT,
    InvalidIdNumber,
    mask_id_number,
    normalise,
    upgrade_legacy_id,
    validate_document,
    validate_resident_id,
)
from app.errors import ValidationError

GB_EXAMPLE = "11010519491231002X"  # the worked example printed in GB 11643-1999


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def valid_ids(draw: st.DrawFn) -> tuple[str, date, str]:
    rng = draw(st.randoms(use_true_random=False))
    born = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2006, 12, 31)))
    sex = draw(st.sampled_from("MF"))
    return synthetic.resident_id(rng, born, sex), born, sex


def test_standard_example_validates() -> None:
    rid = validate_resident_id(GB_EXAMPLE)
    assert rid.number == GB_EXAMPLE
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.gender == "F"
    assert rid.region_code == "110105"


def test_lowercase_and_fullwidth_x_accepted() -> None:
    assert validate_resident_id(GB_EXAMPLE.lower()).number == GB_EXAMPLE
    assert validate_resident_id(_fullwidth(GB_EXAMPLE.lower())).number == GB_EXAMPLE
    assert validate_resident_id(f"  {GB_EXAMPLE[:6]} {GB_EXAMPLE[6:]}\u3000").number == GB_EXAMPLE


@given(valid_ids())
def test_generated_ids_validate(case: tuple[str, date, str]) -> None:
    number, born, sex = case
    rid = validate_resident_id(number)
    assert rid.number == number
    assert rid.birth_date == born
    assert rid.gender == sex
    assert rid.region_code == number[:6]
    assert validate_document(RESIDENT_ID, number.lower()) == number


@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(0, 9))
def test_single_digit_change_is_rejected(
    case: tuple[str, date, str], position: int, digit: int
) -> None:
    number = case[0]
    replacement = str(digit)
    if number[position] == replacement:
        replacement = str((digit + 1) % 10)
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(InvalidIdNumber) as info:
        validate_resident_id(changed)
    assert info.value.reason_key in {
        "check_digit",
        "date_invalid",
        "date_future",
        "date_too_early",
        "region",
    }


@given(valid_ids())
def test_wrong_check_digit_is_rejected(case: tuple[str, date, str]) -> None:
    number = case[0]
    for check in "0123456789X":
        if check != number[17]:
            with pytest.raises(InvalidIdNumber) as info:
                validate_resident_id(number[:17] + check)
            assert info.value.reason_key == "check_digit"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(valid_ids())
def test_fullwidth_equals_halfwidth(case: tuple[str, date, str]) -> None:
    number = case[0]
    assert normalise(_fullwidth(number)) == normalise(number) == number
    assert normalise(_fullwidth(number.lower())) == number


@given(st.text())
def test_random_text_only_raises_invalid_id_number(text: str) -> None:
    try:
        validate_resident_id(text)
    except InvalidIdNumber:
        pass


@given(st.sampled_from(ID_TYPES), st.text(alphabet=st.characters(), max_size=25))
def test_random_text_any_document_only_raises_invalid_id_number(id_type: str, text: str) -> None:
    try:
        result = validate_document(id_type, text)
    except InvalidIdNumber:
        return
    assert result == normalise(text)


def test_error_is_a_translated_value_error_pointing_at_the_field() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_resident_id(GB_EXAMPLE[:17] + "1")
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, ValidationError)
    assert error.field == "id_number"
    assert error.reason_key == "check_digit"
    assert "check digit" in str(error)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1101051949123100", "length"),
        ("1101051949123100211", "length"),
        ("1101051949123100AX", "characters"),
        ("X1010519491231002X", "characters"),
        ("99010519491231002X", "region"),
        ("00010519491231002X", "region"),
        ("110105194902301234", "date_invalid"),
        ("110105189912311234", "date_too_early"),
    ],
)
def test_specific_rejections(text: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_resident_id(text)
    assert info.value.reason_key == reason
    assert "{" not in str(info.value)


def test_future_birth_date_rejected() -> None:
    first17 = "11010520300101123"
    number = first17 + idnumbers.resident_check_digit(first17)
    with pytest.raises(InvalidIdNumber) as info:
        validate_resident_id(number, today=date(2025, 1, 1))
    assert info.value.reason_key == "date_future"
    assert validate_resident_id(number, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_legacy_15_digit_number() -> None:
    legacy = "110105491231002"
    assert upgrade_legacy_id(legacy) == GB_EXAMPLE
    with pytest.raises(InvalidIdNumber) as info:
        validate_resident_id(legacy)
    error = info.value
    assert error.reason_key == "legacy_15"
    assert error.upgraded == GB_EXAMPLE
    assert "15-digit" in str(error) and "18 digits" in str(error) and GB_EXAMPLE in str(error)


def test_upgrade_rejects_bad_input() -> None:
    with pytest.raises(InvalidIdNumber):
        upgrade_legacy_id("12345")
    with pytest.raises(InvalidIdNumber) as info:
        upgrade_legacy_id("110105491331002")  # month 13
    assert info.value.reason_key == "date_invalid"


@pytest.mark.parametrize(
    ("id_type", "text", "expected"),
    [
        (PASSPORT, "E12345678", "E12345678"),
        (PASSPORT, "g12345678", "G12345678"),
        (PASSPORT, "EA1234567", "EA1234567"),
        (PASSPORT, "５３４１２８９", "5341289"),
        (PASSPORT, "X1234", "X1234"),
        (HK_MACAU_PERMIT, "H12345678", "H12345678"),
        (HK_MACAU_PERMIT, "m1234567890", "M1234567890"),
        (TAIWAN_PERMIT, "12345678", "12345678"),
        (TAIWAN_PERMIT, "1234567890", "1234567890"),
        (FOREIGNER_PR, "usa110078090112", "USA110078090112"),
        (BUSINESS_LICENCE, "914403001922038216", "914403001922038216"),
        (BUSINESS_LICENCE, "9144030071526726xg", "9144030071526726XG"),
    ],
)
def test_other_documents_accepted(id_type: str, text: str, expected: str) -> None:
    assert validate_document(id_type, text) == expected


@pytest.mark.parametrize(
    ("id_type", "text"),
    [
        (PASSPORT, "E123"),
        (PASSPORT, "E1234567890"),
        (PASSPORT, "E1234-567"),
        (HK_MACAU_PERMIT, "C12345678"),
        (HK_MACAU_PERMIT, "H123456789"),
        (TAIWAN_PERMIT, "123456789"),
        (TAIWAN_PERMIT, "T1234567"),
        (FOREIGNER_PR, "US1100780901123"),
        (FOREIGNER_PR, "110105194912310021"),
        (BUSINESS_LICENCE, "914403001922038217"),
        (BUSINESS_LICENCE, "91440300192203821I"),
        (BUSINESS_LICENCE, "9144030019220382"),
    ],
)
def test_other_documents_rejected(id_type: str, text: str) -> None:
    with pytest.raises(InvalidIdNumber):
        validate_document(id_type, text)


@given(st.randoms(use_true_random=False))
def test_new_foreigner_pr_check_digit(rng: random.Random) -> None:
    first17 = "9" + "".join(rng.choice("0123456789") for _ in range(16))
    good = first17 + idnumbers.resident_check_digit(first17)
    assert validate_document(FOREIGNER_PR, good) == good
    bad = first17 + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidIdNumber) as info:
        validate_document(FOREIGNER_PR, bad)
    assert info.value.reason_key == "check_digit"


@given(st.randoms(use_true_random=False))
def test_business_licence_check_character(rng: random.Random) -> None:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "".join(rng.choice(charset) for _ in range(17))
    good = first17 + idnumbers.uscc_check_char(first17)
    assert validate_document(BUSINESS_LICENCE, good) == good
    for wrong in charset:
        if wrong != good[-1]:
            with pytest.raises(InvalidIdNumber):
                validate_document(BUSINESS_LICENCE, first17 + wrong)
            break


def test_unknown_document_type() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_document("library_card", "12345")
    assert info.value.field == "id_type"


def test_masking() -> None:
    assert mask_id_number(GB_EXAMPLE) == "110105********002X"
    assert mask_id_number(GB_EXAMPLE.lower()) == "110105********002X"
    assert mask_id_number("110105491231002") == "110105******002"
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("914403001922038216") == "914403********8216"
    assert mask_id_number("914403001922038216", BUSINESS_LICENCE) == "91**************16"
    assert mask_id_number(GB_EXAMPLE, RESIDENT_ID) == "110105********002X"
    assert mask_id_number("12345678", TAIWAN_PERMIT) == "12****78"
    assert mask_id_number("USA110078090112") == "US***********12"
    assert mask_id_number("1234") == "****"
    assert mask_id_number("") == ""


@given(st.text())
def test_masking_never_raises_and_hides_the_middle(text: str) -> None:
    masked = mask_id_number(text)
    assert len(masked) == len(normalise(text))
    if len(masked) > 4:
        assert "*" in masked
