"""Dates of a briefing: the base a year before, the same period a year before, the year to
date of a target, and labels such as 2020年1–8月. Pure functions of dates and filters."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date

from briefing.text import MONTHS_EN, s
from model.filters import Filter


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def year_before(day: date) -> date:
    """The same day a year earlier; the end of a month stays the end of that month
    (2020-02-29 → 2019-02-28, 2020-08-31 → 2019-08-31)."""
    if is_month_end(day):
        return month_end(day.year - 1, day.month)
    return day.replace(year=day.year - 1)


def base_filter(f: Filter, end: date) -> Filter:
    """The filter a year before: with no start, the totals up to the same day a year
    earlier; with a start, the same period of the year before (上年同期)."""
    return replace(f, start=year_before(f.start) if f.start else None, end=year_before(end))


def year_to_date(f: Filter, end: date, year: int) -> Filter | None:
    """The filter narrowed to `year`, up to `end` (None when `end` comes before it)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    begin = max(f.start, first) if f.start else first
    stop = min(end, last)
    if stop < begin:
        return None
    return replace(f, start=begin, end=stop)


def elapsed_share(end: date, year: int) -> float:
    """The share of `year` that has passed by the end of `end` (0 before, 1 after)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if end < first:
        return 0.0
    if end >= last:
        return 1.0
    return ((end - first).days + 1) / ((last - first).days + 1)


def day_label(day: date, lang: str) -> str:
    """2019年8月底 for the end of a month, else 2019年8月14日 (English: end of August 2019)."""
    if is_month_end(day):
        return s("base_month_end", lang, year=day.year, month=day.month,
                 month_name=MONTHS_EN[day.month - 1])
    return s("base_day", lang, year=day.year, month=day.month, day=day.day,
             iso=day.isoformat())


def date_text(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def year_label(year: int, first: date, last: date, lang: str) -> str:
    """The label of `year` on a chart covering [first, last]: 2019年 for a whole year,
    2020年1–8月 for months, 2020年1月1日–8月14日 for days."""
    begin = max(first, date(year, 1, 1))
    stop = min(last, date(year, 12, 31))
    if begin == date(year, 1, 1) and stop == date(year, 12, 31):
        return s("year_label", lang, year=year)
    return s("year_span_label", lang, year=year, span=span_label(begin, stop, lang))


def span_label(begin: date, stop: date, lang: str) -> str:
    """1–8月 when whole months are covered, else 1月1日–8月14日."""
    if begin.day == 1 and is_month_end(stop):
        if begin.month == stop.month:
            return f"{begin.month}月" if lang == "zh" else MONTHS_EN[begin.month - 1][:3]
        return s("span_months", lang, m1=begin.month, m2=stop.month,
                 mon1=MONTHS_EN[begin.month - 1][:3], mon2=MONTHS_EN[stop.month - 1][:3])
    return s("span_days", lang, m1=begin.month, d1=begin.day, m2=stop.month, d2=stop.day,
             iso1=begin.isoformat(), iso2=stop.isoformat())
