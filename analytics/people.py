"""Person-level lists: the returnee register under the filter and the county scope, masked
(张*, 371722********123X, 138****5678). One record unmasked only through `returnee_record`,
which the app calls after a data administrator's reveal has been permitted and logged.
"""

from __future__ import annotations

import pandas as pd

from analytics.facts import RETURNEES
from analytics.filters import Filter
from analytics.masking import mask_frame

LIST_LIMIT = 500

_COLUMNS = ("r.returnee_id, r.name, r.id_number, r.mobile, r.gender, r.age, r.person_group, "
            "r.returned_on, r.county_code, t.name_zh AS township_zh, r.industry_code, "
            "r.outcome, s.name_zh AS station_zh, r.support")


def _source() -> str:
    return RETURNEES.source + " LEFT JOIN townships t ON t.township_id = r.township_id"


def returnee_count(a, f: Filter = Filter()) -> int:
    df = a._scan(RETURNEES, f, "count(*)::BIGINT AS n")
    return int(df["n"].iloc[0])


def returnee_list(a, limit: int = LIST_LIMIT, f: Filter = Filter()) -> pd.DataFrame:
    """The newest `limit` returnees under the filter, masked."""
    cond, params = a._where(RETURNEES, a.check(f))
    sql = (f"SELECT {_COLUMNS} FROM {_source()} WHERE {cond} "
           "ORDER BY r.returned_on DESC, r.returnee_id DESC LIMIT ?")
    df = a._frame(sql, params + [int(limit)])
    df["returned_on"] = pd.to_datetime(df["returned_on"]).dt.date
    return a._with_names(mask_frame(df))


def returnee_record(a, returnee_id: int) -> dict | None:
    """One returnee, unmasked, within the county scope (None outside it or unknown).
    Only for a reveal that access has permitted and logged."""
    cond, params = a._where(RETURNEES, Filter())
    sql = f"SELECT {_COLUMNS} FROM {_source()} WHERE {cond} AND r.returnee_id = ?"
    df = a._frame(sql, params + [int(returnee_id)])
    if df.empty:
        return None
    df["returned_on"] = pd.to_datetime(df["returned_on"]).dt.date
    return a._with_names(df).iloc[0].to_dict()
