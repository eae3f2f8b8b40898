"""The dashboard's state in a URL: the same link in both languages, bad values named.

A link carries codes, never labels: ``?county=371721&industry=costume&level=county&
province=11&from=2019-01-01&to=2020-08-31&lang=zh``. Links written before codes were used
carried Chinese (or English) labels (``?county=曹县&level=县级站&lang=English``): those
still open the same view. A value that names nothing is dropped and reported, in the
reader's language, and the rest of the link still applies.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from analytics.text import CODES
from model.filters import LEVELS

LANG_ALIASES = {"zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "cn": "zh", "中文": "zh",
                "chinese": "zh", "en": "en", "en-us": "en", "en_us": "en", "en-gb": "en",
                "english": "en", "英文": "en"}
LIST_KEYS = ("county", "industry", "level", "province")
PERIODS = ("all", "this_year", "last_year", "last_12_months", "custom")
FIRST_DAY = date(2015, 1, 1)


@dataclass(frozen=True)
class Ignored:
    """One value of a link that was dropped, and why."""

    param: str
    value: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class LinkState:
    """What a link asks for, as codes; `ignored` lists what it asked for in vain."""

    county: list[int] = field(default_factory=list)
    industry: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    province: list[int] = field(default_factory=list)
    period: str = "all"
    start: date | None = None
    end: date | None = None
    lang: str | None = None
    ignored: list[Ignored] = field(default_factory=list)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def _values(raw) -> list[str]:
    """A parameter's values: repeated keys and comma-separated lists both work."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    out = []
    for item in raw:
        out += [part.strip() for part in str(item).replace("，", ",").split(",") if part.strip()]
    return out


class Vocabulary:
    """Codes and every label that names them, for each list parameter."""

    def __init__(self, counties: Sequence[tuple[int, str, str]],
                 industries: Sequence[tuple[str, str, str]],
                 provinces: Sequence[tuple[int, str, str]]):
        self.lookup: dict[str, dict[str, object]] = {}
        self.lookup["county"] = self._index(counties)
        self.lookup["industry"] = self._index(industries)
        self.lookup["province"] = self._index(provinces)
        levels = [(code, *CODES["level"][code]) for code in LEVELS]
        self.lookup["level"] = self._index(levels)

    @staticmethod
    def _index(rows) -> dict[str, object]:
        index: dict[str, object] = {}
        for code, zh, en in rows:
            for name in (code, zh, en):
                if name is not None and str(name):
                    index.setdefault(_norm(name), code)
        return index

    def resolve(self, param: str, value: str):
        return self.lookup[param].get(_norm(value))


WHAT = {"county": ("县区", "county"), "industry": ("产业", "industry"),
        "level": ("服务站级别", "station level"), "province": ("驻在省份", "host province"),
        "from": ("开始日期", "start date"), "to": ("结束日期", "end date"),
        "lang": ("语言", "language"), "period": ("时间段", "period")}


def _ignored(param: str, value: str, why_zh: str = "", why_en: str = "") -> Ignored:
    what_zh, what_en = WHAT[param]
    zh = f"链接中的{what_zh}“{value}”无法识别，已忽略" + (f"（{why_zh}）" if why_zh else "")
    en = f"The link's {what_en} “{value}” was not recognised and is ignored" + (
        f" ({why_en})" if why_en else "")
    return Ignored(param, value, zh, en)


def _parse_date(text: str) -> date | None:
    text = unicodedata.normalize("NFKC", text).strip()
    for sep in ("-", "/", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def parse(params: Mapping[str, object], vocab: Vocabulary, as_of: date,
          scoped: bool = False) -> LinkState:
    """Read a link's parameters (a value or a list of values per key). `scoped`: the reader
    sees only some counties, so a county outside them is refused without naming it back."""
    state = LinkState()
    for param in LIST_KEYS:
        chosen: list = getattr(state, param)
        for value in _values(params.get(param)):
            code = vocab.resolve(param, value)
            if code is None and scoped and param == "county":
                state.ignored.append(Ignored(
                    param, value, "链接中的县区不在您的数据范围内，已忽略",
                    "The link names a county outside your data scope; it is ignored"))
            elif code is None:
                state.ignored.append(_ignored(param, value))
            elif code not in chosen:
                chosen.append(code)
    langs = _values(params.get("lang"))
    if langs:
        state.lang = LANG_ALIASES.get(_norm(langs[0]))
        if state.lang is None:
            state.ignored.append(_ignored("lang", langs[0], "可用 zh 或 en", "use zh or en"))
    periods = _values(params.get("period"))
    if periods:
        if periods[0] in PERIODS:
            state.period = periods[0]
        else:
            state.ignored.append(_ignored("period", periods[0]))
    for param in ("from", "to"):
        values = _values(params.get(param))
        if not values:
            continue
        day = _parse_date(values[0])
        if day is None:
            state.ignored.append(_ignored(param, values[0], "日期格式应为 2020-08-31",
                                          "dates are written 2020-08-31"))
        elif not FIRST_DAY <= day <= as_of:
            state.ignored.append(_ignored(
                param, values[0], f"应在 {FIRST_DAY.isoformat()} 至 {as_of.isoformat()} 之间",
                f"must lie between {FIRST_DAY.isoformat()} and {as_of.isoformat()}"))
        else:
            setattr(state, "start" if param == "from" else "end", day)
    if state.start and state.end and state.end < state.start:
        state.ignored.append(_ignored("to", state.end.isoformat(), "早于开始日期",
                                      "before the start date"))
        state.end = None
    if state.start or state.end:
        if state.period not in ("all", "custom"):
            state.ignored.append(_ignored("period", state.period, "与具体日期同时给出",
                                          "given together with dates"))
        state.period = "custom"
    elif state.period == "custom":
        state.period = "all"
    return state


def period_dates(period: str, as_of: date, start: date | None = None,
                 end: date | None = None) -> tuple[date | None, date | None]:
    """The dates a period preset stands for, relative to the snapshot's as-of date."""
    if period == "this_year":
        return date(as_of.year, 1, 1), as_of
    if period == "last_year":
        return date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31)
    if period == "last_12_months":
        return as_of - timedelta(days=364), as_of
    if period == "custom":
        return start, end
    return None, None


def to_params(state: LinkState, lang: str) -> dict[str, list[str]]:
    """The canonical link for a state: codes only, in a fixed order; empty keys left out."""
    out: dict[str, list[str]] = {}
    for param in LIST_KEYS:
        values = getattr(state, param)
        if values:
            out[param] = [str(v) for v in values]
    if state.period == "custom":
        if state.start:
            out["from"] = [state.start.isoformat()]
        if state.end:
            out["to"] = [state.end.isoformat()]
    elif state.period != "all":
        out["period"] = [state.period]
    if lang != "zh":
        out["lang"] = [lang]
    return out
