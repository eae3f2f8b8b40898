"""A headline (KPI) card as one view model: its label, the value the Chinese way and its
unit, 同比 against a named base (text, direction and colour), the definition and the
published figure for the hover note, and the value split for the wall's large type.

Built in one call from the indicator registry and an analytics Comparison
(analytics.compare.headline), so a page draws a card without going back to the registry::

    card = kpi_card("returnees", comparisons["returnees"], "zh", a.snapshot.as_of)
    card.value_text   # "27.6万人"
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from core.formatting import format_change, format_rate, format_value, headline_value, unit_name
from model import indicators as reg
from presentation.text import date_text, t

# The card's delta colour, as the app draws it: a rise red and a fall green (the Chinese
# convention, as on the 大屏) is Streamlit's "inverse"; grey when nothing changed.
COLOUR_CHANGED, COLOUR_NONE = "inverse", "off"
# A sparkline's line and area in the card's delta colour (the light theme's red, green and
# grey, as Streamlit draws its own): a rise red, a fall green, no change grey.
SPARK_TONES = {"red": ("#D94A57", "#FFF1F2"), "green": ("#079464", "#F1FBF6"),
               "grey": ("#6B7280", "#F5F4F2")}
SPARK_BOX = (100.0, 40.0)  # the drawing's own units, stretched to the card's width
SPARK_PAD = 3.0            # room above and below for the line's width


@dataclass(frozen=True)
class KPICard:
    key: str
    label: str                      # 返乡创业就业人数
    value_text: str                 # 27.6万人 ("—" when missing)
    unit: str                       # 人 (the unit's name, for a header)
    delta_text: str | None          # +40.1%（+7.9万人）; 持平; None without a base
    delta_direction: str | None     # "up" | "down" | "flat" | None
    delta_colour: str               # "inverse" (red rise, green fall) or "off" (grey)
    base: str | None                # 较2019年8月底 — what the delta compares with
    note: tuple[tuple[str, str], ...] = ()  # (title, text): definition, as-of, published
    published_matches: bool | None = None   # the value rounds to the published figure
    wall_number: str = ""           # 27.6 (the wall's large number) …
    wall_unit: str = ""             # … and 万人 beside it
    wall_delta: str = ""            # +40.1% (the wall's cards are narrow: rate only)
    spark: tuple = field(default=())


def split_value(text: str) -> tuple[str, str]:
    """"27.6万人" → ("27.6", "万人"); "541.58亿元" → ("541.58", "亿元"); "70%" → ("70", "%");
    "276K people" → ("276K", "people"); "54.16B yuan" → ("54.16B", "yuan")."""
    match = re.match(r"^([+-−]?[\d,.]+[KMB]?)(?![A-Za-z])(.*)$", text)
    return (match.group(1), match.group(2).strip()) if match else (text, "")


def change_text(comp, lang: str) -> tuple[str | None, str]:
    """The card's delta: 同比 as a rate and the change itself (+40.1%（+7.9万人）); ratios
    change in percentage points. Returns (text, colour) — grey when nothing changed; a rise
    red and a fall green."""
    ind = reg.get(comp.key)
    if comp.change is None:
        return None, COLOUR_NONE
    if comp.change == 0:
        return t("no_change", lang), COLOUR_NONE
    change = format_change(comp.change, ind.unit, lang).replace("−", "-")
    text = change if comp.change_rate is None else (
        f"{format_rate(comp.change_rate, lang)}（{change}）" if lang == "zh"
        else f"{format_rate(comp.change_rate, lang)} ({change})")
    return text, COLOUR_CHANGED


def direction(comp) -> str | None:
    if comp.change is None:
        return None
    return "flat" if comp.change == 0 else "up" if comp.change > 0 else "down"


def wall_delta(comp, lang: str) -> str:
    """The wall's shorter delta: the rate alone (a ratio's change in points)."""
    if comp.change is None or comp.change == 0:
        return ""
    ind = reg.get(comp.key)
    return (format_change(comp.change, ind.unit, lang).replace("−", "-")
            if comp.change_rate is None else format_rate(comp.change_rate, lang))


def kpi_card(key: str, comp, lang: str, as_of: date, spark=None) -> KPICard:
    """Everything one headline card shows, for `comp` (an analytics Comparison of `key`)."""
    ind = reg.get(key)
    delta, colour = change_text(comp, lang)
    note = [(t("definition", lang), ind.definition(lang)), (t("as_of", lang),
                                                            date_text(as_of, lang))]
    matches = None
    if ind.published is not None:
        pub = ind.published.text_zh if lang == "zh" else ind.published.text_en
        matches = comp.value is not None and ind.published.matches(comp.value)
        note.append((t("published", lang),
                     f"{pub}（{date_text(ind.published.as_of, lang)}）— "
                     + t("matches" if matches else "differs", lang)))
    number, unit = split_value(headline_value(comp.value, ind.unit, lang, ind.decimals))
    return KPICard(
        key=key, label=ind.name(lang),
        value_text=format_value(comp.value, ind.unit, lang, ind.decimals),
        unit=unit_name(ind.unit, lang), delta_text=delta, delta_direction=direction(comp),
        delta_colour=colour,
        base=comp.base.label(lang) if comp.change is not None else None,
        note=tuple(note), published_matches=matches, wall_number=number, wall_unit=unit,
        wall_delta=wall_delta(comp, lang), spark=tuple(spark or ()))


def kpi_cards(keys, comparisons: dict, lang: str, as_of: date,
              sparks: dict | None = None) -> list[KPICard]:
    return [kpi_card(k, comparisons[k], lang, as_of, (sparks or {}).get(k)) for k in keys]


def base_caption(cards, lang: str) -> str | None:
    found = sorted({c.base for c in cards if c.base})
    if not found:
        return None
    return (f"{t('yoy', lang)}：{'；'.join(found)}" if lang == "zh"
            else f"{t('yoy', lang)}: {'; '.join(found)}")


def spark_tone(card: KPICard) -> str:
    """The sparkline's colour: the card's delta colour (a rise red, a fall green)."""
    if card.delta_colour != COLOUR_CHANGED or card.delta_direction not in ("up", "down"):
        return "grey"
    return "red" if card.delta_direction == "up" else "green"


def spark_points(values) -> list[tuple[float, float]] | None:
    """The sparkline's points in SPARK_BOX (y down, as drawn), from its finite values; None
    with fewer than two (a line needs two points). A series that does not change is drawn
    level across the middle."""
    ys = []
    for v in values or ():
        try:
            y = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(y):
            ys.append(y)
    if len(ys) < 2:
        return None
    width, height = SPARK_BOX
    low, high = min(ys), max(ys)
    span = high - low
    inner = height - 2 * SPARK_PAD
    step = width / (len(ys) - 1)
    return [(round(i * step, 2),
             round(SPARK_PAD + (inner * (high - y) / span if span else inner / 2), 2))
            for i, y in enumerate(ys)]


def sparkline_svg(card: KPICard) -> str | None:
    """The card's sparkline as a small SVG (the area under the line and the line), or None
    when its series has fewer than two finite values. Drawn by the page itself, not by the
    card's chart (Streamlit's own sparkline warns in the browser's console twice per card,
    whatever its numbers)."""
    points = spark_points(card.spark)
    if points is None:
        return None
    width, height = SPARK_BOX
    line, fill = SPARK_TONES[spark_tone(card)]
    base = max(y for _x, y in points) if len({y for _x, y in points}) > 1 else height
    drawn = " ".join(f"{x:g},{y:g}" for x, y in points)
    area = f"0,{base:g} {drawn} {width:g},{base:g}"
    return (f'<svg class="heze-spark" data-key="{card.key}" viewBox="0 0 {width:g} {height:g}"'
            f' preserveAspectRatio="none" width="100%" height="56" aria-hidden="true">'
            f'<polygon points="{area}" fill="{fill}" stroke="none"/>'
            f'<polyline points="{drawn}" fill="none" stroke="{line}" stroke-width="2"'
            f' stroke-linejoin="round" stroke-linecap="round"'
            f' vector-effect="non-scaling-stroke"/></svg>')
