"""Indicator values for a filter (`Analytics.values`): each figure now and one year before
the period's end, from the pre-summed tables where they answer exactly, else in one scan of
each fact table."""

from __future__ import annotations

from datetime import date, timedelta

from analytics.scan import IndicatorValue, Scan, _ratio
from data import aggregates
from model import indicators as reg
from model.facts import FACTS, Fact
from model.filters import Filter


class Values(Scan):
    """Indicator values for a filter, each with its value one year before."""

    def values(self, keys, f: Filter = Filter()) -> dict[str, IndicatorValue]:
        """Each indicator for the filter, with its value one year before the period's end."""
        end = self.period_end(f)
        prev_end = end - timedelta(days=365)
        out: dict[str, IndicatorValue] = {}
        for fact_name, inds in reg.by_fact(keys).items():
            fact = FACTS[fact_name]
            cube = self._cube(fact, *(m for ind in inds for _, m in self._measures(ind)))
            if cube is not None:
                got = self._cube_values(cube, inds, f, prev_end)
                prev_valid = f.start is None or prev_end >= f.start
                for ind in inds:
                    out[ind.key] = self._value(ind, got, prev_valid)
                continue
            parts, names = [], []
            for ind in inds:
                for role, m in self._measures(ind):
                    parts.append(m.sql())
                    names.append((ind.key, role, "now"))
                    prev_cond = f"{fact.date} <= ?" if fact.date else "TRUE"
                    parts.append(m.sql(prev_cond))
                    names.append((ind.key, role, "prev"))
            prev_params = [prev_end] * sum(1 for p in names if p[2] == "prev" and fact.date)
            row = self._scan_with_select_params(fact, f, ", ".join(parts), prev_params)
            got = dict(zip(names, row, strict=True))
            prev_valid = f.start is None or prev_end >= f.start
            for ind in inds:
                out[ind.key] = self._value(ind, got, prev_valid)
        return {k: out[k] for k in keys}

    def _cube_values(self, cube: aggregates.Cube, inds, f: Filter, prev_end: date) -> dict:
        parts, names = [], []
        for ind in inds:
            for role, m in self._measures(ind):
                parts += [cube.measure(m), cube.measure(m, "c.d <= ?")]
                names += [(ind.key, role, "now"), (ind.key, role, "prev")]
        prev_params = [prev_end] * (len(parts) // 2)
        sql, params = self._cube_sql(cube, f, ", ".join(parts), select_params=prev_params,
                                     cuts=[prev_end + timedelta(days=1)])
        cur = self._cursor()
        try:
            row = cur.execute(sql, params).fetchone()
        finally:
            cur.close()
        return dict(zip(names, row, strict=True))

    def value(self, key: str, f: Filter = Filter()) -> IndicatorValue:
        return self.values([key], f)[key]

    def _scan_with_select_params(self, fact: Fact, f: Filter, select: str,
                                 select_params: list) -> tuple:
        cond, fparams = self._where(fact, self.check(f))
        sql = f"SELECT {select} FROM {fact.source} WHERE {cond}"
        cur = self._cursor()
        try:
            return cur.execute(sql, select_params + fparams).fetchone()
        finally:
            cur.close()

    @staticmethod
    def _value(ind: reg.Indicator, got: dict, prev_valid: bool) -> IndicatorValue:
        if ind.is_ratio:
            num, den = int(got[(ind.key, "num", "now")]), int(got[(ind.key, "den", "now")])
            pnum, pden = got[(ind.key, "num", "prev")], got[(ind.key, "den", "prev")]
            prev = _ratio(pnum, pden) if prev_valid else None
            return IndicatorValue(ind.key, _ratio(num, den), prev, num, den)
        now = int(got[(ind.key, "value", "now")])
        prev = int(got[(ind.key, "value", "prev")]) if prev_valid else None
        return IndicatorValue(ind.key, now, prev)
