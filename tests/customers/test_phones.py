"""Phone numbers as people type them and as spreadsheets mangle them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.customers.phones import (
    InvalidPhone,
    mask_phone,
    normalise_fixed_line,
    normalise_mobile,
    normalise_phone,
)
from app.errors import ValidationError
from app.synthetic import MOBILE_PREFIXES

mobiles = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(MOBILE_PREFIXES),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def decorated(draw: st.DrawFn, number: str) -> str:
    """The number as someone might type or paste it."""
    country = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86 ", "86", "(+86) "]))
    separator = draw(st.sampled_from(["", " ", "-"]))
    grouped = separator.join([number[:3], number[3:7], number[7:]])
    text = country + grouped
    if draw(st.booleans()):
        text = _fullwidth(text)
    padding = draw(st.sampled_from(["", " ", "\t", "\u3000"]))
    return padding + text + padding


@given(st.data(), mobiles)
def test_decorated_mobiles_normalise_to_the_digits(data: st.DataObject, number: str) -> None:
    text = data.draw(decorated(number))
    assert normalise_mobile(text) == number
    assert normalise_phone(text) == number


@given(mobiles)
def test_excel_float_forms(number: str) -> None:
    value = int(number)
    assert normalise_mobile(f"{value}.0") == number
    assert normalise_mobile(str(float(value))) == number
    mantissa = number[1:].rstrip("0")
    assert normalise_mobile(f"{number[0]}.{mantissa}E10") == number
    assert normalise_mobile(f"{number[0]}.{mantissa}e+10") == number
    assert normalise_mobile(f"{float('86' + number):.12E}") == number


@pytest.mark.parametrize(
    "text",
    [
        "1.3800138E10",
        "13800138000.0",
        "8.613800138E12",
        "１３８ ００１３ ８０００",
        "+86-138-0013-8000",
    ],
)
def test_known_mobile_forms(text: str) -> None:
    assert normalise_mobile(text) == "13800138000"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1380013800", "length"),
        ("138001380001", "length"),
        ("12800138000", "prefix"),
        ("14400138000", "prefix"),
        ("15400138000", "prefix"),
        ("16000138000", "prefix"),
        ("17900138000", "prefix"),
        ("19400138000", "prefix"),
        ("1380013800a", "characters"),
        ("1.38001E+10x", "characters"),
        ("+44 7911 123456", "characters"),
    ],
)
def test_mobile_rejections(text: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        normalise_mobile(text)
    error = info.value
    assert error.reason_key == reason
    assert error.field == "phone"
    assert isinstance(error, ValueError) and isinstance(error, ValidationError)
    assert "{" not in str(error)


def test_excel_truncation_is_not_silently_accepted_when_not_integral() -> None:
    with pytest.raises(InvalidPhone):
        normalise_mobile("13800138000.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010-62345678", "010-62345678"),
        ("(010)62345678", "010-62345678"),
        ("（010）6234 5678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("+86 10 6234 5678", "010-62345678"),
        ("0086-10-62345678", "010-62345678"),
        ("+86 (0)10 62345678", "010-62345678"),
        ("021-5555 6666", "021-55556666"),
        ("0755-88886666", "0755-88886666"),
        ("0571 8765432", "0571-8765432"),
        ("０２０－８７６５４３２１", "020-87654321"),
    ],
)
def test_fixed_lines(text: str, expected: str) -> None:
    assert normalise_fixed_line(text) == expected
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("62345678", "no_area_code"),
        ("010-1234567", "format"),
        ("010-023456789", "format"),
        ("0755-123", "format"),
        ("0155-88886666", "format"),
        ("010-6234a678", "characters"),
    ],
)
def test_fixed_line_rejections(text: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        normalise_fixed_line(text)
    assert info.value.reason_key == reason


def test_normalise_phone_explains_the_kind_of_number_typed() -> None:
    with pytest.raises(InvalidPhone) as info:
        normalise_phone("1380013800")
    assert info.value.reason_key == "length"
    with pytest.raises(InvalidPhone) as info:
        normalise_phone("0755-123")
    assert info.value.reason_key == "format"
    with pytest.raises(InvalidPhone) as info:
        normalise_phone("call me")
    assert info.value.reason_key == "invalid"
    with pytest.raises(InvalidPhone) as info:
        normalise_phone("")
    assert info.value.reason_key == "empty"


@given(st.text())
def test_random_text_only_raises_invalid_phone(text: str) -> None:
    for function in (normalise_mobile, normalise_fixed_line, normalise_phone):
        try:
            result = function(text)
        except InvalidPhone:
            continue
        assert result == function(result)


@given(st.from_regex(r"[0-9.eE+\-]{1,20}", fullmatch=True))
def test_number_like_text_only_raises_invalid_phone(text: str) -> None:
    try:
        normalise_phone(text)
    except InvalidPhone:
        pass


def test_masking() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("010-62345678") == "010-******78"
    assert mask_phone("0755-8888666") == "0755-*****66"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""


@given(st.text())
def test_masking_never_raises(text: str) -> None:
    mask_phone(text)


@given(mobiles)
def test_masked_mobile_hides_the_middle(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]
