"""The wall display's (大屏) own words, Chinese and English, in one table."""

from __future__ import annotations

TEXT_ZH_EN: dict[str, tuple[str, str]] = {
    "subtitle": ("返乡创业大屏", "Wall display"),
    "as_of": ("数据截至", "Data as of"),
    "demo": ("演示数据", "Demo data"),
    "stale": ("最新数据无法读取，显示上一版本", "The newest data cannot be read; showing the last "
              "good version"),
    "updated": ("更新于", "Updated"),
    "yoy": ("同比", "YoY"),  # the wall's cards are narrow: seven side by side
    "no_change": ("与上年持平", "unchanged"),
    "stations_top": ("服务站推荐返乡 TOP10", "Top 10 stations: returnees referred"),
    "county_returnees": ("各县区返乡创业就业人数", "Returnees by county"),
    "county_investment": ("各县区过亿元项目投资", "Big-project investment by county"),
    "county_rate": ("各县区{name}完成率", "Completion by county: {name}"),
    "returnees_year": ("返乡创业就业人数（按年）", "Returnees by year"),
    "returnees_month": ("近24个月返乡人数", "Returnees, last 24 months"),
    "entities_year": ("领办创办经济实体（按年）", "Businesses founded by year"),
    "targets_city": ("{year}年目标完成情况", "{year} targets: completion"),
    "map_title": ("返乡创业服务站分布", "Where the stations are"),
    "south_sea": ("南海诸岛", "S. China Sea Is."),
    "map_city": ("市级站", "city-level"),
    "map_county": ("县级站", "county-level"),
    "map_note": ("弧线：推荐返乡去向 · 示意图", "arcs: where referred returnees went"),
    "bad_seconds": ("参数 {name}={raw} 不是整数秒，已使用默认值 {value} 秒",
                    "{name}={raw} is not a whole number of seconds; using the default {value} s"),
    "low_seconds": ("参数 {name}={raw} 小于 {min} 秒，已按 {value} 秒",
                    "{name}={raw} is below {min} s; using {value} s"),
    "high_seconds": ("参数 {name}={raw} 大于 {max} 秒，已按 {value} 秒",
                     "{name}={raw} is above {max} s; using {value} s"),
    "refresh_capped": ("刷新间隔 {raw} 秒超过登录空闲时限的一半，已按 {value} 秒",
                       "a refresh of {raw} s exceeds half the idle sign-out time; using {value} s"),
    "empty": ("暂无数据", "No data"),
}


def text(key: str, lang: str, **values) -> str:
    """The wall's text `key` in `lang`, with `values` filled in."""
    zh, en = TEXT_ZH_EN[key]
    shown = zh if lang == "zh" else en
    return shown.format(**values) if values else shown
