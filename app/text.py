"""One rule for free text a person types (names, addresses, notes, reasons, purposes).

Control characters and other invisible, non-printing characters are refused: they hide
text on screen (bidirectional overrides, zero-width characters), break exports (an XLSX
file cannot hold most C0 controls) and have no business in a customer record. Multi-line
fields may keep newlines and tabs; nothing else invisible is accepted.
"""

from __future__ import annotations

import unicodedata

from app.errors import ValidationError
from app.i18n import _

# Unicode general categories of characters that print nothing a person could read or check:
# controls (C0, DEL, C1), format characters (bidi overrides, zero-width), surrogates,
# private use, unassigned, and the line/paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def invisible_characters(text: str, multiline: bool = False) -> list[str]:
    """The characters of `text` the rule refuses, in order (empty when it is clean)."""
    allowed = "\n\r\t" if multiline else ""
    return [ch for ch in text
            if ch not in allowed and unicodedata.category(ch) in _INVISIBLE]


def printable(text: str, field: str, multiline: bool = False) -> str:
    """`text` itself when it holds no control or invisible character; else a ValidationError."""
    text = "" if text is None else str(text)
    if invisible_characters(text, multiline):
        raise ValidationError(_("This field contains control characters or other invisible "
                                "characters; remove them and try again."), field=field)
    return text


__all__ = ["invisible_characters", "printable"]
