"""ID and phone numbers inside free text (a purpose, a reason, a note), masked.

What a person types as a reason may carry the very number the log must not hold in clear
("customer 110105194912310025 asked…"). Every such number found is replaced by its mask,
the one shown on screens, so the log keeps what was meant and not the number itself. A
number counts only standing on its own: digits glued to letters or other digits (a
checksum, a file name) are not a number someone typed.
"""

from __future__ import annotations

import re

from app.customers.idnumbers import mask_id_number
from app.customers.phones import mask_phone

_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}

_ID_NUMBER = re.compile(_ALONE_BEFORE + r"(?:[0-9]{17}[0-9Xx]|[0-9]{15})" + _ALONE_AFTER,
                        re.ASCII)
_MOBILE = re.compile(_ALONE_BEFORE + r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}"
                     + _ALONE_AFTER, re.ASCII)
_LANDLINE = re.compile(_ALONE_BEFORE + r"0[1-9][0-9]{1,2}[ -]?[0-9]{7,8}" + _ALONE_AFTER,
                       re.ASCII)


def mask_numbers_in(text: str) -> str:
    """`text` with every resident ID and phone number in it masked; never raises."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_numbers_deep(value: object) -> object:
    """The same through the strings of a JSON-like value (an audit event's detail)."""
    if isinstance(value, str):
        return mask_numbers_in(value)
    if isinstance(value, dict):
        return {k: mask_numbers_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_numbers_deep(v) for v in value]
    return value


__all__ = ["mask_numbers_deep", "mask_numbers_in"]
