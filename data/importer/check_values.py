"""Checking one column's cells and converting them to the schema's type: whole numbers and
money in their unit, within the column's CHECK and its SQL type; decimals, dates, yes/no,
codes, ID numbers, mobiles, counties, cities, industries and free text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from data.importer import cells
from data.importer.failures import Failures, Parsed
from data.importer.spec import FALSE_WORDS, TRUE_WORDS, Column, date_floor, norm
from data.importer.text import msg

CHINA_BOX = (73.0, 3.0, 136.0, 54.0)
HEZE_BOX = (114.8, 34.3, 116.6, 36.0)
MAX_TEXT = 200


class Values(Failures):
    """One column at a time, all its rows at once."""

    def _convert(self, p: Parsed, col: Column, text, numeric, factor) -> pd.Series:
        filled = cells.present(text)
        n = len(filled)
        if col.required:
            self.fail_key(p, ~filled & ~p.absent[col.name], col.name, "required")
        kind = col.kind
        if kind in ("int", "record"):
            values, bad = cells.parse_number(text, col.unit, factor)
            whole = cells.integral(values)
            self.fail_key(p, bad, col.name, "not_int" if not col.is_money else "not_number")
            not_whole = filled & ~bad & ~whole
            if col.is_money:
                self.fail_key(p, not_whole, col.name, "not_whole_unit", unit=col.unit)
            else:
                self.fail_key(p, not_whole, col.name, "not_int")
            ok = filled & ~bad & whole
            exact = cells.exact_integers(text, values, ok, col.unit, factor)
            fraction = np.zeros(n, dtype=bool)
            fraction[[i for i, v in exact.items() if v is None]] = True
            self.fail_key(p, fraction, col.name, "not_int")
            ok &= ~fraction
            exact = {i: v for i, v in exact.items() if v is not None}
            ok &= self._bounds(p, col, values, ok, exact)
            small = ok.copy()
            small[list(exact)] = False  # beyond a float's digits: set from `exact` below
            out = pd.array(np.where(small, np.round(np.nan_to_num(values)), 0).astype(np.int64),
                           dtype="Int64")
            for i, v in exact.items():
                if ok[i]:
                    out[i] = v
            out[~ok] = pd.NA
            if col.fill is not None:  # NOT NULL DEFAULT …: an empty cell stores the default
                out[~filled] = col.fill
            return pd.Series(out)
        if kind == "float":
            values, bad = cells.parse_number(text)
            self.fail_key(p, bad, col.name, "not_number")
            ok = filled & ~bad
            if col.storage is not None:  # DECIMAL(p, s): its digits and decimals
                lo, hi = (x / 10**col.scale for x in col.storage)
                self.fail_key(p, ok & ((values < lo) | (values > hi)), col.name,
                              "out_of_storage", lo=_plain(lo), hi=_plain(hi))
                scaled = values * 10**col.scale
                self.fail_key(p, ok & ~cells.integral(scaled), col.name, "too_many_decimals",
                              n=col.scale)
            box = HEZE_BOX if col.table == "parks" else CHINA_BOX
            lo, hi = (box[0], box[2]) if col.name == "lon" else (box[1], box[3])
            if col.name in ("lon", "lat"):
                self.fail_key(p, ok & ((values < lo) | (values > hi)), col.name,
                              "lon_lat_heze" if col.table == "parks" else "lon_lat")
            return pd.Series(np.where(ok, values, np.nan))
        if kind == "date":
            values, unreadable, no_such = cells.parse_date(text)
            self.fail_key(p, unreadable, col.name, "not_date")
            self.fail_key(p, no_such, col.name, "date_not_real")
            floor = date_floor(col.table, col.name)
            ok = filled & ~unreadable & ~no_such
            self.fail_key(p, ok & (values < np.datetime64(floor)), col.name, "date_early",
                          floor=floor.isoformat())
            self.fail_key(p, ok & (values > np.datetime64(self.ctx.as_of)), col.name,
                          "date_late", as_of=self.ctx.as_of.isoformat())
            return pd.Series(values.astype("datetime64[s]"))
        if kind == "bool":
            words = list(TRUE_WORDS) + list(FALSE_WORDS)
            values, found = cells.lookup(cells.squash(text), [norm(w) for w in words],
                                         [True] * len(TRUE_WORDS) + [False] * len(FALSE_WORDS))
            self.fail_key(p, filled & ~found, col.name, "not_bool")
            default = (col.default or "").upper() == "TRUE"
            return pd.Series(np.where(found, values, default).astype(bool))
        if kind == "code":
            keys = list(col.aliases)
            values, found = cells.lookup_arrow(cells.squash(text), keys,
                                               list(col.aliases.values()))
            allowed = "、".join(col.labels[c] for c in col.choices)
            self.fail_key(p, filled & ~found, col.name, "not_code", allowed=allowed)
            return cells.to_pandas_str(values)
        if kind == "id_number":
            norm_text, problems, region, births = cells.parse_id_numbers(
                text, numeric, self.ctx.as_of)
            for key, mask in problems.items():
                if key != "id_region":
                    self.fail_key(p, mask, col.name, key)
            bad_region = problems["id_region"]
            if bad_region.any():
                codes = region[bad_region]
                msgs = [cells.region_message(str(c), "zh") for c in codes]
                zh = np.full(n, None, dtype=object)
                en = np.full(n, None, dtype=object)
                zh[bad_region] = [m[0] for m in msgs]
                en[bad_region] = [m[1] for m in msgs]
                self.fail(p, bad_region, col.name, zh, en)
            p.raw_text["_id_birth"] = births  # for the cross-checks
            return cells.to_pandas_str(norm_text)
        if kind == "mobile":
            norm_text, bad_format, bad_prefix = cells.parse_mobiles(text)
            self.fail_key(p, bad_format, col.name, "mobile_format")
            if bad_prefix.any():
                prefixes = pc.utf8_slice_codeunits(norm_text, 0, 3).to_numpy(zero_copy_only=False)
                zh = np.array([msg("mobile_prefix", "zh", prefix=x) for x in prefixes], object)
                en = np.array([msg("mobile_prefix", "en", prefix=x) for x in prefixes], object)
                self.fail(p, bad_prefix, col.name, zh, en)
            return cells.to_pandas_str(norm_text)
        if kind == "county":
            return self._county(p, col, text, filled)
        if kind in ("city", "industry"):
            ref = self.ctx.reference["host_cities" if kind == "city" else "industries"]
            keys, codes = _ref_keys(ref, kind)
            if kind == "city":
                values, found = cells.lookup(cells.squash(text), keys, codes)
                self.fail_key(p, filled & ~found, col.name, f"unknown_{kind}")
                out = pd.array(np.where(found, values, 0).astype(np.int64), dtype="Int64")
                out[~found] = pd.NA
                return pd.Series(out)
            values, found = cells.lookup_arrow(cells.squash(text), keys, codes)
            self.fail_key(p, filled & ~found, col.name, f"unknown_{kind}")
            return cells.to_pandas_str(values)
        if kind == "industry_list":
            return self._industry_list(p, col, text, filled)
        # text, township, township_name, station, park: resolved after every table is read
        text_out = text
        if kind == "text":
            # Free text is kept as written (full-width punctuation and all); an apostrophe
            # that guarded a formula-like text in a CSV export is not data.
            text_out = pc.replace_substring_regex(p.raw_text[col.name], r"^'([=+\-@])", r"\1")
            long = pc.fill_null(pc.greater(pc.utf8_length(text_out), MAX_TEXT), False)
            self.fail_key(p, long.to_numpy(zero_copy_only=False), col.name, "too_long",
                          n=MAX_TEXT)
        return cells.to_pandas_str(text_out)

    def _bounds(self, p: Parsed, col: Column, values, ok, exact: dict[int, int]) -> np.ndarray:
        """Fail the whole numbers outside the column's CHECK or beyond what its SQL type
        holds; the rows within both. `exact` holds the values too large for a float to
        carry every digit, as Python ints."""
        within = np.ones(len(values), dtype=bool)

        def out(mask, key, **vals):
            mask = ok & within & mask
            self.fail_key(p, mask, col.name, key, **vals)
            within[mask] = False

        if col.minimum is not None and col.maximum is not None:
            out((values < col.minimum) | (values > col.maximum), "out_of_range",
                lo=int(col.minimum), hi=int(col.maximum))
        elif col.minimum is not None:
            if col.minimum_inclusive:
                out(values < col.minimum, "negative")
            else:
                out(values <= col.minimum, "not_positive")
        elif col.kind == "int":
            out(values < 0, "negative")
        if col.storage is not None:
            lo, hi = col.storage
            beyond = (values < lo) | (values > hi)
            for i, v in exact.items():  # a float rounds 2⁶³ - 1 up to 2⁶³
                beyond[i] = not lo <= v <= hi
            if col.is_money:  # most likely a wrong unit: say so, with the value converted
                mask = ok & within & beyond
                if mask.any():
                    vals = {"unit": col.unit, "hi": f"{hi:,}"}
                    zh = np.full(len(values), None, dtype=object)
                    en = np.full(len(values), None, dtype=object)
                    for i in np.flatnonzero(mask):
                        shown = _plain(exact.get(int(i), values[i]))
                        zh[i] = msg("out_of_storage_money", "zh", value=shown, **vals)
                        en[i] = msg("out_of_storage_money", "en", value=shown, **vals)
                    self.fail(p, mask, col.name, zh, en)
                    within[mask] = False
            else:
                out(beyond, "out_of_storage", lo=f"{lo:,}", hi=f"{hi:,}")
        return within

    def _county(self, p: Parsed, col: Column, text, filled) -> pd.Series:
        counties = self.ctx.reference["counties"]
        keys, codes = _ref_keys(counties, "county")
        stripped = pc.replace_substring_regex(cells.squash(text), r"^(?:山东省)?(?:菏泽市)?(.+)$", r"\1")
        values, found = cells.lookup(stripped, keys, codes)
        again, found2 = cells.lookup(cells.squash(text), keys, codes)
        values = np.where(found, values, again)
        found = found | found2
        self.fail_key(p, filled & ~found, col.name, "unknown_county")
        out = pd.array(np.where(found, values, 0).astype(np.int64), dtype="Int64")
        out[~found] = pd.NA
        return pd.Series(out)

    def _industry_list(self, p: Parsed, col: Column, text, filled) -> pd.Series:
        keys, codes = _ref_keys(self.ctx.reference["industries"], "industry")
        code_of = dict(zip(keys, codes, strict=True))
        series = cells.to_pandas_str(text)
        uniques = series.dropna().unique()
        mapping, bad_values = {}, set()
        for u in uniques:
            parts = [x for x in pd.Series([u]).str.split(r"[,，、;；/]").iloc[0] if x.strip()]
            found = [code_of.get(norm(x)) for x in parts]
            if not parts or None in found:
                bad_values.add(u)
            else:
                mapping[u] = ",".join(dict.fromkeys(found))
        bad = series.isin(bad_values).to_numpy() & filled
        self.fail_key(p, bad, col.name, "unknown_industry")
        return pd.Series(series.map(mapping), dtype="str")


def _plain(v) -> str:
    """A number as people write it: 1,234,567 or 0.5, never 1.2e+15."""
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.6f}".rstrip("0").rstrip(".")


def _ref_keys(ref: pd.DataFrame, kind: str) -> tuple[list[str], list]:
    """Lookup keys (normalised) and the code each names, for counties, cities, industries."""
    pairs: dict[str, object] = {}
    if kind == "county":
        for r in ref.itertuples():
            for k in (r.name_zh, r.short_zh, str(r.county_code), r.name_en):
                pairs.setdefault(norm(k), int(r.county_code))
    elif kind == "city":
        for r in ref.itertuples():
            for k in (r.name_zh, f"{r.name_zh}市", str(r.city_code), r.name_en):
                pairs.setdefault(norm(k), int(r.city_code))
    else:
        for r in ref.itertuples():
            for k in (r.industry_code, r.name_zh, r.name_en):
                pairs.setdefault(norm(k), r.industry_code)
    return list(pairs), list(pairs.values())
