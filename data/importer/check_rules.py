"""Checking the rules across columns: the multi-column CHECKs of schema.sql (`RULES`), one
outside record linked to one returnee, and an ID number against gender, birth date and age."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.importer import cells
from data.importer.failures import Failures, Parsed
from data.importer.spec import Table
from data.importer.text import msg


class Rules(Failures):
    """The rules the schema states, and the ID cross-checks."""

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


# The multi-column CHECKs of schema.sql, by the text DuckDB prints for them. A rule added to
# the schema without a handler here makes every row fail with "breaks the rule …", so it
# cannot be forgotten (and a test says so).
def _rule_level_sponsor(c: Failures, p: Parsed) -> None:
    f = p.frame
    level = f["level"].to_numpy(dtype=object)
    known = pd.notna(level)
    sponsor = f["sponsor_county"].notna().to_numpy()
    sponsor_text = cells.present(p.raw_text["sponsor_county"])
    bad = known & ((level == "city") == (sponsor | sponsor_text))
    c.fail_key(p, bad, "sponsor_county", "rule_level_sponsor")


def _rule_landed_stage(c: Failures, p: Parsed) -> None:
    f = p.frame
    stage = f["stage"].to_numpy(dtype=object)
    known = pd.notna(stage)
    landed = cells.present(p.raw_text["landed_on"])
    bad = known & (np.isin(stage, ["building", "operating"]) != landed)
    c.fail_key(p, bad, "landed_on", "rule_landed_stage")


def _rule_signed(c: Failures, p: Parsed) -> None:
    f = p.frame
    stage = f["stage"].to_numpy(dtype=object)
    known = pd.notna(stage)
    signed = cells.present(p.raw_text["signed_on"])
    c.fail_key(p, known & (stage != "negotiating") & ~signed, "signed_on", "rule_signed")


def _rule_signed_before_landed(c: Failures, p: Parsed) -> None:
    f = p.frame
    s = f["signed_on"].to_numpy()
    landed = f["landed_on"].to_numpy()
    ok = ~np.isnat(s) & ~np.isnat(landed)
    c.fail_key(p, ok & (landed < s), "landed_on", "rule_signed_before_landed")


def _rule_station_or_entity(c: Failures, p: Parsed) -> None:
    neither = ~cells.present(p.raw_text["station_id"]) & ~cells.present(p.raw_text["entity_id"])
    c.fail_key(p, neither, "station_id", "rule_station_or_entity")


RULES = {
    '(("level" = \'city\') = (sponsor_county IS NULL))': _rule_level_sponsor,
    "((stage IN ('building', 'operating')) = (landed_on IS NOT NULL))": _rule_landed_stage,
    "((stage = 'negotiating') OR (signed_on IS NOT NULL))": _rule_signed,
    "((landed_on IS NULL) OR (landed_on >= signed_on))": _rule_signed_before_landed,
    "((station_id IS NOT NULL) OR (entity_id IS NOT NULL))": _rule_station_or_entity,
}
