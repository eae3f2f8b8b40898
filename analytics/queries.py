"""The queries every page needs, over one read-only DuckDB connection.

`Analytics` is the only way to the fact tables: every query builds its FROM and WHERE
through `_scan`, which applies the filter and, when one is set, the county scope. Values
are always bound as parameters; the SQL text is composed only from the constant fragments
declared in facts.py and indicators.py.

The queries live by concern, each a part of `Analytics`: `analytics.scan` (the snapshot, the
filter, the WHERE builder and the pre-summed path), `values`, `series`, `breakdowns`,
`rankings` (stations), `funnel`, `places` (projects and parks) and `map_data`.
"""

from __future__ import annotations

from analytics.breakdowns import Breakdowns
from analytics.funnel import Funnel
from analytics.map_data import MapData
from analytics.places import Places
from analytics.rankings import Rankings
from analytics.scan import GRAINS, ROWS, SHARED_DIMS, IndicatorValue, Snapshot
from analytics.series import Series
from analytics.text import code_label, t
from analytics.values import Values
from model.filters import Filter

__all__ = ["GRAINS", "ROWS", "SHARED_DIMS", "Analytics", "IndicatorValue", "Snapshot"]


class Analytics(Values, Series, Breakdowns, Rankings, Funnel, Places, MapData):
    """Indicator values, series, breakdowns, rankings, funnel and map data for a filter."""

    def with_scope(self, county_scope) -> Analytics:
        """The same snapshot seen through a county scope (county staff)."""
        return Analytics(self._con, county_scope=county_scope, _lock=self._lock,
                         use_aggregates=bool(self._cubes))

    def describe(self, f: Filter, lang: str = "zh") -> str:
        """The filter in words, for file headers and captions."""
        ref = self._reference
        name = "name_zh" if lang == "zh" else "name_en"
        parts = []
        sep = "、" if lang == "zh" else ", "
        counties = f.counties or self.scope or ()
        if counties:
            names = ref["counties"].set_index("county_code")[name]
            parts.append(f"{t('county', lang)}: " + sep.join(names[c] for c in counties))
        if f.industries:
            names = ref["industries"].set_index("industry_code")[name]
            parts.append(f"{t('industry', lang)}: " + sep.join(names[i] for i in f.industries))
        if f.levels:
            parts.append(f"{t('level', lang)}: "
                         + sep.join(code_label("level", v, lang) for v in f.levels))
        if f.provinces:
            col = "province_zh" if lang == "zh" else "province_en"
            names = ref["provinces"].set_index("province_code")[col]
            parts.append(f"{t('province', lang)}: " + sep.join(names[p] for p in f.provinces))
        if f.start or f.end:
            parts.append(f"{t('period', lang)}: {f.start or '…'} – {f.end or '…'}")
        return ("；" if lang == "zh" else "; ").join(parts) if parts else t("all", lang)
