"""Checking keys, names and references: a key or name twice (in the files, or against the
current data when appending), a station, park or record that does not exist, a township not
in its county."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.importer import cells
from data.importer.failures import Failures, Parsed
from data.importer.spec import Column, Table, norm
from data.importer.text import msg


class KeysAndReferences(Failures):
    """Across the rows of a table, and across the tables."""

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


def msg_existing() -> str:
    return "现有数据 / current data"
