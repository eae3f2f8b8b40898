"""The small pieces of a briefing's wording: names, lists, rates and counts as text, the scope
in words, the file name of a briefing or a download, and the targets checked."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from analytics.queries import Analytics
from briefing.blocks import Target, Targets
from briefing.text import BriefingError, s
from core.formatting import format_value
from model import indicators as reg
from model.filters import Filter


def _name_col(lang: str) -> str:
    return "name_zh" if lang == "zh" else "name_en"


def _short_names(a: Analytics, df: pd.DataFrame, lang: str) -> list[str]:
    """County names for charts and tables: 高新区 rather than 菏泽高新技术产业开发区."""
    if lang != "zh":
        return list(df["name_en"])
    short = a.counties().set_index("county_code")["short_zh"]
    return [str(short.get(c, n)) for c, n in zip(df["code"], df["name_zh"], strict=True)]


def _join(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return s("list_sep", lang).join(names[:-1]) + s("list_last", lang) + names[-1]


def _rate_text(now, base, lang: str) -> str:
    if now is None or base is None or not base:
        return "—"
    rate = (now - base) / base
    sign = "+" if rate >= 0 else "−"
    return f"{sign}{format_value(abs(rate), 'ratio', lang, 1)}"


def _count(value) -> str:
    return f"{int(value):,}"


def normalise_targets(targets: Targets | None) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for key, pair in (targets or {}).items():
        if key not in reg.REGISTRY:
            raise BriefingError("bad_target", value=key)
        value, year = pair
        out[key] = Target(float(value), int(year))
    return out


def scope_words(a: Analytics, f: Filter, lang: str) -> str:
    """全市, the chosen counties, or 筛选范围内 when other dimensions narrow the view."""
    counties = f.counties or a.scope or ()  # a county scope narrows every view
    if f.industries or f.levels or f.provinces:
        return s("scope_filtered", lang)
    if counties:
        names = a.counties().set_index("county_code")[_name_col(lang)]
        return s("list_sep", lang).join(names[c] for c in counties)
    return s("scope_city", lang)


def filename_stem(a: Analytics, f: Filter, end: date, lang: str) -> str:
    return export_stem(a, f, s("filename", lang), end, lang)


def export_stem(a: Analytics, f: Filter, what: str, end: date, lang: str) -> str:
    """A download's file name without its extension: what it holds, whose data (全市, the
    counties, or 筛选) and up to which day — 服务站排行_曹县_2020-08-31."""
    counties = f.counties or a.scope or ()
    if f.industries or f.levels or f.provinces:
        scope = s("filename_filtered", lang)
    elif counties:
        names = a.counties().set_index("county_code")["name_zh"]
        scope = "-".join(str(names[c]) if lang == "zh" else str(c) for c in counties)
    else:
        scope = s("filename_city", lang)
    stem = f"{what}_{scope}_{end.isoformat()}"
    return re.sub(r'[\\/:*?"<>|\s]+', "-", stem)


def _compare(now_df: pd.DataFrame, base_df: pd.DataFrame, key: str) -> pd.DataFrame:
    merged = now_df[["code", "name_zh", "name_en", key]].merge(
        base_df[["code", key]], on="code", how="left", suffixes=("", "_base"))
    merged[f"{key}_base"] = merged[f"{key}_base"].fillna(0)
    merged["delta"] = merged[key] - merged[f"{key}_base"]
    return merged
