"""What an annual target is and how its completion (完成率) is judged. Pure Python: no
database, no streamlit, no analytics queries — the arithmetic the tests check by hand.

Which indicators take a target
------------------------------
A target is set for one calendar year. It makes sense for a figure that accumulates over
the year, so that "how much of the year's target is done by the as-of date" means
something: people who returned, businesses founded, jobs those businesses created, big
projects landed and their investment, projects, people registered outside, stations
opened, events held and their attendance. Each counts the records dated within the year
(returned, founded, registered, landed or signed, opened, held) — the same period filter
the dashboard uses — so the year's value of ``jobs`` is the jobs of the businesses founded
that year.

Not targetable: stocks with no date of their own (station members), park tenants (a
tenancy carries the business's founding date, not the day it moved in), donations (not a
goal) and the return-intention rate (a property of the register, not of the year).

One ratio, ``big_station_share`` (the share of the year's landed big projects a station
recommended), may carry a *level* target (70%): it is met or not met at any moment, and
time elapsed does not apply.

How the year is judged (the "pace")
-----------------------------------
``elapsed`` is the share of the year gone by at the snapshot's as-of date, counting the
as-of day itself as done: 2020-08-31 is day 244 of 366, so 244/366 = 66.7%. A year not
yet begun has 0, a year whose 31 December has passed has 1.

``rate`` (完成率) = the year's value so far ÷ the target. Then, for an accumulating figure:

* ``met`` 已完成 — rate ≥ 100%, whenever it happens;
* ``missed`` 未完成 — the year is over and rate < 100%;
* ``not_started`` 未开始 — the year has not begun (as-of date before 1 January);
* otherwise, against the time elapsed, with a tolerance of ``TOLERANCE`` = 5 percentage
  points either side: ``ahead`` 超进度 when rate > elapsed + 5 points, ``behind`` 滞后 when
  rate < elapsed − 5 points, ``on_track`` 进度正常 in between (both edges included).

"On pace" (``Completion.on_pace``) is any status but ``behind`` and ``missed``. A level target
is ``met`` 已达标 when the value ≥ the target, else ``below`` 未达标. The comparisons are
made on exact fractions, so a value sitting exactly on an edge is judged the same way on
every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from core.i18n import Message, pair
from model import indicators as reg

FIRST_YEAR = 2015      # the programme's first year; no data before it
LAST_YEAR = 2100
TOLERANCE = Fraction(5, 100)

# Accumulating figures, in the order the admin page lists them.
FLOW_KEYS: tuple[str, ...] = (
    "returnees", "returnees_referred", "entities", "jobs", "big_projects", "big_investment",
    "projects", "projects_landed", "investment_landed", "outside_people", "stations",
    "activities", "attendees",
)
LEVEL_KEYS: tuple[str, ...] = ("big_station_share",)
TARGETABLE: tuple[str, ...] = FLOW_KEYS + LEVEL_KEYS

STATUSES = ("met", "ahead", "on_track", "behind", "missed", "not_started", "below")


def kind(key: str) -> str:
    """"flow" (accumulates over the year) or "level" (a ratio to reach)."""
    return "level" if key in LEVEL_KEYS else "flow"


def is_targetable(key: str) -> bool:
    return key in TARGETABLE


def whole_units(key: str) -> bool:
    """Counts are whole: a target of 3,500.5 people is a typing error."""
    unit = reg.get(key).unit
    return unit not in ("ratio", "wan_yuan", "yuan")


# -- time ----------------------------------------------------------------------------------
def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def elapsed_fraction(year: int, as_of: date) -> Fraction:
    """The share of `year` gone by at `as_of`, the as-of day counted as done."""
    if as_of < date(year, 1, 1):
        return Fraction(0)
    if as_of >= date(year, 12, 31):
        return Fraction(1)
    return Fraction((as_of - date(year, 1, 1)).days + 1, days_in_year(year))


def year_period(year: int, as_of: date) -> tuple[date, date] | None:
    """The days of `year` the data covers: 1 January to min(as-of, 31 December); None when
    the year has not begun by the as-of date."""
    start = date(year, 1, 1)
    if as_of < start:
        return None
    return start, min(as_of, date(year, 12, 31))


# -- judging -------------------------------------------------------------------------------
def _exact(value: float) -> Fraction:
    """A number as the exact decimal it reads as (0.7 is 7/10, not the nearest binary
    fraction), so that targets typed with decimals meet the edges exactly."""
    return Fraction(repr(float(value))) if isinstance(value, float) else Fraction(value)


def judge(key: str, value: float, target: float, year: int, as_of: date) -> str:
    """The status of `value` against `target` for `year` at `as_of` (see the module)."""
    if not target or target <= 0:
        raise ValueError("a target must be positive")
    v, t = _exact(value), _exact(target)
    if kind(key) == "level":
        return "met" if v >= t else "below"
    done = elapsed_fraction(year, as_of)
    rate = v / t
    if rate >= 1:
        return "met"
    if done == 0:
        return "not_started"
    if done == 1:
        return "missed"
    if rate > done + TOLERANCE:
        return "ahead"
    if rate < done - TOLERANCE:
        return "behind"
    return "on_track"


@dataclass(frozen=True)
class Completion:
    """One indicator's year against its target.

    ``value`` is the year so far (1 January to the as-of date) for the same counties as
    the target; ``rate`` = value / target; ``elapsed`` the share of the year gone by."""

    key: str
    year: int
    target: float
    value: float
    rate: float
    elapsed: float
    status: str
    as_of: date
    counties: tuple[int, ...] = ()  # () for the city's target

    @property
    def kind(self) -> str:
        return kind(self.key)

    @property
    def on_pace(self) -> bool:
        return self.status not in ("behind", "missed", "below")

    @property
    def met(self) -> bool:
        return self.status == "met"

    @property
    def bar(self) -> float:
        """The progress bar's fill, 0–1 (a rate above 100% fills it)."""
        if math.isnan(self.rate):
            return 0.0
        return max(0.0, min(1.0, self.rate))


def completion(key: str, value: float | None, target: float, year: int, as_of: date,
               counties: tuple[int, ...] = ()) -> Completion:
    """The Completion of `value` (None counts as nothing done) against `target`."""
    value = 0 if value is None or (isinstance(value, float) and math.isnan(value)) else value
    status = judge(key, value, target, year, as_of)
    return Completion(key=key, year=year, target=target, value=value,
                      rate=float(_exact(value) / _exact(target)),
                      elapsed=float(elapsed_fraction(year, as_of)), status=status,
                      as_of=as_of, counties=tuple(counties))


# -- input ---------------------------------------------------------------------------------
# The units a target may be written in, per registry unit: (word, stored units per one).
# The first is the default (a blank 单位). Money is stored in 万元 (investment) or 元.
INPUT_UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    "person": (("人", 1), ("万人", 10_000), ("people", 1)),
    "entity": (("家", 1), ("个", 1), ("万家", 10_000), ("businesses", 1)),
    "project": (("个", 1), ("项", 1), ("projects", 1)),
    "station": (("个", 1), ("家", 1), ("stations", 1)),
    "park": (("个", 1), ("parks", 1)),
    "event": (("场", 1), ("次", 1), ("events", 1)),
    "wan_yuan": (("万元", 1), ("亿元", 10_000)),
    "yuan": (("元", 1), ("万元", 10_000), ("yuan", 1)),
    "ratio": (("%", 0.01),),
}


def input_units(key: str) -> tuple[str, ...]:
    return tuple(word for word, _ in INPUT_UNITS[reg.get(key).unit])


def default_unit(key: str) -> str:
    return INPUT_UNITS[reg.get(key).unit][0][0]


def unit_factor(key: str, word: str | None) -> float | None:
    """Stored units per one `word` for indicator `key` (blank: the default unit); None
    when the word is not a unit of this indicator."""
    word = (word or "").strip()
    options = INPUT_UNITS[reg.get(key).unit]
    if not word:
        return options[0][1]
    for name, factor in options:
        if word == name or word.casefold() == name.casefold():
            return factor
    return None


def value_problem(key: str, value: float) -> Message | None:
    """Why `value` (in the stored unit) cannot be a target of `key`, or None."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
            or math.isnan(value) or math.isinf(value):
        return pair("error.targets.value_not_number")
    if value <= 0:
        return pair("error.targets.value_not_positive")
    if kind(key) == "level" and value > 1:
        return pair("error.targets.share_over_100")
    if whole_units(key) and abs(value - round(value)) > 1e-9:
        unit = reg.get(key).unit
        word = INPUT_UNITS[unit][0][0]
        return pair("error.targets.value_not_whole", name_zh=reg.get(key).name_zh, unit=word,
                    name_en=reg.get(key).name_en.lower())
    return None


def year_problem(year) -> Message | None:
    if isinstance(year, bool) or not isinstance(year, int):
        return pair("error.targets.year_not_four_digits")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return pair("error.targets.year_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
    return None


def normalise(key: str, value: float) -> float:
    """The stored form: counts as whole numbers, money to 4 decimals, shares to 6."""
    if whole_units(key):
        return float(round(value))
    return round(float(value), 6 if kind(key) == "level" else 4)
