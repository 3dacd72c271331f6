"""Pinyin of names for search: surname readings, compound surnames, initials."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.customers.pinyin import pinyin_of


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张伟", "zhangwei", "zw"),
        ("王秀英", "wangxiuying", "wxy"),
        ("曾志伟", "zengzhiwei", "zzw"),
        ("单田芳", "shantianfang", "stf"),
        ("解晓东", "xiexiaodong", "xxd"),
        ("仇和", "qiuhe", "qh"),
        ("区志强", "ouzhiqiang", "ozq"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴树", "piaoshu", "ps"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("诸葛亮", "zhugeliang", "zgl"),
        ("司马懿", "simayi", "smy"),
        ("吕布", "lvbu", "lb"),
    ],
)
def test_names(name: str, full: str, initials: str) -> None:
    assert pinyin_of(name) == (full, initials)


def test_surname_reading_only_applies_to_the_first_character() -> None:
    assert pinyin_of("曾") == ("zeng", "z")
    assert pinyin_of("单") == ("shan", "s")
    assert pinyin_of("张曾")[0] == "zhangceng"
    assert pinyin_of("曾经", surname=False) == ("cengjing", "cj")


def test_whitespace_dots_and_latin_are_tidied() -> None:
    assert pinyin_of("  张 伟 ") == ("zhangwei", "zw")
    assert pinyin_of("买买提·艾力") == ("maimaitiaili", "mmtal")
    assert pinyin_of("Tom Lee") == ("tomlee", "tl")
    assert pinyin_of("ＬＩ Ｍｉｎｇ") == ("liming", "lm")
    assert pinyin_of("") == ("", "")


@given(st.text(max_size=12))
def test_any_text_gives_lowercase_ascii(text: str) -> None:
    full, initials = pinyin_of(text)
    assert full == full.lower()
    assert full.isascii() and initials.isascii()
    assert " " not in full
    assert len(initials) <= len(full)
    assert full.startswith(initials[:1])
