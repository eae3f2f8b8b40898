"""One filter model, applied the same way to every query.

Each fact table declares which expressions carry county, industry, station level, host
province and date (see facts.py); `FilterError` names the bad value in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from core.errors import BilingualError
from core.i18n import pair

LEVELS = ("city", "county")


class FilterError(BilingualError, ValueError):
    """A filter value that does not exist or cannot hold; the message names it."""


def _tuple(values, convert=None, what: str = "ui.filter_what.value") -> tuple:
    """Values as a tuple, converted, in order, without repeats (dropped after conversion,
    so "371722" and 371722 are one county); a single value, numpy scalars included, is
    a tuple of one."""
    if values is None:
        return ()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = (values,)
    out = []
    for value in values:
        try:
            out.append(convert(value) if convert else value)
        except (TypeError, ValueError):
            what_zh, what_en = pair(what)
            raise FilterError("error.filters.unknown_value", what_zh=what_zh, value=value,
                              what_en=what_en) from None
    return tuple(dict.fromkeys(out))  # keep order, drop repeats


@dataclass(frozen=True)
class Filter:
    """County, industry, station level, host province and period; empty means all."""

    counties: tuple[int, ...] = field(default=())
    industries: tuple[str, ...] = field(default=())
    levels: tuple[str, ...] = field(default=())
    provinces: tuple[int, ...] = field(default=())
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "counties",
                           _tuple(self.counties, int, "ui.filter_what.county_code"))
        object.__setattr__(self, "industries", _tuple(self.industries, str))
        object.__setattr__(self, "levels", _tuple(self.levels, str))
        object.__setattr__(self, "provinces",
                           _tuple(self.provinces, int, "ui.filter_what.province_code"))
        for level in self.levels:
            if level not in LEVELS:
                raise FilterError("error.filters.unknown_level", level=level)
        if self.start and self.end and self.end < self.start:
            raise FilterError(
                "error.filters.period_reversed", end=self.end, start=self.start,
            )

    @property
    def is_empty(self) -> bool:
        return self == Filter()

    def with_counties(self, counties) -> Filter:
        return replace(self, counties=_tuple(counties))

    def with_period(self, start: date | None, end: date | None) -> Filter:
        return replace(self, start=start, end=end)

    def key(self) -> tuple:
        """A hashable, order-independent key for caches."""
        return (tuple(sorted(self.counties)), tuple(sorted(self.industries)),
                tuple(sorted(self.levels)), tuple(sorted(self.provinces)), self.start, self.end)
