"""Pinyin spellings of names for search: full toneless pinyin and initials, surname-aware."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Compound surnames are read as a unit and must not lose their second character to the
# given name; a few also have readings pypinyin would not pick (尉迟 is yu-chi, not wei-chi).
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "令狐": ("ling", "hu"),
    "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"),
    "司徒": ("si", "tu"),
    "西门": ("xi", "men"),
    "独孤": ("du", "gu"),
    "南宫": ("nan", "gong"),
    "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"),
    "申屠": ("shen", "tu"),
    "呼延": ("hu", "yan"),
    "钟离": ("zhong", "li"),
    "长孙": ("zhang", "sun"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
}

# Surnames read differently from the same character in ordinary words; pypinyin picks the
# ordinary reading, so a clerk typing "zeng" would never find 曾志伟 without this table.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "覃": "qin",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "隗": "wei",
    "秘": "bi",
    "种": "chong",
    "折": "she",
    "句": "gou",
    "繁": "po",
    "员": "yun",
    "召": "shao",
    "薄": "bo",
    "祭": "zhai",
    "藏": "zang",
    "阚": "kan",
    "都": "du",
    "重": "chong",
    "能": "nai",
    "晟": "sheng",
    "黑": "he",
}

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    """Lowercase syllables; non-Chinese runs (Latin names, digits) split into their words.

    Cached separately from whole names: given names repeat far more often than
    surname + given name pairs, and pypinyin is the slow part of building a search index.
    """
    out: list[str] = []
    for chunk in lazy_pinyin(text, style=Style.NORMAL):
        out.extend(_WORD.findall(chunk.lower()))
    return tuple(out)


def _surname_split(name: str) -> tuple[tuple[str, ...], str]:
    """The surname's syllables and the rest of the name.

    The surname is read on its own so that pypinyin cannot glue it to the given name as a
    dictionary phrase (曾经, 单于...) and pick that phrase's reading.
    """
    for surname, reading in COMPOUND_SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            return reading, name[len(surname) :]
    first = name[0]
    if first in SURNAME_READINGS:
        return (SURNAME_READINGS[first],), name[1:]
    if _is_han(first):
        return _syllables(first), name[1:]
    return (), name


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


@lru_cache(maxsize=131072)
def pinyin_of(name: str, *, surname: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) of a name, e.g. 张伟 -> ("zhangwei", "zw").

    Toneless, lowercase, no spaces; ü is written "v" as pypinyin does (吕 -> "lv").
    With surname=False the whole text gets ordinary readings (for text that is not a name).
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if not text:
        return "", ""
    if surname:
        head, rest = _surname_split(text)
        syllables = head + _syllables(rest) if rest else head
    else:
        syllables = _syllables(text)
    return "".join(syllables), "".join(s[0] for s in syllables)
