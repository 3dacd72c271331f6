"""Deterministic synthetic (entirely fictitious) people for demo data, driven by random.Random."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from app.customers.idnumbers import resident_check_digit
from app.customers.pinyin import pinyin_of

# Surnames with rough relative frequencies (per mille of the population), so that a demo
# customer list looks like a real one: plenty of 王 and 李, the odd 诸葛.
_SURNAME_TABLE = """
王72 李71 张68 刘53 陈45 杨31 黄22 赵21 吴20 周19 徐15 孙13 马12 朱11 胡11 郭10 何9 林9
高9 罗9 郑8 梁8 谢7 宋6 唐6 许6 韩6 冯6 邓6 曹5 彭5 曾5 肖5 田5 董5 袁4 潘4 于4 蒋4 蔡4
余4 杜4 叶4 程4 苏4 魏4 吕4 丁4 任3 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3
贾3 夏3 韦3 付3 方3 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2
贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 严2 覃1.5 武1.5 戴1.5 莫1.5 孔1.5 向1.5 汤1.5 单0.5
欧阳0.3 司马0.1 诸葛0.1
"""
_SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = tuple(
    (m[1], float(m[2])) for m in re.finditer(r"(\D+?)([0-9.]+)", "".join(_SURNAME_TABLE.split()))
)
_SURNAMES = tuple(s for s, _w in _SURNAME_WEIGHTS)
_SURNAME_CUM = tuple(accumulate(w for _s, w in _SURNAME_WEIGHTS))

# Given-name characters by the gender they usually suggest; the first few of each pool
# are the very common ones and are weighted up (伟 and 芳 lead the national name lists).
_MALE_CHARS = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林"
    "峰建亮成志海东文博晨昊然轩睿哲诚毅翔豪坤彬锋振国庆德胜"
    "义兵松柏岩磊鸣继荣"
)
_FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕梅琳雪婷慧莉倩颖琴月美玉佳"
    "欣怡蕾薇露瑶晶丹洁璐茜琪蓉爽妍悦菲彤诗涵梦馨雅"
    "淑珍凤翠霖婉秀宁"
)
_NEUTRAL_CHARS = "文明华平晓子一思嘉永春秋安宏立新云金海小乐清"
_COMMON_BOOST = 6  # how many times likelier the first characters of each pool are
_COMMON_COUNT = 10


def _weighted_pool(chars: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    unique = tuple(dict.fromkeys(chars))
    weights = [_COMMON_BOOST if i < _COMMON_COUNT else 1 for i in range(len(unique))]
    return unique, tuple(accumulate(weights))


_GIVEN_POOLS = {
    "M": _weighted_pool(_MALE_CHARS + _NEUTRAL_CHARS),
    "F": _weighted_pool(_FEMALE_CHARS + _NEUTRAL_CHARS),
}
_SINGLE_CHAR_GIVEN_NAME_SHARE = 0.3

# Real county-level division codes with their names, so IDs and addresses look right.
REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("110101", "北京市", "北京市", "东城区"),
    ("110102", "北京市", "北京市", "西城区"),
    ("110105", "北京市", "北京市", "朝阳区"),
    ("110106", "北京市", "北京市", "丰台区"),
    ("110108", "北京市", "北京市", "海淀区"),
    ("120101", "天津市", "天津市", "和平区"),
    ("120103", "天津市", "天津市", "河西区"),
    ("130102", "河北省", "石家庄市", "长安区"),
    ("140105", "山西省", "太原市", "小店区"),
    ("150102", "内蒙古自治区", "呼和浩特市", "新城区"),
    ("210102", "辽宁省", "沈阳市", "和平区"),
    ("220102", "吉林省", "长春市", "南关区"),
    ("230102", "黑龙江省", "哈尔滨市", "道里区"),
    ("310101", "上海市", "上海市", "黄浦区"),
    ("310104", "上海市", "上海市", "徐汇区"),
    ("310115", "上海市", "上海市", "浦东新区"),
    ("320102", "江苏省", "南京市", "玄武区"),
    ("320505", "江苏省", "苏州市", "虎丘区"),
    ("330106", "浙江省", "杭州市", "西湖区"),
    ("330203", "浙江省", "宁波市", "海曙区"),
    ("340102", "安徽省", "合肥市", "瑶海区"),
    ("350102", "福建省", "福州市", "鼓楼区"),
    ("350203", "福建省", "厦门市", "思明区"),
    ("360102", "江西省", "南昌市", "东湖区"),
    ("370102", "山东省", "济南市", "历下区"),
    ("370202", "山东省", "青岛市", "市南区"),
    ("410105", "河南省", "郑州市", "金水区"),
    ("420102", "湖北省", "武汉市", "江岸区"),
    ("420106", "湖北省", "武汉市", "武昌区"),
    ("430102", "湖南省", "长沙市", "芙蓉区"),
    ("440103", "广东省", "广州市", "荔湾区"),
    ("440106", "广东省", "广州市", "天河区"),
    ("440304", "广东省", "深圳市", "福田区"),
    ("440305", "广东省", "深圳市", "南山区"),
    ("450102", "广西壮族自治区", "南宁市", "兴宁区"),
    ("460105", "海南省", "海口市", "秀英区"),
    ("500103", "重庆市", "重庆市", "渝中区"),
    ("510104", "四川省", "成都市", "锦江区"),
    ("510107", "四川省", "成都市", "武侯区"),
    ("520102", "贵州省", "贵阳市", "南明区"),
    ("530102", "云南省", "昆明市", "五华区"),
    ("540102", "西藏自治区", "拉萨市", "城关区"),
    ("610113", "陕西省", "西安市", "雁塔区"),
    ("620102", "甘肃省", "兰州市", "城关区"),
    ("630102", "青海省", "西宁市", "城东区"),
    ("640104", "宁夏回族自治区", "银川市", "兴庆区"),
    ("650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
)
REGION_CODES: tuple[str, ...] = tuple(r[0] for r in REGIONS)

_ROADS = tuple(
    "建国路 人民路 解放路 中山路 和平路 长江路 黄河路 新华路 胜利路 文化路 朝阳路 光明街 "
    "幸福街 友谊路 青年路 学府路 滨江大道 东风路 南京路 北京路 花园路 工农路 健康路 公园路".split()
)
# Only domains reserved for documentation (RFC 2606), so demo mail can never reach anyone.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
_EMAIL_NONE_SHARE = 0.4

MOBILE_PREFIXES: tuple[str, ...] = tuple(
    [f"13{d}" for d in range(10)]
    + [f"14{d}" for d in range(5, 10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"16{d}" for d in (2, 5, 6, 7)]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)

EARLIEST_BIRTH = date(1950, 1, 1)
LATEST_BIRTH = date(2006, 12, 31)
_BIRTH_SPAN_DAYS = (LATEST_BIRTH - EARLIEST_BIRTH).days


@dataclass(frozen=True)
class Address:
    province: str
    city: str
    district: str
    street: str

    def _region(self) -> str:
        # Municipalities (北京市, 上海市...) are their own city; don't say it twice.
        city = "" if self.city == self.province else self.city
        return f"{self.province}{city}{self.district}"

    def full(self) -> str:
        return self._region() + self.street

    def masked(self) -> str:
        return self._region() + "****"


@dataclass(frozen=True)
class SyntheticPerson:
    name: str
    pinyin_full: str
    pinyin_initials: str
    gender: str
    birth_date: date
    id_number: str
    mobile: str
    email: str | None
    address: Address


def gender(rng: random.Random) -> str:
    return "M" if rng.random() < 0.5 else "F"


def birth_date(rng: random.Random) -> date:
    return EARLIEST_BIRTH + timedelta(days=rng.randrange(_BIRTH_SPAN_DAYS + 1))


def chinese_name(rng: random.Random, gender: str | None = None) -> str:
    """A plausible name: weighted surname plus one or two given-name characters."""
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
    chars, cum = _GIVEN_POOLS[gender or ("M" if rng.random() < 0.5 else "F")]
    count = 1 if rng.random() < _SINGLE_CHAR_GIVEN_NAME_SHARE else 2
    return surname + "".join(rng.choices(chars, cum_weights=cum, k=count))


def resident_id(rng: random.Random, birth_date: date, gender: str) -> str:
    """A checksum-valid 18-character resident ID whose gender digit matches `gender`."""
    region = rng.choice(REGION_CODES)
    sequence = rng.randrange(100)
    # The 17th digit is odd for men and even for women (GB 11643).
    gender_digit = rng.randrange(1 if gender == "M" else 0, 10, 2)
    # Hand-formatted date: strftime costs more than the rest of this function.
    born = f"{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
    first17 = f"{region}{born}{sequence:02d}{gender_digit}"
    return first17 + resident_check_digit(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def email(rng: random.Random, pinyin_full: str) -> str | None:
    if rng.random() < _EMAIL_NONE_SHARE:
        return None
    local = pinyin_full or "user"
    style = rng.random()
    if style < 0.4:
        local = f"{local}{rng.randrange(1, 1000)}"
    elif style < 0.6:
        local = f"{local}{rng.randrange(1960, 2007)}"
    elif style < 0.8:
        local = f"{local}.{rng.randrange(10, 100)}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def address(rng: random.Random) -> Address:
    _code, province, city, district = rng.choice(REGIONS)
    street = (
        f"{rng.choice(_ROADS)}{rng.randrange(1, 301)}号"
        f"{rng.randrange(1, 7)}单元{rng.randrange(1, 31)}{rng.randrange(1, 5):02d}室"
    )
    return Address(province=province, city=city, district=district, street=street)


def person(rng: random.Random) -> SyntheticPerson:
    """One fictitious person; the same rng state always gives the same person."""
    sex = gender(rng)
    born = birth_date(rng)
    name = chinese_name(rng, sex)
    full, initials = pinyin_of(name)
    return SyntheticPerson(
        name=name,
        pinyin_full=full,
        pinyin_initials=initials,
        gender=sex,
        birth_date=born,
        id_number=resident_id(rng, born, sex),
        mobile=mobile(rng),
        email=email(rng, full),
        address=address(rng),
    )


def people(rng: random.Random, count: int) -> list[SyntheticPerson]:
    return [person(rng) for _ in range(count)]
