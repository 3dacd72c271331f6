"""Mainland phone numbers: normalising mobiles and landlines as typed or pasted, and masking."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.errors import ValidationError
from app.i18n import _

MOBILE_PATTERN = re.compile(
    r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])[0-9]{8}", re.ASCII
)
# 010 and 02x are three-digit area codes; every other area code is 0 + three digits.
# Local numbers never start with 0 (trunk prefix) or 1 (service numbers).
_FIXED_PATTERN = re.compile(r"(010|02[0-9]|0[3-9][0-9]{2})([2-9][0-9]{6,7})", re.ASCII)

# Separators people type or paste between digit groups.
_SEPARATORS = re.compile(r"[\s\-()（）.·]")
# Excel turns an unformatted phone column into numbers and hands them back as
# "13800138000.0" or "1.3800138E10"; the bounded lengths keep Decimal away from
# absurd exponents in junk input.
_EXCEL_SCIENTIFIC = re.compile(r"[0-9]\.[0-9]{1,14}[eE]\+?[0-9]{1,2}", re.ASCII)
_EXCEL_DECIMAL = re.compile(r"[0-9]{1,15}\.0{1,6}", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _fullwidth_table() -> dict[int, int]:
    table = {ord("０") + i: ord("0") + i for i in range(10)}
    table.update({ord("＋"): ord("+"), ord("－"): ord("-"), ord("　"): ord(" ")})
    return table


_FULLWIDTH = _fullwidth_table()


class InvalidPhone(ValidationError, ValueError):
    """A phone number that cannot be accepted; str() is the translated reason."""

    def __init__(self, sentence: str, reason_key: str) -> None:
        super().__init__(sentence, field="phone")
        self.reason_key = reason_key


def _from_excel(text: str) -> str:
    if _EXCEL_SCIENTIFIC.fullmatch(text) or _EXCEL_DECIMAL.fullmatch(text):
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the patterns only admit decimals
            return text
        if value == value.to_integral_value():
            return str(int(value))
    return text


def _clean(text: str) -> str:
    """Full-width to ASCII, Excel numbers back to digit strings, separators removed."""
    text = text.translate(_FULLWIDTH).strip()
    text = _from_excel(text)
    return _SEPARATORS.sub("", text)


def _strip_country_code(digits: str) -> tuple[str, bool]:
    """Digits without a leading +86 / 0086 and whether one was there."""
    if digits.startswith("+86"):
        return digits[3:], True
    if digits.startswith("0086"):
        return digits[4:], True
    return digits, False


def normalise_mobile(text: str) -> str:
    """The 11 digits of a mainland mobile number, or InvalidPhone."""
    cleaned = _clean(text)
    if not cleaned:
        raise InvalidPhone(_("Please enter a phone number."), "empty")
    digits, _had_code = _strip_country_code(cleaned)
    # A bare "86" is only a country code when exactly a mobile number follows;
    # no mobile number itself starts with 86.
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _DIGITS.fullmatch(digits):
        raise InvalidPhone(
            _("A mobile number may contain only digits, spaces, dashes and a +86 prefix."),
            "characters",
        )
    if len(digits) != 11:
        raise InvalidPhone(
            _("A mobile number must have 11 digits; this one has {count}.").format(
                count=len(digits)
            ),
            "length",
        )
    if not MOBILE_PATTERN.fullmatch(digits):
        raise InvalidPhone(
            _("No mainland mobile number starts with {prefix}.").format(prefix=digits[:3]),
            "prefix",
        )
    return digits


def normalise_fixed_line(text: str) -> str:
    """A landline as "area-local", e.g. "010-62345678", or InvalidPhone."""
    cleaned = _clean(text)
    if not cleaned:
        raise InvalidPhone(_("Please enter a phone number."), "empty")
    digits, had_code = _strip_country_code(cleaned)
    if not _DIGITS.fullmatch(digits):
        raise InvalidPhone(
            _("A landline number may contain only digits, spaces, dashes and brackets."),
            "characters",
        )
    if had_code and not digits.startswith("0"):
        # Dialled from abroad the trunk 0 is dropped: +86 10 ... is 010 ...
        digits = "0" + digits
    if not digits.startswith("0"):
        raise InvalidPhone(
            _("A landline number needs its area code, for example 010-62345678."),
            "no_area_code",
        )
    match = _FIXED_PATTERN.fullmatch(digits)
    if match is None:
        raise InvalidPhone(
            _(
                "A landline number is an area code and a 7- or 8-digit local number, "
                "for example 010-62345678."
            ),
            "format",
        )
    return f"{match.group(1)}-{match.group(2)}"


def normalise_phone(text: str) -> str:
    """A mobile (11 digits) or a landline ("area-local"), whichever the text is."""
    try:
        return normalise_mobile(text)
    except InvalidPhone as error:
        if error.reason_key == "empty":
            raise
        mobile_error = error
    try:
        return normalise_fixed_line(text)
    except InvalidPhone as error:
        fixed_error = error
    # Say what is wrong with the kind of number the person was evidently typing.
    digits, _had_code = _strip_country_code(_clean(text))
    if digits.startswith("1") or (digits.startswith("86") and len(digits) > 11):
        raise mobile_error
    if digits.startswith("0"):
        raise fixed_error
    raise InvalidPhone(
        _("This is neither a mobile number nor a landline number with its area code."),
        "invalid",
    )


def mask_phone(number: str) -> str:
    """A number safe to show: 138****5678 or 010-******78; never raises."""
    try:
        normalised = normalise_phone(number)
    except InvalidPhone:
        # Unreadable legacy data is still someone's number: show only its last two digits.
        raw = _SEPARATORS.sub("", number)
        return "*" * max(len(raw) - 2, 0) + raw[-2:] if len(raw) > 2 else "*" * len(raw)
    if "-" in normalised:
        area, local = normalised.split("-", 1)
        return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    return normalised[:3] + "****" + normalised[-4:]
