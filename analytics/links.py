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
from core import i18n
from core.i18n import pair
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


# What each parameter is, in words: a message key of the catalogue.
WHAT = {"county": "ui.link_what.county", "industry": "ui.link_what.industry",
        "level": "ui.link_what.level", "province": "ui.link_what.province",
        "from": "ui.link_what.from", "to": "ui.link_what.to",
        "lang": "ui.link_what.lang", "period": "ui.link_what.period"}


def _ignored(param: str, value: str, why: tuple[str, str] | None = None) -> Ignored:
    """A value dropped from the link, with why (a message of both languages) if known."""
    what_zh, what_en = pair(WHAT[param])
    if why is None:
        zh = i18n.text("ui.link.ignored", "zh", what=what_zh, value=value)
        en = i18n.text("ui.link.ignored", "en", what=what_en, value=value)
    else:
        zh = i18n.text("ui.link.ignored_because", "zh", what=what_zh, value=value, why=why[0])
        en = i18n.text("ui.link.ignored_because", "en", what=what_en, value=value, why=why[1])
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
                state.ignored.append(Ignored(param, value, *pair("ui.link.out_of_scope")))
            elif code is None:
                state.ignored.append(_ignored(param, value))
            elif code not in chosen:
                chosen.append(code)
    langs = _values(params.get("lang"))
    if langs:
        state.lang = LANG_ALIASES.get(_norm(langs[0]))
        if state.lang is None:
            state.ignored.append(_ignored("lang", langs[0], pair("ui.link.why_lang")))
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
            state.ignored.append(_ignored(param, values[0], pair("ui.link.why_date_format")))
        elif not FIRST_DAY <= day <= as_of:
            state.ignored.append(_ignored(param, values[0], pair(
                "ui.link.why_date_range", first=FIRST_DAY.isoformat(), last=as_of.isoformat())))
        else:
            setattr(state, "start" if param == "from" else "end", day)
    if state.start and state.end and state.end < state.start:
        state.ignored.append(_ignored("to", state.end.isoformat(),
                                      pair("ui.link.why_before_start")))
        state.end = None
    if state.start or state.end:
        if state.period not in ("all", "custom"):
            state.ignored.append(_ignored("period", state.period,
                                          pair("ui.link.why_with_dates")))
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
