"""Checking the rows: every failure, with its file, sheet, Excel row, header and value.

`Checker(sheets, context).run()` turns the sheets read from the files into typed tables
shaped like the schema, and collects every failure into one frame. It never stops at the
first failure: a file with a hundred problems gets a report with a hundred lines.
Everything is column-wise (Arrow compute, numpy, pandas); nothing loops over cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.masking import MASKERS
from data.importer import cells
from data.importer.read import Problem, Sheet
from data.importer.spec import (
    FALSE_WORDS,
    IMPORT_TABLES,
    TRUE_WORDS,
    Column,
    Table,
    date_floor,
    norm,
    strip_unit,
    tables,
)
from data.importer.text import msg

ERROR_COLUMNS = ["file", "sheet", "row", "column", "value", "zh", "en", "table", "field"]
PERSONAL = {"id_number": "id", "mobile": "mobile", "head_mobile": "mobile", "name": "name",
            "head_name": "name", "honorary_head": "name"}
CHINA_BOX = (73.0, 3.0, 136.0, 54.0)
HEZE_BOX = (114.8, 34.3, 116.6, 36.0)
MAX_TEXT = 200
UNIT_SUFFIX = {"元": "_yuan"}  # a schema column name that ends in its unit


@dataclass
class Context:
    """What the rows are checked against."""

    as_of: date
    mode: str  # replace | append | update
    reference: dict[str, pd.DataFrame]  # counties, townships, host_cities, industries
    current_keys: dict[str, np.ndarray] = field(default_factory=dict)  # table -> keys
    current_names: dict[str, pd.DataFrame] = field(default_factory=dict)  # stations, parks


@dataclass
class Parsed:
    """One table's rows, typed like the schema, with where each row came from."""

    table: str
    frame: pd.DataFrame  # schema columns only
    src: np.ndarray  # index into Checker.sheets
    rows: np.ndarray  # Excel row numbers
    raw_text: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # as written
    norm_text: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # NFKC
    absent: dict[str, np.ndarray] = field(default_factory=dict)  # the sheet lacks the column


class Checker:
    def __init__(self, sheets: list[Sheet], ctx: Context):
        self.sheets = sheets
        self.ctx = ctx
        self.specs = tables()
        self.errors: list[pd.DataFrame] = []
        self.problems: list[Problem] = []
        self.parsed: dict[str, Parsed] = {}

    # -- reporting -----------------------------------------------------------------------
    def fail(self, p: Parsed, mask: np.ndarray, column: str | None, zh, en,
             value=None) -> None:
        """Record a failure for every row in `mask`; zh/en are strings or arrays."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        if value is None and column is not None and column in p.raw_text:
            shown = pc.take(p.raw_text[column], pa.array(idx)).to_numpy(zero_copy_only=False)
        elif value is not None:
            shown = np.asarray(value, dtype=object)
            shown = shown[idx] if shown.shape == mask.shape else shown
        else:
            shown = np.full(len(idx), None, dtype=object)
        if column in PERSONAL:
            shown = np.array([MASKERS[PERSONAL[column]](v) for v in shown], dtype=object)

        def pick(v):
            arr = np.asarray(v, dtype=object)
            return arr[idx] if arr.shape == mask.shape else np.full(len(idx), v, dtype=object)

        self.errors.append(pd.DataFrame({
            "src": p.src[idx], "row": p.rows[idx], "field": column, "value": shown,
            "zh": pick(zh), "en": pick(en), "table": p.table}))

    def fail_key(self, p: Parsed, mask, column: str | None, key: str, **values) -> None:
        self.fail(p, mask, column, msg(key, "zh", **values), msg(key, "en", **values))

    def where(self, src: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """'file / sheet 第 N 行' for each (src, row), in both languages."""
        zh, en = [], []
        for s, r in zip(src, rows, strict=True):
            sh = self.sheets[int(s)]
            sheet = f" / {sh.sheet} " if sh.sheet else " "
            zh.append(f"{sh.file}{sheet}第 {int(r)} 行")
            en.append(f"{sh.file}{sheet}row {int(r)}")
        return np.array(zh, dtype=object), np.array(en, dtype=object)

    def error_frame(self) -> pd.DataFrame:
        frames = [f for f in self.errors if len(f)]
        if not frames:
            return pd.DataFrame(columns=ERROR_COLUMNS)
        df = pd.concat(frames, ignore_index=True)
        files = np.array([s.file for s in self.sheets], dtype=object)
        sheet_names = np.array([s.sheet for s in self.sheets], dtype=object)
        src = df["src"].to_numpy(dtype=np.int64)
        df["file"] = files[src]
        df["sheet"] = sheet_names[src]
        headers = {}
        for i, s in enumerate(self.sheets):
            for col, pos in s.mapping.items():
                headers[(i, col)] = s.headers[pos]
        df["column"] = [headers.get((s, f), self.specs[t].column(f).header if f else None)
                        if f else None
                        for s, f, t in zip(src, df["field"], df["table"], strict=True)]
        return df[ERROR_COLUMNS]

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> dict[str, Parsed]:
        by_table: dict[str, list[int]] = {}
        for i, sh in enumerate(self.sheets):
            by_table.setdefault(sh.table, []).append(i)
        self._header_units()
        for table in IMPORT_TABLES:  # referenced tables first
            if table in by_table:
                self.parsed[table] = self._parse_table(self.specs[table], by_table[table])
        for table, p in self.parsed.items():
            self._keys_and_names(self.specs[table], p)
        for table, p in self.parsed.items():
            self._references(self.specs[table], p)
            self._rules(self.specs[table], p)
        return self.parsed

    def _header_units(self) -> None:
        """A money column must say its unit in its header: 总投资 alone is refused, since
        staff fill it in 元 as often as in 万元 and either reading may be 10,000 times off.
        Only the schema's own name that ends in its unit (amount_yuan) says it by itself."""
        rows = []
        for i, sh in enumerate(self.sheets):
            for col in self.specs[sh.table].columns:
                if not col.is_money or col.name not in sh.mapping:
                    continue
                header = sh.headers[sh.mapping[col.name]]
                head, unit = strip_unit(header)
                if unit is not None or (norm(head) == norm(col.name)
                                        and col.name.endswith(UNIT_SUFFIX.get(col.unit, "\0"))):
                    continue
                name = strip_unit(col.header)[0]
                vals = {"header": header, "name": name, "template": col.header}
                rows.append({"src": i, "row": sh.header_row, "field": col.name, "value": None,
                             "zh": msg("unit_missing", "zh", **vals),
                             "en": msg("unit_missing", "en", **vals), "table": sh.table})
        if rows:
            self.errors.append(pd.DataFrame(rows))

    def _parse_table(self, spec: Table, srcs: list[int]) -> Parsed:
        parts, src, rows = {}, [], []
        for i in srcs:
            sh = self.sheets[i]
            src.append(np.full(len(sh.frame), i, dtype=np.int32))
            rows.append(sh.rows)
        p = Parsed(table=spec.name, frame=pd.DataFrame(), src=np.concatenate(src),
                   rows=np.concatenate(rows))
        n = len(p.src)
        for col in spec.columns:
            pieces, stored_numbers, absent = [], [], []
            for i in srcs:
                sh = self.sheets[i]
                n_rows = len(sh.frame)
                if col.name in sh.mapping:
                    pos = sh.mapping[col.name]
                    pieces.append(sh.frame[pos].reset_index(drop=True))
                    stored_numbers.append(sh.numeric.get(pos, np.zeros(n_rows, dtype=bool)))
                    absent.append(np.zeros(n_rows, dtype=bool))
                else:  # the missing column is reported once, not on every row
                    pieces.append(pd.Series([None] * n_rows, dtype="str"))
                    stored_numbers.append(np.zeros(n_rows, dtype=bool))
                    absent.append(np.ones(n_rows, dtype=bool))
            raw = pieces[0] if len(pieces) == 1 else pd.concat(
                [x.astype("str") if x.dtype != object else x for x in pieces],
                ignore_index=True)
            text, numeric, plain = cells.cells_as_text(raw)
            numeric = numeric | np.concatenate(stored_numbers)
            p.absent[col.name] = np.concatenate(absent)
            p.raw_text[col.name] = plain
            p.norm_text[col.name] = text
            factor = np.ones(n)
            if col.is_money:
                offsets = 0
                for i in srcs:
                    sh = self.sheets[i]
                    factor[offsets:offsets + len(sh.frame)] = sh.factors.get(col.name, 1.0)
                    offsets += len(sh.frame)
            parts[col.name] = self._convert(p, col, text, numeric, factor)
        p.frame = pd.DataFrame(parts)
        return p

    # -- one column ------------------------------------------------------------------------
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

    # -- keys, names, references -------------------------------------------------------------
    def _keys_and_names(self, spec: Table, p: Parsed) -> None:
        key = spec.key
        keys = p.frame[key]
        self._duplicates(p, keys, key, "duplicate_key")
        for col in spec.unique:
            self._duplicates(p, p.frame[col], col, "duplicate_name")
        for col in spec.columns:  # one person, one record
            if col.kind == "id_number":
                self._duplicates(p, p.frame[col.name], col.name, "duplicate_id_number")
        current = self.ctx.current_keys.get(spec.name)
        if self.ctx.mode == "append" and current is not None and len(current):
            exists = keys.isin(current).to_numpy() & keys.notna().to_numpy()
            self.fail_key(p, exists, key, "exists_append")
        if self.ctx.mode in ("append", "update") and spec.name in self.ctx.current_names:
            cur = self.ctx.current_names[spec.name]
            mine = set(keys.dropna().astype(int))
            others = cur[~cur["id"].isin(mine)]
            name_col = spec.unique[0] if spec.unique else None
            if name_col:
                clash = p.frame[name_col].isin(set(others["name"])).to_numpy()
                self.fail_key(p, clash, name_col, "duplicate_name",
                              where=msg_existing())

    def _duplicates(self, p: Parsed, values: pd.Series, column: str, key: str) -> None:
        present = values.notna().to_numpy()
        dup = values.duplicated(keep=False).to_numpy() & present
        if not dup.any():
            return
        idx = np.flatnonzero(dup)
        sub = pd.DataFrame({"v": values.to_numpy()[idx], "i": idx})
        rank = sub.groupby("v", sort=False).cumcount().to_numpy()
        first = sub.groupby("v", sort=False)["i"].transform("first").to_numpy()
        second = sub.groupby("v", sort=False)["i"].transform(lambda s: s.iloc[1]).to_numpy()
        partner = np.where(rank == 0, second, first)
        zh_where, en_where = self.where(p.src[partner], p.rows[partner])
        zh = np.full(len(values), None, dtype=object)
        en = np.full(len(values), None, dtype=object)
        zh[idx] = [msg(key, "zh", where=w) for w in zh_where]
        en[idx] = [msg(key, "en", where=w) for w in en_where]
        self.fail(p, dup, column, zh, en)

    def universe(self, table: str) -> np.ndarray:
        """The keys a reference to `table` may name once this import is in."""
        new = self.parsed.get(table)
        new_keys = new.frame[self.specs[table].key].dropna().to_numpy(dtype=np.int64) \
            if new is not None else np.empty(0, dtype=np.int64)
        current = self.ctx.current_keys.get(table, np.empty(0, dtype=np.int64))
        if new is not None and self.ctx.mode == "replace":
            return new_keys
        return np.union1d(new_keys, current)

    def names(self, table: str) -> pd.DataFrame:
        """id and name of every `table` row a reference by name may use."""
        new = self.parsed.get(table)
        frames = []
        if new is not None:
            frames.append(pd.DataFrame({"id": new.frame[self.specs[table].key],
                                        "name": new.frame["name_zh"]}).dropna())
        if new is None or self.ctx.mode != "replace":
            cur = self.ctx.current_names.get(table)
            if cur is not None:
                if new is not None:
                    cur = cur[~cur["id"].isin(set(frames[0]["id"]))]
                frames.append(cur)
        if not frames:
            return pd.DataFrame({"id": pd.Series(dtype="Int64"), "name": pd.Series(dtype=str)})
        out = pd.concat(frames, ignore_index=True)
        return out.drop_duplicates("name")

    def _references(self, spec: Table, p: Parsed) -> None:
        for col in spec.columns:
            text = p.norm_text[col.name]
            filled = cells.present(text)
            if col.kind in ("station", "park"):
                named = self.names(col.ref_table)
                ids = np.union1d(self.universe(col.ref_table),
                                 named["id"].dropna().to_numpy(dtype=np.int64))
                by_name, found_name = cells.lookup(
                    cells.squash(text), [norm(x) for x in named["name"]],
                    named["id"].to_numpy(dtype=object))
                nums, bad = cells.parse_number(text)
                whole = cells.integral(nums) & ~bad
                by_id = np.isin(np.where(whole, nums, -1).astype(np.int64), ids) & whole
                found = found_name | by_id
                self.fail_key(p, filled & ~found, col.name, f"unknown_{col.kind}")
                resolved = np.where(found_name, by_name, np.where(by_id, nums, None))
                out = pd.array(np.where(found, resolved, 0).astype(np.int64), dtype="Int64")
                out[~found] = pd.NA
                p.frame[col.name] = out
            elif col.kind == "record":
                values = p.frame[col.name]
                ok = values.notna().to_numpy()
                known = np.isin(values.fillna(-1).to_numpy(dtype=np.int64),
                                self.universe(col.ref_table))
                missing = ok & ~known
                if missing.any():
                    target = self.specs[col.ref_table].title
                    vals = values.to_numpy(dtype=object)
                    zh = np.array([msg("unknown_record", "zh", target=target, value=v)
                                   for v in vals], dtype=object)
                    en = np.array([msg("unknown_record", "en", target=col.ref_table, value=v)
                                   for v in vals], dtype=object)
                    self.fail(p, missing, col.name, zh, en)
            elif col.kind in ("township", "township_name"):
                self._township(p, spec, col, text, filled)

    def _township(self, p: Parsed, spec: Table, col: Column, text, filled) -> None:
        county_col = "home_county" if spec.name == "outside_people" else "county_code"
        county = p.frame[county_col]
        towns = self.ctx.reference["townships"]
        has_county = county.notna().to_numpy()
        key = pc.binary_join_element_wise(
            pa.array(county.fillna(0).astype(str).to_numpy(dtype=object),
                     type=pa.large_string()),
            pc.cast(cells.squash(text), pa.large_string()), pa.scalar("|", pa.large_string()))
        keys = (towns["county_code"].astype(str) + "|"
                + towns["name_zh"].map(norm)).tolist()
        values, found = cells.lookup(key, keys, towns["township_id"].to_numpy(dtype=object))
        if col.kind == "township":
            nums, bad = cells.parse_number(text)
            whole = cells.integral(nums) & ~bad
            id_county = pd.Series(towns["county_code"].to_numpy(),
                                  index=towns["township_id"].to_numpy())
            candidate = np.where(whole, np.nan_to_num(nums), -1).astype(np.int64)
            county_of = id_county.reindex(candidate).to_numpy(dtype="float64",
                                                              na_value=np.nan)
            id_ok = whole & (county_of == county.to_numpy(dtype="float64", na_value=np.nan))
            found_all = found | id_ok
            resolved = np.where(found, values, np.where(id_ok, nums, None))
            out = pd.array(np.where(found_all, resolved, 0).astype(np.int64), dtype="Int64")
            out[~found_all] = pd.NA
            p.frame[col.name] = out
        else:
            found_all = found
        names = self.ctx.reference["counties"].set_index("county_code")["name_zh"]
        bad = filled & ~found_all & has_county
        if bad.any():
            cn = county.to_numpy(dtype=object)
            zh = np.array([msg("unknown_township", "zh", county=names.get(c, "")) if b else None
                           for c, b in zip(cn, bad, strict=True)], dtype=object)
            en = np.array([msg("unknown_township", "en", county=names.get(c, "")) if b else None
                           for c, b in zip(cn, bad, strict=True)], dtype=object)
            self.fail(p, bad, col.name, zh, en)
        self.fail_key(p, filled & ~has_county, col.name, "township_needs_county")

    # -- rules the schema states, and the ID cross-checks --------------------------------------
    def _rules(self, spec: Table, p: Parsed) -> None:
        f = p.frame
        for rule in spec.rules:
            handler = RULES.get(rule)
            if handler is None:
                self.fail(p, np.ones(len(f), dtype=bool), None,
                          msg("rule_unknown", "zh", rule=rule), msg("rule_unknown", "en", rule=rule))
                continue
            handler(self, p)
        if "id_number" in f.columns:
            self._id_cross_checks(spec, p)
        if spec.name == "returnees":
            link = f["outside_person_id"]
            self._duplicates_rule(p, link, "outside_person_id")

    def _duplicates_rule(self, p: Parsed, values: pd.Series, column: str) -> None:
        before = len(self.errors)
        self._duplicates(p, values, column, "duplicate_key")
        for i in range(before, len(self.errors)):  # reword: one outside record, two returnees
            e = self.errors[i]
            e["zh"] = [z.replace("编号重复：与", "同一在外人员登记对应了多个返乡人员：另见")
                       for z in e["zh"]]
            e["en"] = [x.replace("duplicate id: same as", "one outside record, several "
                                 "returnees: also") for x in e["en"]]

    def _id_cross_checks(self, spec: Table, p: Parsed) -> None:
        f = p.frame
        births = p.raw_text.get("_id_birth")
        if births is None:
            return
        has = ~np.isnat(births)
        digit17 = pc.cast(pc.utf8_slice_codeunits(
            pa.array(f["id_number"].array), 16, 17), pa.string())
        digit17 = pc.if_else(pc.match_substring_regex(digit17, r"^\d$"), digit17, "0")
        male_id = pc.fill_null(pc.cast(digit17, pa.int64()), 0).to_numpy(
            zero_copy_only=False) % 2 == 1
        gender = f["gender"].to_numpy(dtype=object)
        g_ok = pd.notna(gender)
        self.fail_key(p, has & g_ok & ((gender == "M") != male_id), "gender",
                      "id_gender_mismatch")
        if "birth_date" in f.columns:
            bd = f["birth_date"].to_numpy().astype("datetime64[D]")
            self.fail_key(p, has & ~np.isnat(bd) & (bd != births), "birth_date",
                          "id_birth_mismatch")
        if "age" in f.columns and "returned_on" in f.columns:
            ret = f["returned_on"].to_numpy().astype("datetime64[D]")
            age = f["age"].to_numpy(dtype="float64", na_value=np.nan)
            ok = has & ~np.isnat(ret) & ~np.isnan(age)
            years = np.full(len(f), np.nan)
            if ok.any():
                b = pd.DatetimeIndex(births[ok])
                r = pd.DatetimeIndex(ret[ok])
                full = r.year - b.year - ((r.month < b.month)
                                          | ((r.month == b.month) & (r.day < b.day)))
                years[ok] = np.asarray(full)
            off = ok & (np.abs(years - age) > 1)
            if off.any():
                zh = np.array([msg("age_mismatch", "zh", age=int(y)) if o else None
                               for y, o in zip(np.nan_to_num(years), off, strict=True)], object)
                en = np.array([msg("age_mismatch", "en", age=int(y)) if o else None
                               for y, o in zip(np.nan_to_num(years), off, strict=True)], object)
                self.fail(p, off, "age", zh, en)


def _plain(v) -> str:
    """A number as people write it: 1,234,567 or 0.5, never 1.2e+15."""
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.6f}".rstrip("0").rstrip(".")


def msg_existing() -> str:
    return "现有数据 / current data"


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


# The multi-column CHECKs of schema.sql, by the text DuckDB prints for them. A rule added to
# the schema without a handler here makes every row fail with "breaks the rule …", so it
# cannot be forgotten (and a test says so).
def _rule_level_sponsor(c: Checker, p: Parsed) -> None:
    f = p.frame
    level = f["level"].to_numpy(dtype=object)
    known = pd.notna(level)
    sponsor = f["sponsor_county"].notna().to_numpy()
    sponsor_text = cells.present(p.raw_text["sponsor_county"])
    bad = known & ((level == "city") == (sponsor | sponsor_text))
    c.fail_key(p, bad, "sponsor_county", "rule_level_sponsor")


def _rule_landed_stage(c: Checker, p: Parsed) -> None:
    f = p.frame
    stage = f["stage"].to_numpy(dtype=object)
    known = pd.notna(stage)
    landed = cells.present(p.raw_text["landed_on"])
    bad = known & (np.isin(stage, ["building", "operating"]) != landed)
    c.fail_key(p, bad, "landed_on", "rule_landed_stage")


def _rule_signed(c: Checker, p: Parsed) -> None:
    f = p.frame
    stage = f["stage"].to_numpy(dtype=object)
    known = pd.notna(stage)
    signed = cells.present(p.raw_text["signed_on"])
    c.fail_key(p, known & (stage != "negotiating") & ~signed, "signed_on", "rule_signed")


def _rule_signed_before_landed(c: Checker, p: Parsed) -> None:
    f = p.frame
    s = f["signed_on"].to_numpy()
    landed = f["landed_on"].to_numpy()
    ok = ~np.isnat(s) & ~np.isnat(landed)
    c.fail_key(p, ok & (landed < s), "landed_on", "rule_signed_before_landed")


def _rule_station_or_entity(c: Checker, p: Parsed) -> None:
    neither = ~cells.present(p.raw_text["station_id"]) & ~cells.present(p.raw_text["entity_id"])
    c.fail_key(p, neither, "station_id", "rule_station_or_entity")


RULES = {
    '(("level" = \'city\') = (sponsor_county IS NULL))': _rule_level_sponsor,
    "((stage IN ('building', 'operating')) = (landed_on IS NOT NULL))": _rule_landed_stage,
    "((stage = 'negotiating') OR (signed_on IS NOT NULL))": _rule_signed,
    "((landed_on IS NULL) OR (landed_on >= signed_on))": _rule_signed_before_landed,
    "((station_id IS NOT NULL) OR (entity_id IS NOT NULL))": _rule_station_or_entity,
}
