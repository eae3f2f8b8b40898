"""The figures the city published (its August 2020 report), each with the rule its wording implies.

A figure written exactly (246 stations, 201 projects) must be met exactly; one written with
"+" or 余/多 (50万+ jobs) is a lower bound; one written to a precision (27.6万, 541.58亿元,
70%, 约630万元) is met by any value that rounds half up to it at that precision. These are
written here from the report, not read from model/indicators.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Figure:
    text: str        # as printed in the report
    value: int | float
    rule: str        # exact | at_least | rounded
    step: float = 1  # for "rounded": the precision it is printed to, in the value's unit

    def met_by(self, value) -> bool:
        if self.rule == "exact":
            return value == self.value
        if self.rule == "at_least":
            return value >= self.value
        assert self.rule == "rounded", self.rule
        step = Decimal(str(self.step))
        shown = (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return shown * step == Decimal(str(self.value))


# indicator key -> the published figure, in the unit the dashboard stores it in
PUBLISHED = {
    "stations": Figure("246个", 246, "exact"),
    "stations_city": Figure("37家", 37, "exact"),
    "stations_county": Figure("209家", 209, "exact"),
    "returnees": Figure("27.6万人", 276_000, "rounded", 1_000),
    "entities": Figure("10.4万", 104_000, "rounded", 1_000),
    "jobs": Figure("50万+", 500_000, "at_least"),
    "big_projects": Figure("201个", 201, "exact"),
    "big_investment": Figure("541.58亿元", 5_415_800, "rounded", 100),  # 万元; 0.01亿 = 100万
    "big_station_share": Figure("70%", 0.70, "rounded", 0.01),
    "donations": Figure("约630万元", 6_300_000, "rounded", 100_000),   # yuan, to the 10万
}
