"""Numbers the Chinese way (27.6万人, 541.58亿元) or the English way (276,000; 54.16 billion).

Units are keyed in the registry; money is stored in 万元 (investment) or yuan (donations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Unit:
    zh: str  # suffix in Chinese: 人, 家, 个, 元 …
    en: str  # noun in English
    yuan_factor: float = 0.0  # yuan per stored unit, for money; 0 for counts


UNITS = {
    "person": Unit("人", "people"),
    "entity": Unit("家", "businesses"),
    "station": Unit("个", "stations"),
    "project": Unit("个", "projects"),
    "park": Unit("个", "parks"),
    "event": Unit("场", "events"),
    "wan_yuan": Unit("元", "yuan", yuan_factor=10_000),
    "yuan": Unit("元", "yuan", yuan_factor=1),
    "ratio": Unit("%", "%"),
}


def unit_name(unit: str, lang: str = "zh") -> str:
    """The unit as a word for axis titles and the glossary: 人, 元, %, people, yuan."""
    u = UNITS[unit]
    return u.zh if lang == "zh" else u.en


def _trim(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def chinese_number(value: float, decimals: int = 1) -> str:
    """27.6万, 541.58亿 (money keeps 2 decimals in 亿), 8,765 below 万."""
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{_trim(value / 1e8, max(decimals, 2))}亿"
    if magnitude >= 1e4:
        return f"{_trim(value / 1e4, decimals)}万"
    return _trim(value, 0 if float(value).is_integer() else decimals)


def english_number(value: float, decimals: int = 1) -> str:
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{_trim(value / 1e9, max(decimals, 2))} billion"
    if magnitude >= 1e6:
        return f"{_trim(value / 1e6, decimals)} million"
    return _trim(value, 0 if float(value).is_integer() else decimals)


def format_value(value, unit: str, lang: str = "zh", decimals: int | None = None) -> str:
    """A value with its unit, ready for a card or a table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    u = UNITS[unit]
    if unit == "ratio":
        d = 1 if decimals is None else decimals
        return f"{_trim(value * 100, d) if d else round(value * 100)}%"
    if u.yuan_factor:
        yuan = value * u.yuan_factor
        if lang == "zh":
            return f"{chinese_number(yuan, 2 if abs(yuan) >= 1e8 else 1)}元"
        return f"{english_number(yuan, 2)} yuan"
    d = 1 if decimals is None else decimals
    if lang == "zh":
        return f"{chinese_number(value, d)}{u.zh}"
    return f"{english_number(value, d)} {u.en}" if abs(value) >= 1e6 else f"{value:,.0f} {u.en}"


def format_change(change, unit: str, lang: str = "zh") -> str:
    if change is None:
        return ""
    sign = "+" if change >= 0 else "−"
    if unit == "ratio":
        points = abs(change) * 100
        return f"{sign}{_trim(points, 1)}{'个百分点' if lang == 'zh' else ' pts'}"
    return sign + format_value(abs(change), unit, lang)


def format_date(value: date | None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def period_label(value, grain: str, lang: str = "zh") -> str:
    """2020年, 2020年第3季度, 2020年8月 — or 2020, 2020 Q3, 2020-08."""
    ts = value if hasattr(value, "year") else date.fromisoformat(str(value)[:10])
    quarter = (ts.month - 1) // 3 + 1
    if lang == "zh":
        return {"year": f"{ts.year}年", "quarter": f"{ts.year}年第{quarter}季度",
                "month": f"{ts.year}年{ts.month}月"}[grain]
    return {"year": f"{ts.year}", "quarter": f"{ts.year} Q{quarter}",
            "month": f"{ts.year}-{ts.month:02d}"}[grain]


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
