"""ID and phone numbers inside free text (a purpose, a reason, a note), masked.

What a person types as a reason may carry the very number the log must not hold in clear
("customer 110105194912310025 asked…"). Every such number found is replaced by its mask,
the one shown on screens, so the log keeps what was meant and not the number itself.

People type numbers as they read them: glued to a label ("ID110105…", "tel138…"), in
groups (an ID as 6+8+4, a mobile as 3-4-4, split by spaces, dots or dashes), after +86,
0086 or (+86). All of these are numbers. Only a digit directly before or after makes the
run part of another, longer number (a checksum, an amount), which is left alone.
"""

from __future__ import annotations

import re

from app.customers.idnumbers import mask_id_number
from app.customers.phones import mask_phone

_ALONE_BEFORE = r"(?<![0-9])"  # letters may touch a number ("ID…", "tel…"); digits not
_ALONE_AFTER = r"(?![0-9])"
_SEP = r"[ .\-]?"  # one optional space, dot or dash between the groups people type
_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}
_NOT_ID_CHAR = re.compile(r"[^0-9Xx]")
_NOT_DIGIT = re.compile(r"[^0-9]")

# 18 digits as 6+8+4 (region, birth date, sequence and check), or 15 as 6+6+3 (legacy).
# A region code starts 1-8, so "0086" and a mobile (15 digits too) is left to _MOBILE.
_ID_NUMBER = re.compile(_ALONE_BEFORE + r"(?:[1-8][0-9]{5}" + _SEP + r"[0-9]{8}" + _SEP
                        + r"[0-9]{3}[0-9Xx]" + _ALONE_AFTER + r"|[1-8][0-9]{5}" + _SEP
                        + r"[0-9]{6}"
                        + _SEP + r"[0-9]{3}" + _ALONE_AFTER + ")", re.ASCII)
_COUNTRY = r"(?:\(\s?(?:\+|00)?86\s?\)|(?:\+|00)?86)" + _SEP
_MOBILE = re.compile(_ALONE_BEFORE + r"(?:" + _COUNTRY + r")?(1[3-9][0-9]" + _SEP
                     + r"[0-9]{4}" + _SEP + r"[0-9]{4})" + _ALONE_AFTER, re.ASCII)
_LANDLINE = re.compile(_ALONE_BEFORE + r"(?:" + _COUNTRY + r")?\(?(0[1-9][0-9]{1,2})\)?"
                       + _SEP + r"([0-9]{3,4}" + _SEP + r"[0-9]{4})" + _ALONE_AFTER, re.ASCII)


def _id(match: re.Match) -> str:
    return mask_id_number(_NOT_ID_CHAR.sub("", match.group(0)))


def _mobile(match: re.Match) -> str:
    return mask_phone(_NOT_DIGIT.sub("", match.group(1)))


def _landline(match: re.Match) -> str:
    return mask_phone(match.group(1) + "-" + _NOT_DIGIT.sub("", match.group(2)))


# A machine value standing alone (a checksum, a signing key, a chain hash): 32 or more hex
# characters, at least one a letter. Its digit runs are no one's phone and must stay intact,
# or a registered key or a checksum in the log would no longer be what it was.
_MACHINE_HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")


def mask_numbers_in(text: str) -> str:
    """`text` with every resident ID and phone number in it masked; never raises."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    pieces, start = [], 0
    for machine in _MACHINE_HEX.finditer(text):
        pieces += [_mask(text[start:machine.start()]), machine.group()]
        start = machine.end()
    return "".join([*pieces, _mask(text[start:])])


def _mask(text: str) -> str:
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _ID_NUMBER.sub(_id, text)
    text = _MOBILE.sub(_mobile, text)
    return _LANDLINE.sub(_landline, text)


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
