"""Chinese identity document numbers: normalising, validating, check digits and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.errors import ValidationError
from app.i18n import _

RESIDENT_ID = "resident_id"
PASSPORT = "passport"
HK_MACAU_PERMIT = "hk_macau_permit"
TAIWAN_PERMIT = "taiwan_permit"
FOREIGNER_PR = "foreigner_pr"
BUSINESS_LICENCE = "business_licence"

ID_TYPES: tuple[str, ...] = (
    RESIDENT_ID,
    PASSPORT,
    HK_MACAU_PERMIT,
    TAIWAN_PERMIT,
    FOREIGNER_PR,
    BUSINESS_LICENCE,
)

# GB 11643-1999, ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# GB 32100-2015 unified social credit code: a 31-symbol alphabet without I, O, S, V, Z.
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {c: i for i, c in enumerate(_USCC_CHARSET)}

PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82"]
)

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Patterns are ASCII-only on purpose: str.isdigit() and \d accept Arabic-Indic and other
# digits that int() would happily read, letting nonsense through as a "valid" number.
_RESIDENT_SHAPE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_LEGACY_SHAPE = re.compile(r"[0-9]{15}", re.ASCII)
_PASSPORT_SHAPE = re.compile(r"[A-Z0-9]{5,9}", re.ASCII)
_HK_MACAU_SHAPE = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})", re.ASCII)
_TAIWAN_SHAPE = re.compile(r"[0-9]{8}|[0-9]{10}", re.ASCII)
_FOREIGNER_OLD_SHAPE = re.compile(r"[A-Z]{3}[0-9]{12}", re.ASCII)
_FOREIGNER_NEW_SHAPE = re.compile(r"9[0-9]{16}[0-9X]", re.ASCII)
_USCC_SHAPE = re.compile(f"[{_USCC_CHARSET}]{{18}}", re.ASCII)


def _fullwidth_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for offset in range(10):
        table[ord("０") + offset] = ord("0") + offset
    for offset in range(26):
        upper = ord("A") + offset
        table[ord("Ａ") + offset] = upper
        table[ord("ａ") + offset] = upper
        table[ord("a") + offset] = upper
    return table


_NORMALISE_TABLE = _fullwidth_table()


class InvalidIdNumber(ValidationError, ValueError):
    """An identity document number that cannot be accepted; str() is the translated reason.

    Also a ValueError so code that only knows "bad value" can still catch it.
    `upgraded` carries the 18-digit form when the input was a legacy 15-digit number,
    so a form can offer to fill it in.
    """

    def __init__(
        self,
        sentence: str,
        reason_key: str,
        *,
        field: str = "id_number",
        upgraded: str | None = None,
    ) -> None:
        super().__init__(sentence, field=field)
        self.reason_key = reason_key
        self.upgraded = upgraded


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str
    region_code: str


def normalise(text: str) -> str:
    """Remove all whitespace, turn full-width characters into ASCII, uppercase letters."""
    # Internal spaces too: numbers get copied from documents printed in groups.
    return "".join(text.split()).translate(_NORMALISE_TABLE)


def resident_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 symbols of a social credit code."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def _check_digit_error() -> InvalidIdNumber:
    return InvalidIdNumber(
        _("The ID number's check digit is wrong; please re-check the number on the document."),
        "check_digit",
    )


def _parse_birth_date(digits: str, today: date) -> date:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdNumber(
            _("The birth date {date} in the ID number is not a real date.").format(date=shown),
            "date_invalid",
        ) from None
    if born > today:
        raise InvalidIdNumber(
            _("The birth date {date} in the ID number is in the future.").format(date=shown),
            "date_future",
        )
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber(
            _("The birth date {date} in the ID number is before 1900.").format(date=shown),
            "date_too_early",
        )
    return born


def upgrade_legacy_id(text15: str, *, today: date | None = None) -> str:
    """The 18-digit form of a legacy 15-digit resident ID ('19' added to the year, check digit).

    Raises InvalidIdNumber if the input is not 15 digits or the result is not a valid ID.
    """
    number = normalise(text15)
    if not _LEGACY_SHAPE.fullmatch(number):
        raise InvalidIdNumber(_("A legacy ID number must have exactly 15 digits."), "legacy_shape")
    # Legacy cards were only issued to people born in the 1900s, hence the fixed century.
    first17 = number[:6] + "19" + number[6:]
    upgraded = first17 + resident_check_digit(first17)
    validate_resident_id(upgraded, today=today)
    return upgraded


def validate_resident_id(text: str, *, today: date | None = None) -> ResidentId:
    """Check a mainland resident ID number and read the facts encoded in it."""
    today = today or date.today()
    number = normalise(text)
    if not number:
        raise InvalidIdNumber(_("Please enter the ID number."), "empty")
    if _LEGACY_SHAPE.fullmatch(number):
        upgraded = upgrade_legacy_id(number, today=today)
        raise InvalidIdNumber(
            _(
                "The ID number {number} is a legacy 15-digit number; "
                "it must be upgraded to 18 digits ({upgraded})."
            ).format(number=number, upgraded=upgraded),
            "legacy_15",
            upgraded=upgraded,
        )
    if len(number) != 18:
        raise InvalidIdNumber(
            _("A resident ID number must have 18 characters; this one has {count}.").format(
                count=len(number)
            ),
            "length",
        )
    if not _RESIDENT_SHAPE.fullmatch(number):
        raise InvalidIdNumber(
            _("A resident ID number must be 17 digits followed by a digit or X."),
            "characters",
        )
    if number[:2] not in PROVINCE_CODES:
        raise InvalidIdNumber(
            _("The ID number starts with {code}, which is not a province code.").format(
                code=number[:2]
            ),
            "region",
        )
    born = _parse_birth_date(number[6:14], today)
    if resident_check_digit(number[:17]) != number[17]:
        raise _check_digit_error()
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=born, gender=gender, region_code=number[:6])


def _validate_foreigner_pr(number: str) -> str:
    if _FOREIGNER_OLD_SHAPE.fullmatch(number):
        return number
    if _FOREIGNER_NEW_SHAPE.fullmatch(number):
        # The 2023 card reuses the resident ID's MOD 11-2 check.
        if resident_check_digit(number[:17]) != number[17]:
            raise _check_digit_error()
        return number
    raise InvalidIdNumber(
        _(
            "A foreign permanent residence ID must be 3 letters and 12 digits, "
            "or 18 characters starting with 9."
        ),
        "format",
    )


def _validate_business_licence(number: str) -> str:
    if not _USCC_SHAPE.fullmatch(number):
        raise InvalidIdNumber(
            _(
                "A unified social credit code must have 18 digits or capital letters "
                "(I, O, S, V and Z are never used)."
            ),
            "format",
        )
    if uscc_check_char(number[:17]) != number[17]:
        raise InvalidIdNumber(
            _(
                "The unified social credit code's last character is wrong; "
                "please re-check the number on the licence."
            ),
            "check_digit",
        )
    return number


def validate_document(id_type: str, text: str) -> str:
    """The normalised number if it is valid for the document type; InvalidIdNumber if not."""
    if id_type not in ID_TYPES:
        raise InvalidIdNumber(
            _("Please choose the type of identity document."), "unknown_type", field="id_type"
        )
    number = normalise(text)
    if not number:
        raise InvalidIdNumber(_("Please enter the ID number."), "empty")
    if id_type == RESIDENT_ID:
        return validate_resident_id(number).number
    if id_type == PASSPORT:
        # Chinese passports (E/G + 8 digits, E + letter + 7 digits) are a subset of this;
        # foreign passports vary too much to check more than length and alphabet.
        if _PASSPORT_SHAPE.fullmatch(number):
            return number
        raise InvalidIdNumber(
            _("A passport number must be 5 to 9 letters or digits, for example E12345678."),
            "format",
        )
    if id_type == HK_MACAU_PERMIT:
        if _HK_MACAU_SHAPE.fullmatch(number):
            return number
        raise InvalidIdNumber(
            _(
                "A Hong Kong and Macao residents' travel permit number must be "
                "H or M followed by 8 or 10 digits."
            ),
            "format",
        )
    if id_type == TAIWAN_PERMIT:
        if _TAIWAN_SHAPE.fullmatch(number):
            return number
        raise InvalidIdNumber(
            _("A Taiwan residents' travel permit number must have 8 or 10 digits."),
            "format",
        )
    if id_type == FOREIGNER_PR:
        return _validate_foreigner_pr(number)
    return _validate_business_licence(number)


def mask_id_number(number: str, id_type: str | None = None) -> str:
    """A number safe to show on screens and printouts; never raises, whatever it is given.

    Without `id_type`, anything shaped like a resident ID is masked as one.

    A mask must leave at least a thousand possible numbers given everything shown beside
    it. A resident ID keeps its region and its last four (sequence and check digit, what
    the counter compares with the card); the hidden birth date is the rest, so the birth
    date is never shown beside it (see `masked_birth_date`): that leaves every date since
    1900 that fits the check digit, some four thousand. Any other number hides at least
    four characters (ten thousand possibilities or more) and shows at most two at each end.
    """
    n = normalise(number)
    as_resident = id_type in (None, RESIDENT_ID)
    if as_resident and _RESIDENT_SHAPE.fullmatch(n):
        return n[:6] + "*" * 8 + n[-4:]
    if as_resident and _LEGACY_SHAPE.fullmatch(n):
        # The legacy layout is region(6) + YYMMDD(6) + sequence(3): hide the whole date.
        return n[:6] + "*" * 6 + n[-3:]
    hidden = min(len(n), max(4, len(n) - 4))
    head = (len(n) - hidden) // 2
    return n[:head] + "*" * hidden + n[head + hidden:]


MASKED_BIRTH_DATE = "****-**-**"


def masked_birth_date(birth_date: str | None) -> str | None:
    """The birth date beside a masked ID: hidden whole, since it is the ID's hidden middle
    (with the year shown, a masked resident ID leaves only about thirty candidates)."""
    return MASKED_BIRTH_DATE if birth_date else None


def birth_date_in(number: str | None, id_type: str | None = None) -> str | None:
    """The birth date a resident ID spells out (YYYY-MM-DD), for showing beside the ID once
    it is revealed; None when the number holds no readable date. Never raises."""
    n = normalise(number or "")
    if id_type not in (None, RESIDENT_ID):
        return None
    if _RESIDENT_SHAPE.fullmatch(n):
        digits = n[6:14]
    elif _LEGACY_SHAPE.fullmatch(n):
        digits = "19" + n[6:12]
    else:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None
