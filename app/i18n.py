"""Translation of every user-facing string: `_()` for text, `N_()` to mark constants.

Catalogues are gettext .po files in resources/i18n, read with Babel at first use, so there
is no compile step between editing a translation and seeing it. English is the source
language (msgids are English); Simplified Chinese ships complete.
"""

from __future__ import annotations

import locale
import os
import sys
import threading
from enum import StrEnum

from babel.messages.pofile import read_po

from app.resources import resources_dir

LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "en"

_lock = threading.Lock()
_catalogues: dict[str, dict[str, str]] = {}
_current = DEFAULT_LANGUAGE


def _load(language: str) -> dict[str, str]:
    with _lock:
        if language in _catalogues:
            return _catalogues[language]
        table: dict[str, str] = {}
        path = resources_dir() / "i18n" / f"{language}.po"
        if path.exists():
            with path.open("rb") as fh:
                catalogue = read_po(fh, locale=language)
            for message in catalogue:
                if message.id and message.string and not message.fuzzy:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    value = message.string if isinstance(message.string, str) else message.string[0]
                    table[key] = value
        _catalogues[language] = table
        return table


def system_language() -> str:
    """The language the desktop asks for, if we ship it; English otherwise."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0].split(".")[0]
            if code.startswith("zh"):
                return "zh_CN"
            if code.startswith("en") or code in ("C", "POSIX"):
                return "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh_CN" if code.startswith("zh") else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _load(language)
    _current = language


def current_language() -> str:
    return _current


def _(msgid: str) -> str:
    """Translate now, into the current language."""
    if _current == "en":
        return msgid
    return _load(_current).get(msgid, msgid)


def translate(msgid: str, language: str) -> str:
    """Translate into a given language (PDFs in the customer's language, not the clerk's)."""
    if language == "en":
        return msgid
    return _load(language).get(msgid, msgid)


def N_(msgid: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown."""
    return msgid


class Labelled(StrEnum):
    """An enum whose members have translated labels: the `LABELS` table of the module that
    defines the enum maps its class name, then each value, to a message id."""

    @classmethod
    def _label_table(cls) -> dict[str, str]:
        return sys.modules[cls.__module__].LABELS[cls.__name__]

    @property
    def label(self) -> str:
        return _(self._label_table()[self.value])

    def label_in(self, language: str) -> str:
        return translate(self._label_table()[self.value], language)
