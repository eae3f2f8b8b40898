"""Numbers the Chinese way (27.6万人, 541.58亿元) or the English way (276,000; 54.16 billion).

Units are keyed in the registry; money is stored in 万元 (investment) or yuan (donations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.i18n import pair


@dataclass(frozen=True)
class Unit:
    zh: str  # suffix in Chinese: 人, 家, 个, 元 …
    en: str  # noun in English
    yuan_factor: float = 0.0  # yuan per stored unit, for money; 0 for counts


# The units' words are the catalogue's ui.unit.* messages.
UNITS = {
    "person": Unit(*pair("ui.unit.person")),
    "attendance": Unit(*pair("ui.unit.attendance")),
    "entity": Unit(*pair("ui.unit.entity")),
    "station": Unit(*pair("ui.unit.station")),
    "project": Unit(*pair("ui.unit.project")),
    "park": Unit(*pair("ui.unit.park")),
    "event": Unit(*pair("ui.unit.event")),
    "wan_yuan": Unit(*pair("ui.unit.yuan"), yuan_factor=10_000),
    "yuan": Unit(*pair("ui.unit.yuan"), yuan_factor=1),
    "ratio": Unit(*pair("ui.unit.ratio")),
}


def unit_name(unit: str, lang: str = "zh") -> str:
    """The unit as a word for axis titles and the glossary: 人, 元, %, people, yuan."""
    u = UNITS[unit]
    return u.zh if lang == "zh" else u.en


def _decimal(value) -> Decimal:
    """The number as the decimal it is written as (0.145, not 0.14499999999999999), so that
    rounding works on the digits a reader sees."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(number: Decimal, decimals: int) -> Decimal:
    """四舍五入: halves away from zero, as statistical tables round (1.15万 → 1.2万)."""
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _trim(number, decimals: int) -> str:
    text = f"{_round(_decimal(number), decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def chinese_number(value: float, decimals: int = 1) -> str:
    """27.6万, 541.58亿 (money keeps 2 decimals in 亿), 8,765 below 万. The unit is chosen
    after rounding, so 99,999,999 reads 1亿, not 10,000万."""
    number = _decimal(value)
    magnitude = abs(number)
    if _round(magnitude / 10_000, decimals) >= 10_000:
        return f"{_trim(number / 100_000_000, max(decimals, 2))}亿"
    if _round(magnitude, decimals) >= 10_000:
        return f"{_trim(number / 10_000, decimals)}万"
    return _trim(number, decimals)


def english_number(value: float, decimals: int = 1) -> str:
    number = _decimal(value)
    magnitude = abs(number)
    if _round(magnitude / 1_000_000, decimals) >= 1_000:
        return f"{_trim(number / 1_000_000_000, max(decimals, 2))} billion"
    if _round(magnitude, decimals) >= 1_000_000:
        return f"{_trim(number / 1_000_000, decimals)} million"
    return _trim(number, decimals)


def format_value(value, unit: str, lang: str = "zh", decimals: int | None = None) -> str:
    """A value with its unit, ready for a card or a table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    u = UNITS[unit]
    if unit == "ratio":
        d = 1 if decimals is None else decimals
        return f"{_trim(_decimal(value) * 100, d)}%"
    if u.yuan_factor:
        yuan = value * u.yuan_factor
        if lang == "zh":
            return f"{chinese_number(yuan)}元"  # two decimals from 1亿
        return f"{english_number(yuan, 2)} yuan"
    d = 1 if decimals is None else decimals
    if lang == "zh":
        return f"{chinese_number(value, d)}{u.zh}"
    return f"{english_number(value, d)} {u.en}"


def headline_value(value, unit: str, lang: str = "zh", decimals: int | None = None) -> str:
    """A headline figure where width is scarce (the wall display's cards): the Chinese way
    as everywhere (27.6万人); in English a count from 10,000 up in thousands or millions
    (276K people, 2.8M people; not 276,000 people) and money from a billion yuan in billions
    (54.16B yuan), so seven cards fit the 1920-pixel wall side by side."""
    if lang != "zh" and UNITS[unit].yuan_factor and value is not None and value == value:
        yuan = _decimal(value) * UNITS[unit].yuan_factor
        if abs(yuan) >= 1_000_000_000:  # 54.16B yuan, on one line
            return f"{_trim(yuan / 1_000_000_000, 2)}B yuan"
    if (lang != "zh" and unit != "ratio" and not UNITS[unit].yuan_factor
            and value is not None and value == value and abs(value) >= 10_000):
        if _round(abs(_decimal(value)) / 1000, 0) >= 1000:
            return f"{_trim(_decimal(value) / 1_000_000, 1)}M {UNITS[unit].en}"
        return f"{_trim(_decimal(value) / 1000, 0)}K {UNITS[unit].en}"
    return format_value(value, unit, lang, decimals)


def _magnitude(top, decimals: int) -> tuple[int, str]:
    """The divisor and word the largest absolute value `top` is written with in Chinese
    (chinese_number's rule)."""
    if _round(_decimal(top) / 10_000, decimals) >= 10_000:
        return 100_000_000, "亿"
    if _round(_decimal(top), decimals) >= 10_000:
        return 10_000, "万"
    return 1, ""


def format_values(values, unit: str, lang: str = "zh", top=None) -> list[str]:
    """Values shown side by side (a chart's bars) in one magnitude, the largest's (or
    `top`'s, when several series share a chart): 1.4万家 beside 0.85万家, not beside
    8,467家. A value below one of that magnitude keeps one more decimal."""
    if unit == "ratio" or lang != "zh":  # English writes 8,467 and 1.4 million alike
        return [format_value(v, unit, lang) for v in values]
    u = UNITS[unit]
    factor = u.yuan_factor or 1
    shown = [v for v in values if v is not None and v == v]
    if top is None:
        top = max((abs(v) for v in shown), default=0)
    money = bool(u.yuan_factor)
    decimals = 1
    divisor, word = _magnitude(abs(top) * factor, decimals)
    if divisor == 1:
        return [format_value(v, unit, lang) for v in values]
    places = max(decimals, 2) if divisor >= 100_000_000 else decimals
    out = []
    for v in values:
        if v is None or v != v:
            out.append("—")
            continue
        number = _decimal(v) * _decimal(factor) / divisor
        text = _trim(number, places if abs(number) >= 1 else places + 1)
        out.append(f"{text}{word}{'元' if money else u.zh}")
    return out


def short_values(values, unit: str, lang: str = "zh") -> list[str]:
    """Values side by side where width is scarce (the wall display's narrow panels):
    format_values, except in English, where every bar is written in the largest's
    magnitude as headline_value writes a card: money from a billion yuan in billions
    (10.75B yuan beside 0.85B yuan, not "10.75 billion yuan", which ran past the panel),
    counts from 10,000 in thousands or millions (44K people beside 8.3K people, not
    44,015 people, whose width left the bars a few pixels long)."""
    u = UNITS[unit]
    shown = [v for v in values if v is not None and v == v]
    top = max((abs(_decimal(v)) for v in shown), default=0)
    if lang == "zh" or unit == "ratio" or not shown:
        return format_values(values, unit, lang)
    if u.yuan_factor:
        if top * u.yuan_factor < 1_000_000_000:
            return format_values(values, unit, lang)
        divisor, word, factor = 1_000_000_000, "B yuan", u.yuan_factor
        places = 2
    elif _round(top, 0) >= 10_000:
        millions = _round(top / 1000, 1) >= 1000
        divisor, word, factor = (1_000_000, "M", 1) if millions else (1000, "K", 1)
        word = f"{word} {u.en}"
        places = 1
    else:
        return format_values(values, unit, lang)
    out = []
    for v in values:
        if v is None or v != v:
            out.append("—")
            continue
        number = _decimal(v) * factor / divisor
        decimals = places
        if 0 < abs(number) < 1:  # two significant digits: 0.83K, 0.044M, never "0M"
            decimals = places + max(1, -math.floor(math.log10(abs(number))))
        out.append(f"{_trim(number, decimals)}{word}")
    return out


def axis_ticks(top: float, lang: str = "zh", count: int = 5):
    """Tick values and texts for a count axis from 0 to `top` written the way its bars
    are: 2万 4万 6万 in Chinese once the axis passes 1万 (not 20,000 beside 2.1万人);
    None when plotly's own ticks read the same (below 1万, or English)."""
    if lang != "zh" or top < 10_000:
        return None
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [i * step for i in range(int(top // step) + 1)]
    divisor, word = _magnitude(ticks[-1], 2)
    if divisor == 1:
        return None
    return ticks, [f"{_trim(_decimal(v) / divisor, 2)}{word}" if v else "0" for v in ticks]


def format_change(change, unit: str, lang: str = "zh") -> str:
    if change is None:
        return ""
    sign = "+" if change >= 0 else "−"
    if unit == "ratio":
        points = abs(_decimal(change)) * 100
        return f"{sign}{_trim(points, 1)}{'个百分点' if lang == 'zh' else ' pts'}"
    return sign + format_value(abs(change), unit, lang)


def short_station_name(name_zh: str, lang: str = "zh", city_en: str | None = None,
                       sponsor_en: str | None = None) -> str:
    """北京站 for 菏泽市返乡创业(北京)服务站, 牡丹区(杭州)站 for 牡丹区返乡创业(杭州)服务站; in
    English "Beijing" or "Mudan (Hangzhou)" from the given English names."""
    text = str(name_zh)
    head, _, rest = text.replace("（", "(").replace("）", ")").partition("返乡创业(")
    city = rest.split(")")[0] if rest else ""
    if lang != "zh" and city_en:
        return city_en if not sponsor_en else f"{sponsor_en} ({city_en})"
    if not city:
        return text
    return f"{city}站" if head in ("菏泽市", "") else f"{head}({city})站"


def format_rate(rate, lang: str = "zh", decimals: int = 1) -> str:
    """A change as a rate with its sign: +40.1%, -3.2%, 0% (ASCII minus, which the cards'
    arrows read)."""
    if rate is None or rate != rate:
        return "—"
    text = _trim(abs(rate) * 100, decimals)
    if text == "0":
        return "0%"
    return f"{'+' if rate > 0 else '-'}{text}%"


def format_date(value: date | None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")


def _as_date(value) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if hasattr(value, "date"):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def period_bounds(value, grain: str) -> tuple[date, date]:
    """The first and last day of the year, quarter or month that starts at `value`."""
    d = _as_date(value)
    if grain == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    months = 3 if grain == "quarter" else 1
    first = date(d.year, d.month, 1)
    nxt = date(d.year + (d.month + months - 1) // 12, (d.month + months - 1) % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def covered(value, grain: str, lo: date | None = None, hi: date | None = None
            ) -> tuple[date, date]:
    """The part of the period that the data covers, between `lo` and `hi`."""
    first, last = period_bounds(value, grain)
    return max(first, lo or first), min(last, hi or last)


def is_partial(value, grain: str, lo: date | None = None, hi: date | None = None) -> bool:
    """True when `lo`/`hi` (the period chosen, the data's as-of date) cut the period."""
    return covered(value, grain, lo, hi) != period_bounds(value, grain)


def _month_end(d: date) -> bool:
    return date.fromordinal(d.toordinal() + 1).day == 1


def period_label(value, grain: str, lang: str = "zh", lo: date | None = None,
                 hi: date | None = None) -> str:
    """2020年, 2020年第3季度, 2020年8月 — or 2020, 2020 Q3, 2020-08; a period that `lo`/`hi`
    cut says which part it covers: 2020年1–8月, 2020 (Jan–Aug), 2020年8月1–20日."""
    d = _as_date(value)
    quarter = (d.month - 1) // 3 + 1
    if lang == "zh":
        whole = {"year": f"{d.year}年", "quarter": f"{d.year}年第{quarter}季度",
                 "month": f"{d.year}年{d.month}月"}[grain]
    else:
        whole = {"year": f"{d.year}", "quarter": f"{d.year} Q{quarter}",
                 "month": f"{d.year}-{d.month:02d}"}[grain]
    if not is_partial(d, grain, lo, hi):
        return whole
    a, b = covered(d, grain, lo, hi)
    by_month = a.day == 1 and _month_end(b)
    if lang == "zh":
        if grain == "month" or not by_month:
            span = (f"{a.month}月{a.day}–{b.day}日" if a.month == b.month
                    else f"{a.month}月{a.day}日–{b.month}月{b.day}日")
        else:
            span = f"{a.month}月" if a.month == b.month else f"{a.month}–{b.month}月"
        if grain == "year":
            return f"{a.year}年{span}"
        if grain == "month":
            return f"{a.year}年{a.month}月{a.day}–{b.day}日"
        return f"{whole}（{span}）"
    if grain == "month" or not by_month:
        span = (f"{MONTHS_EN[a.month - 1]} {a.day}–{b.day}" if a.month == b.month
                else f"{MONTHS_EN[a.month - 1]} {a.day} – {MONTHS_EN[b.month - 1]} {b.day}")
    else:
        span = (MONTHS_EN[a.month - 1] if a.month == b.month
                else f"{MONTHS_EN[a.month - 1]}–{MONTHS_EN[b.month - 1]}")
    return f"{whole} ({span})"


# -- map scales: how big or how dark a value is drawn -------------------------------------

def pixel_scale(max_pixels: float, values) -> float:
    """Multiplier that draws the largest value at `max_pixels` (1 when all are zero)."""
    top = max((float(v) for v in values), default=0.0)
    return max_pixels / max(top, 1.0)


def colour_ramp(values, low: tuple[int, int, int], high: tuple[int, int, int],
                alpha: int = 235) -> list[list[int]]:
    """RGBA per value, from `low` to `high` by its share of the largest value (all `low`
    when every value is zero)."""
    values = [0.0 if v is None or v != v else float(v) for v in values]
    top = max(values, default=0.0)
    shares = [v / top if top > 0 else 0.0 for v in values]
    return [[round(lo + (hi - lo) * share) for lo, hi in zip(low, high, strict=True)] + [alpha]
            for share in shares]


# -- numbers on a chart axis or in a table column -----------------------------------------
@dataclass(frozen=True)
class Scale:
    """How a unit is shown on an axis or in a column: money in 亿元 (billion yuan in
    English) like the cards, counts as whole numbers."""

    divisor: float
    zh: str
    en: str
    tickformat: str
    decimals: int = 0

    def unit(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def apply(self, values) -> list[float]:
        out = []
        for v in values:
            if v is None or v != v:
                out.append(float("nan"))
            else:
                out.append(round(float(v) / self.divisor, self.decimals))
        return out

    def header(self, name: str, lang: str = "zh") -> str:
        """A column header with its unit: 总投资（亿元）, Investment (billion yuan)."""
        unit = self.unit(lang)
        return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def scale_for(unit: str, lang: str = "zh") -> Scale:
    if unit == "wan_yuan":
        return (Scale(1e4, "亿元", "", ",.2f", 2) if lang == "zh"
                else Scale(1e5, "", "billion yuan", ",.2f", 2))
    if unit == "yuan":
        return (Scale(1e4, "万元", "", ",.1f", 1) if lang == "zh"
                else Scale(1e6, "", "million yuan", ",.2f", 2))
    if unit == "ratio":
        return Scale(0.01, "%", "%", ",.0f", 1)
    u = UNITS[unit]
    return Scale(1, u.zh, u.en, ",d", 0)
