"""Person-level lists: the returnee register under the filter and the county scope, masked
(张*, 371722********123X, 138****5678). One record unmasked only through `returnee_record`,
which the app calls after a data administrator's reveal has been permitted and logged.

The list's search matches only what the masked list shows (record number, surname, the six
and four digits an ID shows, a mobile's first three and last four, township, station), so a
search never tells what the mask hides. Finding a person by full name or full ID number is
`find_person`, for the reveal of a role allowed to see them.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from analytics.masking import mask_frame
from model.facts import RETURNEES
from model.filters import Filter

LIST_LIMIT = 500  # rows drawn on the page (newest first)
# A download holds every row the user may see under the filter and the search, up to this
# many: an XLSX of 10万 rows takes about half a minute to make; beyond it the page asks
# for a narrower filter instead of cutting the file silently.
EXPORT_LIMIT = 100_000
FIND_LIMIT = 20  # candidates the reveal form lists

_COLUMNS = ("r.returnee_id, r.name, r.id_number, r.mobile, r.gender, r.age, r.person_group, "
            "r.returned_on, r.county_code, t.name_zh AS township_zh, r.industry_code, "
            "r.outcome, s.name_zh AS station_zh, r.support")

_MASKED_ID = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")
_MASKED_MOBILE = re.compile(r"^(1\d{2})\*+(\d{4})$")
_MASKED_NAME = re.compile(r"^(\w)(\*+)$")
_FULL_ID = re.compile(r"^\d{17}[\dX]$")


def _source() -> str:
    return RETURNEES.source + " LEFT JOIN townships t ON t.township_id = r.township_id"


def search_terms(query: str | None) -> list[str]:
    """The words of a search, full-width forms folded (ＸＸ → XX) and x read as X."""
    text = unicodedata.normalize("NFKC", query or "").strip()
    return [w.upper() if re.fullmatch(r"[\d*xX]+", w) else w for w in text.split()][:5]


def _term(word: str) -> tuple[str, list]:
    """SQL for one search word over what the masked list shows."""
    if m := _MASKED_ID.match(word):
        return ("(starts_with(r.id_number, ?) AND ends_with(r.id_number, ?))",
                [m.group(1), m.group(2)])
    if m := _MASKED_MOBILE.match(word):
        return "(starts_with(r.mobile, ?) AND ends_with(r.mobile, ?))", [m.group(1), m.group(2)]
    if m := _MASKED_NAME.match(word):
        return ("(starts_with(r.name, ?) AND length(r.name) = ?)",
                [m.group(1), 1 + len(m.group(2))])
    if re.fullmatch(r"\d+X?", word):
        parts, params = [], []
        if word.isdigit() and len(word) <= 12:
            parts.append("r.returnee_id = ?")
            params.append(int(word))
        if len(word) == 6 and word.isdigit():
            parts.append("starts_with(r.id_number, ?)")
            params.append(word)
        if len(word) == 4:
            parts.append("ends_with(r.id_number, ?)")
            params.append(word)
            if word.isdigit():
                parts.append("ends_with(r.mobile, ?)")
                params.append(word)
        if len(word) == 3 and word.startswith("1"):
            parts.append("starts_with(r.mobile, ?)")
            params.append(word)
        return ("(" + " OR ".join(parts) + ")", params) if parts else ("FALSE", [])
    # Words: a surname (one character), a township or a station.
    parts = ["contains(coalesce(t.name_zh, ''), ?)", "contains(coalesce(s.name_zh, ''), ?)"]
    params: list = [word, word]
    if len(word) == 1:
        parts.append("starts_with(r.name, ?)")
        params.append(word)
    return "(" + " OR ".join(parts) + ")", params


def _search(query: str | None) -> tuple[str, list]:
    clauses, params = [], []
    for word in search_terms(query):
        sql, p = _term(word)
        clauses.append(sql)
        params += p
    return (" AND ".join(clauses) or "TRUE"), params


def _order(query: str | None) -> tuple[str, list]:
    """Newest first, with a record whose number was typed ahead of the rest."""
    ids = [int(w) for w in search_terms(query) if w.isdigit() and len(w) <= 12]
    return ("list_contains(?::BIGINT[], r.returnee_id) DESC, r.returned_on DESC, "
            "r.returnee_id DESC", [ids])


def returnee_count(a, f: Filter = Filter(), search: str = "") -> int:
    cond, params = a._where(RETURNEES, a.check(f))
    where, sparams = _search(search)
    sql = f"SELECT count(*)::BIGINT AS n FROM {_source()} WHERE {cond} AND {where}"
    return int(a._frame(sql, params + sparams)["n"].iloc[0])


def returnee_list(a, limit: int = LIST_LIMIT, f: Filter = Filter(),
                  search: str = "") -> pd.DataFrame:
    """The newest `limit` returnees under the filter and the search, masked."""
    where, sparams = _search(search)
    return _newest(a, a.check(f), where, sparams, search, limit)


def _newest(a, f: Filter, where: str, params: list, query: str, limit: int) -> pd.DataFrame:
    """The newest `limit` returnees under `f` (and the county scope) that meet `where`,
    a typed record number first, masked."""
    cond, fparams = a._where(RETURNEES, f)
    order, oparams = _order(query)
    sql = (f"SELECT {_COLUMNS} FROM {_source()} WHERE {cond} AND {where} "
           f"ORDER BY {order} LIMIT ?")
    df = a._frame(sql, fparams + params + oparams + [int(limit)])
    df["returned_on"] = pd.to_datetime(df["returned_on"]).dt.date
    return a._with_names(mask_frame(df))


def find_person(a, query: str, limit: int = FIND_LIMIT) -> pd.DataFrame:
    """Candidates for a reveal, masked: by full name, full ID number, record number, or
    anything the list's search finds. Within the county scope; newest first. For a role
    allowed to reveal only (a full name or ID is matched against the unmasked data)."""
    words = search_terms(query)
    if not words:
        return returnee_list(a, 0)
    clauses, params = [], []
    for word in words:
        if _FULL_ID.match(word):
            clauses.append("r.id_number = ?")
            params.append(word)
        elif len(word) >= 2 and not re.search(r"[\d*]", word):
            sql, p = _term(word)
            clauses.append(f"(r.name = ? OR {sql})")
            params += [word, *p]
        else:
            sql, p = _term(word)
            clauses.append(sql)
            params += p
    return _newest(a, Filter(), " AND ".join(clauses), params, query, limit)


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
