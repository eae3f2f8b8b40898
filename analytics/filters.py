"""One filter model, applied the same way to every query.

Each fact table declares which expressions carry county, industry, station level, host
province and date (see facts.py); `FilterError` names the bad value in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

LEVELS = ("city", "county")


class FilterError(ValueError):
    """A filter value that does not exist or cannot hold; the message names it."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _tuple(values) -> tuple:
    if values is None:
        return ()
    if isinstance(values, (str, int)):
        return (values,)
    return tuple(dict.fromkeys(values))  # keep order, drop repeats


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
        object.__setattr__(self, "counties", tuple(int(c) for c in _tuple(self.counties)))
        object.__setattr__(self, "industries", tuple(str(i) for i in _tuple(self.industries)))
        object.__setattr__(self, "levels", tuple(str(v) for v in _tuple(self.levels)))
        object.__setattr__(self, "provinces", tuple(int(p) for p in _tuple(self.provinces)))
        for level in self.levels:
            if level not in LEVELS:
                raise FilterError(f"未知的服务站级别：{level}", f"unknown station level: {level}")
        if self.start and self.end and self.end < self.start:
            raise FilterError(
                f"时间段结束日期 {self.end} 早于开始日期 {self.start}",
                f"period ends ({self.end}) before it starts ({self.start})",
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
