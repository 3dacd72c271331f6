"""One word for one thing in the Chinese catalogue: 档案 is the paper archive and its files,
the customer's record is 客户资料; overdue is 逾期 (已逾期), never 超期 beside it."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / "resources" / "i18n" / "zh_CN.po"
# Words of the paper archive in an English msgid: there 档案 is right.
PAPER = re.compile(r"\b(files?|archive|paper|cabinet|room|box|destruction|loans?|lent|borrow)",
                   re.IGNORECASE)
# An English msgid speaking of the customer's record.
CUSTOMER_RECORD = re.compile(r"\b(client|customer)'?s? records?\b|\b(the|this) record\b|"
                             r"\brecords cannot\b|^Open record$|^Record:$|^Create customer$|"
                             r"\bkeep the records private\b", re.IGNORECASE)
# Known conflicting pairs: the second word must not stand where the first is meant.
CONFLICTS = (("逾期", "超期"), ("客户资料", "客户档案"))


def _pairs() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="zh_CN")
    return [(m.id, m.string) for m in catalogue
            if m.id and isinstance(m.id, str) and isinstance(m.string, str)]


def test_the_customer_record_is_not_called_an_archive_file():
    wrong = [(msgid, msgstr) for msgid, msgstr in _pairs()
             if CUSTOMER_RECORD.search(msgid) and not PAPER.search(msgid) and "档案" in msgstr]
    assert wrong == []


def test_known_conflicting_words_are_not_used():
    for meant, other in CONFLICTS:
        found = [(msgid, msgstr) for msgid, msgstr in _pairs() if other in msgstr]
        assert found == [], f"use {meant}, not {other}: {found[:5]}"


def test_overdue_is_always_the_same_word():
    words = {msgstr for msgid, msgstr in _pairs() if re.search(r"\boverdue\b", msgid, re.I)}
    assert words and all("逾期" in w for w in words)


def test_the_check_would_catch_the_old_translations():
    assert CUSTOMER_RECORD.search("Open record") and not PAPER.search("Open record")
    assert CUSTOMER_RECORD.search("Every look-up of a customer record is registered.")
    assert PAPER.search("File {number} was transferred; its record stays.")
