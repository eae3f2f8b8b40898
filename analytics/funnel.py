"""The return funnel (`Analytics.return_funnel`): registered outside, intending, returned,
founded a business, jobs created, counting each registered person once."""

from __future__ import annotations

import pandas as pd

from analytics.scan import Scan
from data import aggregates
from model import indicators as reg
from model.facts import OUTSIDE_PEOPLE
from model.filters import Filter


class Funnel(Scan):
    """From registered outside to jobs created, per person."""

    FUNNEL_STAGES = ("registered", "intending", "returned", "founded", "jobs")

    def return_funnel(self, f: Filter = Filter(), by_county: bool = False) -> pd.DataFrame:
        """Registered outside → intending → returned → founded a business → jobs created.

        Every stage but jobs counts registered people, each once: a person with two
        returnee records, or a returnee who leads two businesses, still counts once. The
        filter picks the people first; their returnee records and businesses are joined to
        that set (returned is a semi join, so it needs no DISTINCT).
        """
        fact = OUTSIDE_PEOPLE
        stages, rows = aggregates.FUNNEL, reg.Measure("count")
        cube = self._cube(fact, rows, *stages.values(), dims=["county"] if by_county else [])
        if cube is not None:
            df = self._cube_frame(
                cube, f, ("c.county" if by_county else "0") + " AS code, "
                f"{cube.measure(rows)} AS registered, "
                + ", ".join(f"{cube.measure(m)} AS {stage}" for stage, m in stages.items()),
                group_by="code")
            return self._funnel_frame(df, by_county)
        cond, params = self._where(fact, self.check(f))
        code = fact.county if by_county else "0"
        sql = (
            f"WITH fp AS (SELECT p.person_id, {code} AS code, p.return_intention "
            f"FROM {fact.source} WHERE {cond}), "
            "lr AS (SELECT returnee_id, outside_person_id AS person_id FROM returnees "
            "WHERE outside_person_id IS NOT NULL), "
            "le AS (SELECT lr.person_id, e.jobs FROM entities e "
            "JOIN lr ON lr.returnee_id = e.returnee_id) "
            "SELECT a.code, a.registered, a.intending, COALESCE(b.returned, 0) AS returned, "
            "COALESCE(c.founded, 0) AS founded, COALESCE(c.jobs, 0)::BIGINT AS jobs "
            "FROM (SELECT code, count(*) AS registered, "
            "count(*) FILTER (WHERE return_intention = 'yes') AS intending "
            "FROM fp GROUP BY code) a "
            "LEFT JOIN (SELECT code, count(*) AS returned FROM fp "
            "SEMI JOIN lr ON lr.person_id = fp.person_id GROUP BY code) b ON b.code = a.code "
            "LEFT JOIN (SELECT fp.code, count(DISTINCT fp.person_id) AS founded, "
            "sum(le.jobs) AS jobs FROM le JOIN fp ON fp.person_id = le.person_id "
            "GROUP BY fp.code) c ON c.code = a.code"
        )
        return self._funnel_frame(self._frame(sql, params), by_county)

    def _funnel_frame(self, df: pd.DataFrame, by_county: bool) -> pd.DataFrame:
        df = df[["code", *self.FUNNEL_STAGES]]
        if by_county:
            df = self._complete(df, "county", [])
            return self._label(df, "county")
        df = df.drop(columns="code").astype("int64")
        return df if len(df) else pd.DataFrame([dict.fromkeys(df.columns, 0)], dtype="int64")
