"""Synthetic personal identities: names, GB 11643 ID numbers and mobile numbers.

Vectorised with numpy so that a few hundred thousand people take well under a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.i18n import Pairs

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红波宁亮飞斌浩凯慧晨思琪"
    "雪梅欣怡子涵宇轩博文志远海燕春雷晓东立新振兴文华金凤德山庆祥永胜瑞成俊杰宏伟"
)
# Weights make the commonest surnames common, as in Shandong.
_SURNAME_WEIGHTS = np.linspace(3.0, 0.3, len(SURNAMES))
_SURNAME_WEIGHTS /= _SURNAME_WEIGHTS.sum()

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK_CHARS = "10X98765432"
MOBILE_PREFIXES = np.array(
    ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
     "155", "156", "157", "158", "159", "166", "177", "178", "180", "183", "185", "186",
     "187", "188", "189", "199"]
)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isascii() and number[:17].isdigit()  # not full-width digits
        and id_check_char(number[:17]) == number[17]
    )


def names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = rng.choice(np.array(SURNAMES), size=n, p=_SURNAME_WEIGHTS)
    first = rng.choice(np.array(GIVEN_CHARS), size=n)
    second = rng.choice(np.array(GIVEN_CHARS), size=n)
    two_chars = rng.random(n) < 0.7
    given = np.where(two_chars, np.char.add(first, second), first)
    return np.char.add(surname, given).astype(object)


def id_numbers(
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """18-digit ID numbers: region code, birth date, sequence (odd for men), check digit."""
    n = len(region)
    births = np.asarray(birth, dtype="datetime64[D]")
    year = births.astype("datetime64[Y]").astype(int) + 1970
    month = births.astype("datetime64[M]").astype(int) % 12 + 1
    day = (births - births.astype("datetime64[M]")).astype(int) + 1
    birth_digits = (year * 10000 + month * 100 + day).astype(str)
    seq = rng.integers(0, 50, size=n) * 10 + rng.integers(0, 5, size=n) * 2 + np.where(male, 1, 0)
    first17 = np.char.add(
        np.char.add(np.asarray(region).astype(str), birth_digits),
        np.char.zfill(seq.astype(str), 3),
    )
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - 48
    check = np.array(list(ID_CHECK_CHARS))[(digits @ ID_WEIGHTS) % 11]
    return np.char.add(first17, check).astype(object)


def distinct_id_numbers(ids: np.ndarray, taken: np.ndarray | None = None) -> np.ndarray:
    """`ids` with no number given twice: one person, one number. A number already given
    (earlier in `ids`, or in `taken`) gets another sequence number of the same sex, birth
    date and region. `id_numbers` draws sequence numbers below 500, so the ones from 500 up
    are free for this; no random number is drawn, so nothing else a seed makes changes."""
    ids = np.asarray(ids, dtype=object).copy()
    ids_s = pd.Series(ids)
    clash = ids_s.duplicated(keep="first").to_numpy().copy()
    if taken is not None and len(taken):
        clash |= ids_s.isin(pd.Index(taken)).to_numpy()
    if not clash.any():
        return ids
    kept = [ids[~clash]] + ([np.asarray(taken, dtype=object)] if taken is not None else [])
    fixed = pd.Index(np.concatenate(kept)).drop_duplicates()  # its hash table is built once
    idx = np.flatnonzero(clash)
    moved = ids_s.iloc[idx]
    first14 = moved.str[:14].to_numpy(dtype=object)
    seq = moved.str[14:17].astype(np.int64).to_numpy()
    parity = seq % 2
    # The r-th number to move in its (birth date, region, sex) takes the r-th free slot.
    slot = 250 + pd.Series(first14 + parity.astype(str)).groupby(
        first14 + parity.astype(str)).cumcount().to_numpy()
    accepted: set[str] = set()
    left = np.arange(len(idx))
    checks = np.array(list(ID_CHECK_CHARS))
    for _ in range(500):
        seqs = 2 * (slot[left] % 500) + parity[left]
        first17 = first14[left] + np.char.zfill(seqs.astype(str), 3).astype(object)
        digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(
            -1, 17) - 48
        candidate = (first17 + checks[(digits @ ID_WEIGHTS) % 11]).astype(object)
        bad = (fixed.get_indexer(candidate) >= 0) \
            | pd.Series(candidate).duplicated(keep="first").to_numpy() \
            | np.array([c in accepted for c in candidate], dtype=bool)
        ids[idx[left[~bad]]] = candidate[~bad]
        accepted.update(candidate[~bad])
        left = left[bad]
        if not len(left):
            return ids
        slot[left] += 1
    raise ValueError("more people than ID numbers for one birth date, region and sex")


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = rng.choice(MOBILE_PREFIXES, size=n)
    rest = np.char.zfill(rng.integers(0, 100_000_000, size=n).astype(str), 8)
    return np.char.add(prefix, rest).astype(object)


# -- Heze's region codes, today's and the historic ones people still carry ---------------
#
# The first six digits of an ID number name the county where the number was first issued,
# and a number never changes afterwards. Heze's codes changed twice:
#
# * June 2000: the prefecture 菏泽地区 (3729xx) became the city 菏泽市 (3717xx); the
#   county-level city 菏泽市 became 牡丹区. Numbers issued before then keep 3729xx.
#   The 3729xx list is the 菏泽地区 section of GB/T 2260 as it stood before 2000. 372927
#   was 梁山县, which was transferred to 济宁 in the 1980s; its people are not Heze's, so
#   that code is not accepted (the importer says so in its message).
# * 2016: 定陶县 (371727) became 定陶区 (371703). Numbers issued 2000-2015 keep 371727.
#
# Numbers are issued at birth registration, so the code follows the date of birth.
# The names of the codes (Chinese, English) are the catalogue's code.id_region.* messages.
HEZE_REGION_CODES = Pairs("code.id_region.", (
    "371702", "371703", "371721", "371722", "371723", "371724", "371725", "371726", "371727",
    "371728", "372901", "372922", "372923", "372924", "372925", "372926", "372928", "372929",
    "372930",
))
# Codes that look like Heze's but are not: said so by name in the importer's message.
NOT_HEZE_CODES = Pairs("code.id_region.", ("372927",))  # 梁山县, now part of Jining
PREFECTURE_CODES = {  # today's county -> its 菏泽地区 code before June 2000
    371702: 372901, 371703: 372923, 371721: 372922, 371722: 372925, 371723: 372924,
    371724: 372926, 371725: 372928, 371726: 372929, 371728: 372930,
}
CITY_FROM = np.datetime64("2000-06-09")  # 国函〔2000〕62号: 菏泽地区 becomes 菏泽市
DINGTAO_DISTRICT_FROM = np.datetime64("2016-01-01")  # 定陶县 becomes 定陶区
DINGTAO_COUNTY = 371727


def region_codes(county: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """The region code a person born in `county` (today's code) on `birth` carries.

    Functional zones issue no numbers of their own: their people carry 牡丹区's codes."""
    county = np.asarray(county, dtype=np.int64)
    births = np.asarray(birth, dtype="datetime64[D]")
    home = np.where(np.isin(county, list(PREFECTURE_CODES)), county, 371702)
    before_city = births < CITY_FROM
    keys = np.array(sorted(PREFECTURE_CODES), dtype=np.int64)
    old = np.array([PREFECTURE_CODES[k] for k in keys], dtype=np.int64)[
        np.searchsorted(keys, home)]
    dingtao_county = (home == 371703) & ~before_city & (births < DINGTAO_DISTRICT_FROM)
    return np.where(before_city, old, np.where(dingtao_county, DINGTAO_COUNTY, home))
