"""A table as shown: its frame (headers in the user's language, person fields masked, dates
as 2020-08-31, empty text as "—"), its number formats, and how wide each column is drawn: as
wide as its longest text, header or value, so a number is never cut ("11,69" for 11,690).
Left to itself the grid sized the columns by their headers and a sample of raw values, and a
wide table ran past the page's edge, cutting its last column mid-number. When the columns do
not fit the page, only text columns (names, focus industries) give up width, down to a floor,
and show the rest of their text on hover; numbers and dates keep theirs. No streamlit here."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from analytics.masking import mask_frame
from core.formatting import scale_for
from model import indicators as reg
from presentation.text import header

FONT_PX = 14        # the grid's type size
PAD_PX = 18         # a cell's padding, both sides
HEADER_PAD_PX = 30  # a header's padding and its sort arrow
CHECKBOX_PX = 34    # the tick column of a selectable table
TEXT_FLOOR_PX = 110  # the narrowest a text column is made to fit the page
MAX_PX = 420        # a long text column never takes more


def text_px(text: str, size: float = FONT_PX) -> float:
    """About how wide `text` is drawn: a Chinese character as wide as the type is high,
    a digit or Latin letter about 0.6 of it (a little generous, never short)."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6
               for c in str(text))


def _shown_texts(series: pd.Series) -> list[str]:
    """The column's values as the table writes them (numbers with separators)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = pd.to_numeric(series, errors="coerce").dropna()
        decimals = next((d for d in (0, 1) if ((numbers * 10 ** d).round(6) % 1 == 0).all()),
                        2)
        return [f"{v:,.{decimals}f}" for v in numbers]
    return [str(v) for v in series.dropna()]


def natural_widths(shown: pd.DataFrame) -> dict[str, tuple[int, int, bool]]:
    """{column: (pixels, pixels of its values alone, whether it is a text column that may
    give up width)}: each column as wide as its longest text, header or value. The costly
    part of `widths` (every value written out), the same for every page width."""
    out = {}
    for col in shown.columns:
        series = shown[col]
        values = _shown_texts(series)
        content = max((text_px(v) for v in values), default=0) + PAD_PX
        header = text_px(col) + HEADER_PAD_PX
        numeric = pd.api.types.is_numeric_dtype(series)
        dates = values and all(len(v) == 10 and v[4] == "-" for v in values[:20])
        out[col] = (int(min(MAX_PX, max(content, header, 50)) + 0.5),
                    int(max(content, 50) + 0.5),
                    bool(not numeric and not dates and content > header))
    return out


def widths(shown: pd.DataFrame, available: int | None = None,
           selectable: bool = False) -> dict[str, int]:
    """{column: pixels}: each column as wide as its longest text; if they add up to more
    than `available`, the text columns are narrowed (the widest first, to TEXT_FLOOR_PX)."""
    return fit_widths(natural_widths(shown), available, selectable)


def fit_widths(natural: dict[str, tuple[int, int, bool]], available: int | None = None,
               selectable: bool = False) -> dict[str, int]:
    """`widths` from the columns' natural widths (`natural_widths`), fitted to `available`."""
    out = {col: px for col, (px, _, _) in natural.items()}
    contents = {col: content for col, (_, content, _) in natural.items()}
    text_cols = [col for col, (_, _, text) in natural.items() if text]
    if not available:
        return out
    # The grid's borders and rounding take a few pixels of the width it is given.
    over = sum(out.values()) + (CHECKBOX_PX if selectable else 0) + 12 - available
    least = sum(min(out[c], max(TEXT_FLOOR_PX, int(text_px(c) + HEADER_PAD_PX)))
                if c in text_cols else min(out[c], max(contents[c], 60)) for c in out)
    if over <= 0 or least + (CHECKBOX_PX if selectable else 0) + 12 > available:
        return out  # it fits as it is, or cannot fit at all: then it scrolls, headers whole
    # First the long texts give up width, to a floor (their rest shows on hover) …
    for col in sorted(text_cols, key=lambda c: -out[c]):
        if over <= 0:
            break
        floor = max(TEXT_FLOOR_PX, int(text_px(col) + HEADER_PAD_PX))
        give = min(over, max(0, out[col] - floor))
        out[col] -= give
        over -= give
    # … then the columns whose header is longer than their values, down to the values
    # (the header is cut, and read in full on hover): a value itself is never cut.
    for col in sorted(out, key=lambda c: contents[c] - out[c]):
        if over <= 0:
            break
        give = min(over, max(0, out[col] - max(contents[col], 60)))
        out[col] -= give
        over -= give
    return out


def display_frame(df: pd.DataFrame, columns: dict[str, str], lang: str) -> pd.DataFrame:
    """The columns to show, in order, with their headers, person fields masked, dates as
    2020-08-31 and empty text as "—" (numbers stay numbers)."""
    shown = mask_frame(df[list(columns)])
    shown.columns = [header(h, lang) for h in columns.values()]
    for col in shown.columns:
        if shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col]):
            shown[col] = shown[col].map(
                lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                else v.isoformat()[:10] if hasattr(v, "isoformat") else v)
            shown[col] = shown[col].where(shown[col].notna(), "—").astype(str)
    return shown


def number_formats(shown: pd.DataFrame) -> dict[str, str]:
    """{column: format}: numbers with thousands separators and as many decimals as they
    carry."""
    return {col: f"{{:,.{d}f}}" for col in shown.columns
            if (d := _decimals(shown[col])) is not None}


def grid_formats(shown: pd.DataFrame) -> dict[str, str]:
    """{column: format}: `number_formats` as the grid writes them (printf, "%,.1f"), for a
    table drawn from Arrow without a pandas Styler."""
    return {col: f"%,.{d}f" for col in shown.columns
            if (d := _decimals(shown[col])) is not None}


def to_arrow(shown: pd.DataFrame):
    """The shown frame as an Arrow table (no index), or None if Arrow cannot hold it."""
    try:
        return pa.Table.from_pandas(shown, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def styled(shown: pd.DataFrame, formats: dict[str, str] | None = None):
    """Numbers with thousands separators and as many decimals as they carry; a missing
    number reads "—" (Streamlit would write None). Sorting still uses the numbers.
    `formats`: the table's `number_formats`, when already known."""
    return shown.style.format(number_formats(shown) if formats is None else formats,
                              na_rep="—")


def _decimals(series: pd.Series) -> int | None:
    """How many decimals a numeric column is written with (None: not a number column)."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    numbers = pd.to_numeric(series, errors="coerce").dropna()
    return next((d for d in (0, 1) if ((numbers * 10 ** d).round(6) % 1 == 0).all()), 2)


def _is_date(series: pd.Series) -> bool:
    """A column of dates as the table writes them (2020-08-31; "—" where missing)."""
    values = [str(v) for v in series.dropna() if str(v) != "—"][:20]
    return bool(values) and all(len(v) == 10 and v[4] == "-" for v in values)


def print_html(shown: pd.DataFrame) -> str:
    """The table for paper: an HTML table of every row shown, numbers written as the grid
    writes them and right-aligned, long texts wrapping, so it takes the page's width
    (pages/style.css shows it in print in place of the grid, a canvas as wide as the
    screen that the page's edge cut)."""
    places = {col: _decimals(shown[col]) for col in shown.columns}
    dates = {col for col in shown.columns if places[col] is None and _is_date(shown[col])}

    def cell(col, value) -> str:
        d = places[col]
        if d is None:
            kind = ' class="date"' if col in dates else ""
            return f"<td{kind}>{html.escape(str(value))}</td>"
        text = "—" if pd.isna(value) else f"{value:,.{d}f}"
        return f'<td class="num">{text}</td>'

    head = "".join(f"<th>{html.escape(str(col))}</th>" for col in shown.columns)
    body = "".join("<tr>" + "".join(cell(col, v) for col, v in zip(shown.columns, row,
                                                                   strict=True)) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    return (f'<table class="heze-print-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def in_display_units(table: pd.DataFrame, keys, lang: str) -> tuple[pd.DataFrame, dict]:
    """A table of indicators (one column per key) with each figure in the unit it is shown
    in (万人, 亿元) and that unit in its header: (frame with the added "<key>__shown"
    columns, {column: header})."""
    shown, columns = table.copy(), {}
    for key in keys:
        ind = reg.get(key)
        scale = scale_for(ind.unit, lang)
        shown[f"{key}__shown"] = scale.apply(shown[key])
        columns[f"{key}__shown"] = scale.header(ind.name(lang), lang)
    return shown, columns


@dataclass(frozen=True, eq=False)
class TableView:
    """A table ready to draw: the shown frame (`display_frame`, at most `limit` rows), its
    number formats, its columns' natural widths, its printed form, and for a longer table
    the whole frame the downloads hold. Built once and shared by every session showing the
    same table (pages.serving.built): nothing here is changed once made."""

    shown: pd.DataFrame
    formats: dict[str, str]
    natural: dict[str, tuple[int, int, bool]]
    printed: str | None      # print_html of the shown rows, None when too many to print
    total: int               # rows of the whole table
    source: pd.DataFrame | None = None   # the whole table when only `limit` rows are shown
    columns: dict[str, str] = field(default_factory=dict)
    lang: str = "zh"
    ids: tuple = ()          # the rows' record ids, in order (a table to choose from)
    # The shown frame as Arrow, converted once, with its number formats for the grid
    # (pandas → Arrow and a Styler's display values cost 10-30 ms per draw): None if Arrow
    # cannot hold it, then the frame is drawn with a Styler.
    arrow: object = None
    grid_formats: dict[str, str] = field(default_factory=dict)

    @property
    def cut(self) -> bool:
        return self.source is not None

    def whole(self) -> pd.DataFrame:
        """The frame the downloads hold: every row, as shown."""
        return display_frame(self.source, self.columns, self.lang) if self.cut else self.shown


def table_view(df: pd.DataFrame, columns: dict[str, str], lang: str, *,
               limit: int | None = None, print_rows: int | None = None,
               id_col: str | None = None) -> TableView:
    """`df` as a table ready to draw: its first `limit` rows shown (all with None), printed
    when at most `print_rows` are shown; `id_col` names the rows' record ids."""
    cut = limit is not None and len(df) > limit
    shown = display_frame(df.head(limit) if cut else df, columns, lang)
    printable = print_rows is None or len(shown) <= print_rows
    return TableView(shown=shown, formats=number_formats(shown), natural=natural_widths(shown),
                     printed=print_html(shown) if printable else None, total=len(df),
                     source=df if cut else None, columns=dict(columns), lang=lang,
                     ids=tuple(df[id_col].tolist()) if id_col else (),
                     arrow=to_arrow(shown), grid_formats=grid_formats(shown))
