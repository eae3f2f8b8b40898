"""Vectorised cell parsing: text, numbers, dates, yes/no, codes, ID numbers, mobiles.

Every parser takes a column of cells and returns the parsed values and a mask of the cells
that failed, with the message key; nothing loops over cells in Python except the few cells
that are not text (numbers and dates an Excel file stores as such).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal, localcontext

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.identity import HEZE_REGION_CODES, ID_CHECK_CHARS, ID_WEIGHTS, NOT_HEZE_CODES
from data.importer.text import msg

EXCEL_EPOCH = np.datetime64("1899-12-30")
ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff]"
# Mobile prefixes allocated in mainland China (MIIT numbering plan).
MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["162", "165", "166", "167"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)


def _cell_to_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def cells_as_text(raw: pd.Series) -> tuple[pa.ChunkedArray, np.ndarray, pa.ChunkedArray]:
    """The cells as normalised text (NFKC, trimmed, empty as null), which cells were stored
    as numbers (float or int) rather than text, and the text as written (trimmed only: free
    text such as a title keeps its full-width punctuation)."""
    if isinstance(raw.dtype, pd.StringDtype):
        arr = raw.array._pa_array  # noqa: SLF001 - zero-copy Arrow view
        numeric = np.zeros(len(raw), dtype=bool)
    else:
        kinds = raw.map(type).to_numpy()
        numeric = (kinds == float) | (kinds == int)  # noqa: E721 - elementwise, numpy
        values = raw.to_numpy(dtype=object, copy=True)
        other = (kinds != str) & pd.notna(values)  # noqa: E721 - elementwise, numpy
        if other.any():
            values[other] = [_cell_to_text(v) for v in values[other]]
        values[pd.isna(values)] = None
        arr = pa.chunked_array([pa.array(values, type=pa.large_string())])
    if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        # Plain ASCII (most number, date, ID and code columns): nothing to normalise.
        plain = pc.utf8_trim_whitespace(arr)
        plain = pc.if_else(pc.equal(plain, ""), pa.scalar(None, plain.type), plain)
        return plain, numeric, plain
    plain = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, ZERO_WIDTH, ""))
    plain = pc.if_else(pc.equal(plain, ""), pa.scalar(None, plain.type), plain)
    arr = pc.utf8_trim_whitespace(pc.utf8_normalize(plain, "NFKC"))
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    return arr, numeric, plain


def present(arr) -> np.ndarray:
    return pc.is_valid(arr).to_numpy(zero_copy_only=False)


def to_pandas_str(arr) -> pd.Series:
    return pd.Series(pd.array(arr, dtype="str"))


def lookup(arr, keys: list[str], values) -> tuple[np.ndarray, np.ndarray]:
    """values[i] where arr == keys[i]; (result, found mask). Keys must be unique."""
    idx = pc.index_in(arr, value_set=pa.array(keys, type=pa.large_string()))
    found = pc.is_valid(idx).to_numpy(zero_copy_only=False)
    pos = pc.fill_null(idx, 0).to_numpy(zero_copy_only=False)
    vals = np.asarray(values, dtype=object)
    return vals[pos] if len(vals) else np.empty(len(pos), dtype=object), found


def lookup_arrow(arr, keys: list[str], values: list) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Like `lookup`, for text results: an Arrow column with null where not found."""
    idx = pc.index_in(arr, value_set=pa.array(keys, type=pa.large_string()))
    found = pc.is_valid(idx).to_numpy(zero_copy_only=False)
    return pc.take(pa.array(values, type=pa.large_string()), idx), found


def squash(arr):
    """Lower case, no spaces: the form names and codes are compared in."""
    return pc.replace_substring_regex(pc.utf8_lower(arr), r"[\s*]+", "")


# -- numbers -----------------------------------------------------------------------------

_NUMBER = r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?P<unit>元|万元|亿元)?$"
_UNIT_FACTOR = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def parse_number(arr, column_unit: str | None = None, factor=1.0):
    """(float values, bad mask) for filled cells; 1,234 and, in a money column, a unit suffix
    (5000万元, 1.2亿元) accepted. `factor` (per row or one) turns the header's unit into the
    column's; a unit written in the cell overrides the header's."""
    factor_arr = np.asarray(factor, dtype=float)
    try:  # the common case: every filled cell is a plain number
        values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        values = values * factor_arr
        return values, present(arr) & ~np.isfinite(values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    clean = pc.replace_substring_regex(arr, r"[,\s]", "")
    parts = pc.extract_regex(clean, _NUMBER)
    num = pc.struct_field(parts, "num")
    unit = pc.fill_null(pc.struct_field(parts, "unit"), "").to_numpy(zero_copy_only=False)
    values = pc.cast(num, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
    factor = np.broadcast_to(np.asarray(factor, dtype=float), values.shape)
    with_unit = unit != ""
    if column_unit in _UNIT_FACTOR:
        per = np.ones(len(values))
        if with_unit.any():
            per[with_unit] = [_UNIT_FACTOR[u] / _UNIT_FACTOR[column_unit]
                              for u in unit[with_unit]]
        values = values * np.where(with_unit, per, factor)
    else:
        values = np.where(with_unit, np.nan, values)
    filled = present(arr)
    bad = filled & ~np.isfinite(values)
    return values, bad


FLOAT_EXACT = 2**53  # beyond it a float does not carry every digit of a whole number


def exact_integers(arr, values: np.ndarray, ok: np.ndarray, column_unit: str | None,
                   factor=1.0) -> dict[int, int | None]:
    """The whole numbers of the `ok` cells too large for a float to hold exactly, parsed
    again digit for digit: {row: value}, None where the value is not whole after all.
    Rare (only amounts of 2⁵³ and more), so a loop over those few cells."""
    big = ok & (np.abs(np.nan_to_num(values)) >= FLOAT_EXACT)
    if not big.any():
        return {}
    idx = np.flatnonzero(big)
    texts = pc.take(arr, pa.array(idx)).to_pylist()
    factors = np.broadcast_to(np.asarray(factor, dtype=float), values.shape)
    out: dict[int, int | None] = {}
    with localcontext() as ctx:
        ctx.prec = 80
        for i, text in zip(idx, texts, strict=True):
            m = re.match(_NUMBER, re.sub(r"[,\s]", "", text or ""))
            if m is None:
                continue
            number = Decimal(m.group("num"))
            unit = m.group("unit")
            if unit and column_unit in _UNIT_FACTOR:
                number *= Decimal(_UNIT_FACTOR[unit]) / Decimal(_UNIT_FACTOR[column_unit])
            else:
                number *= Decimal(repr(float(factors[i])))
            out[int(i)] = int(number) if number == number.to_integral_value() else None
    return out


def integral(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (np.abs(values - np.round(values)) < 1e-6)


# -- dates -------------------------------------------------------------------------------

_DATE_PATTERNS = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
)


def parse_date(arr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(datetime64[D] values, unreadable mask, no-such-date mask) for filled cells."""
    n = len(arr)
    y = np.full(n, -1, dtype=np.int64)
    m = np.full(n, -1, dtype=np.int64)
    d = np.full(n, -1, dtype=np.int64)
    for pattern in _DATE_PATTERNS:
        parts = pc.extract_regex(arr, pattern)
        got = pc.is_valid(parts).to_numpy(zero_copy_only=False) & (y < 0)
        if got.any():
            for name, target in (("y", y), ("m", m), ("d", d)):
                vals = pc.cast(pc.struct_field(parts, name), pa.int64())
                vals = pc.fill_null(vals, -1).to_numpy(zero_copy_only=False)
                target[got] = vals[got]
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    parsed = y >= 0
    no_such = np.zeros(n, dtype=bool)
    if parsed.any():
        idx = np.flatnonzero(parsed)
        built = pd.to_datetime(pd.DataFrame({"year": y[idx], "month": m[idx], "day": d[idx]}),
                               errors="coerce")
        ok = built.notna().to_numpy()
        out[idx[ok]] = built[ok].to_numpy().astype("datetime64[D]")
        no_such[idx[~ok]] = True
    # Excel serial numbers (a date cell read as a number, or typed as one).
    serial = pc.extract_regex(arr, r"^(?P<n>\d{1,5})(?:\.0+)?$")
    has_serial = pc.is_valid(serial).to_numpy(zero_copy_only=False) & ~parsed
    if has_serial.any():
        nums = pc.fill_null(pc.cast(pc.struct_field(serial, "n"), pa.int64()), 0).to_numpy(
            zero_copy_only=False)
        usable = has_serial & (nums >= 1) & (nums <= 80_000)
        out[usable] = EXCEL_EPOCH + nums[usable].astype("timedelta64[D]")
        parsed |= usable
    filled = present(arr)
    unreadable = filled & ~parsed
    return out, unreadable, no_such


# -- ID numbers and mobiles ---------------------------------------------------------------

def parse_id_numbers(arr, stored_as_number: np.ndarray, as_of: date):
    """(normalised ID text, {message key: mask}, region codes) for filled cells."""
    text = pc.utf8_upper(pc.replace_substring_regex(arr, r"\s+", ""))
    filled = present(arr)
    problems: dict[str, np.ndarray] = {}
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^\d{17}[\dX]$"), False).to_numpy(
        zero_copy_only=False)
    if (shaped | ~filled).all() and not (stored_as_number & filled).any():
        scientific = np.zeros(len(shaped), dtype=bool)
        fifteen = scientific
    else:
        scientific = pc.fill_null(pc.match_substring_regex(
            text, r"^\d+(\.\d+)?E\+?\d+$|^\d{15,}\.\d*$"), False).to_numpy(
            zero_copy_only=False)
        fifteen = pc.fill_null(pc.match_substring_regex(text, r"^\d{15}$"), False).to_numpy(
            zero_copy_only=False)
    lost = filled & (stored_as_number | scientific)
    problems["id_lost_digits"] = lost
    fifteen = fifteen & filled & ~lost
    problems["id_15"] = fifteen
    shaped = shaped & ~stored_as_number
    problems["id_format"] = filled & ~shaped & ~lost & ~fifteen
    good = filled & shaped & ~lost
    n = len(text)
    check_bad = np.zeros(n, dtype=bool)
    birth_bad = np.zeros(n, dtype=bool)
    region_bad = np.zeros(n, dtype=bool)
    region = np.full(n, None, dtype=object)
    births = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if good.any():
        idx = np.flatnonzero(good)
        chosen = pc.take(text, pa.array(idx)).combine_chunks()
        if isinstance(chosen, pa.ChunkedArray):
            chosen = chosen.combine_chunks()
        offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int64)[
            chosen.offset:chosen.offset + len(chosen) + 1]
        data = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
        digits = data.reshape(-1, 18)
        body = digits[:, :17].astype(np.int64) - 48
        expected = np.frombuffer(ID_CHECK_CHARS.encode(), dtype=np.uint8)[(body @ ID_WEIGHTS) % 11]
        check_bad[idx] = expected != digits[:, 17]
        y = body[:, 6:10] @ np.array([1000, 100, 10, 1])
        mo = body[:, 10:12] @ np.array([10, 1])
        d = body[:, 12:14] @ np.array([10, 1])
        built = pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": d}), errors="coerce")
        ok = built.notna().to_numpy()
        b = np.full(len(idx), np.datetime64("NaT"), dtype="datetime64[D]")
        b[ok] = built[ok].to_numpy().astype("datetime64[D]")
        births[idx] = b
        birth_bad[idx] = ~ok | (b > np.datetime64(as_of)) | (b < np.datetime64("1900-01-01"))
        codes = (body[:, :6] @ np.array([100000, 10000, 1000, 100, 10, 1])).astype(str)
        region[idx] = codes
        region_bad[idx] = ~np.isin(codes.astype(str), list(HEZE_REGION_CODES))
    problems["id_check"] = check_bad
    problems["id_birth"] = birth_bad & ~check_bad
    problems["id_region"] = region_bad & ~check_bad & ~birth_bad
    return text, problems, region, births


def region_message(code: str, lang: str) -> tuple[str, str]:
    if code in NOT_HEZE_CODES:
        zh, en = NOT_HEZE_CODES[code]
        return (msg("id_region_named", "zh", code=code, name=zh, name_en=en),
                msg("id_region_named", "en", code=code, name=zh, name_en=en))
    return msg("id_region", "zh", code=code), msg("id_region", "en", code=code)


def parse_mobiles(arr):
    """(11-digit text, format-bad mask, prefix-bad mask) for filled cells."""
    filled = present(arr)
    plain = pc.fill_null(pc.and_(pc.utf8_is_decimal(arr), pc.equal(pc.utf8_length(arr), 11)),
                         False).to_numpy(zero_copy_only=False)
    if (plain | ~filled).all():
        text = arr
    else:
        text = pc.replace_substring_regex(arr, r"[\s\-()]", "")
        text = pc.replace_substring_regex(text, r"^\+?86(1\d{10})$", r"\1")
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^1\d{10}$"), False).to_numpy(
        zero_copy_only=False)
    prefix = pc.utf8_slice_codeunits(text, 0, 3)
    in_plan = pc.fill_null(pc.is_in(prefix, value_set=pa.array(sorted(MOBILE_PREFIXES),
                                                                type=pa.large_string())),
                           False).to_numpy(zero_copy_only=False)
    return text, filled & ~shaped, filled & shaped & ~in_plan
