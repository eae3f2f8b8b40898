"""What a briefing is made of: the blocks both writers render (headings, paragraphs, tables,
images), the headline rows, the `Content` as a whole, and the targets it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from briefing import charts, periods
from briefing.text import s


class Target(NamedTuple):
    """An annual target of one indicator: the value to reach within `year`."""

    value: float
    year: int


# What the targets work hands over: indicator key -> (target value, year), already chosen
# for the filter's scope (the city's target, or the county's).
Targets = Mapping[str, "Target | tuple[float, int]"]


# -- the blocks both writers render ---------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 or 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # body | note | demo


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    align: tuple[str, ...]  # "L" or "R" per column
    bold_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Image:
    chart: charts.Chart
    width_mm: float
    # the least share of its width it may be drawn at to fill the rest of a page: a chart
    # keeps its lettering legible; the map, with little lettering, may shrink to half
    min_scale: float = 0.75


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True)
class HeadlineRow:
    key: str
    name: str
    value: float | None
    base: float | None  # the same figure at the base (a year before)
    unit: str
    value_text: str
    change_text: str
    rate_text: str
    target_text: str = ""
    done_text: str = ""
    completion_text: str = ""


@dataclass
class Content:
    lang: str
    title: str
    scope_line: str
    as_of_line: str
    meta_line: str
    demo_note: str | None
    as_of: date
    filename_stem: str
    headline: dict[str, HeadlineRow]
    blocks: list[Block] = field(default_factory=list)

    def footer(self, page: int | str) -> str:
        return s("footer", self.lang, title=self.title, as_of=s("as_of", self.lang),
                 date=periods.date_text(self.as_of, self.lang), page=page)
