"""Tables on a page: headers in the user's language and CSV/XLSX downloads, person fields
masked (the shown frame, its number formats and column widths come from
presentation.tables), and a ranking table that chooses a record with a selectbox."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from pages import viewport
from pages.downloads import download_only
from pages.labels import lang, t
from pages.state import choose, remember, token
from presentation.tables import (
    TableView,
    display_frame,
    fit_widths,
    natural_widths,
    styled,
)
from presentation.tables import (
    table_view as make_view,
)


def column_config(shown: pd.DataFrame, available: int | None = None,
                  selectable: bool = False) -> dict:
    """The grid's column settings: the widths, and each header in full on hover."""
    return _config(fit_widths(natural_widths(shown), available, selectable))


def _config(px_of: dict[str, int], formats: dict[str, str] | None = None) -> dict:
    formats = formats or {}
    return {col: (st.column_config.NumberColumn(width=px, help=str(col), format=formats[col])
                  if col in formats else st.column_config.Column(width=px, help=str(col)))
            for col, px in px_of.items()}


# A plain table shows at most this many rows (its frames come ranked): at scale 100 a park
# has 15,000 tenants and the big projects are 20,100, and drawing every row cost a rerun
# 0.3-0.7 s and the browser as much again. The downloads carry every row.
TABLE_ROWS = 500  # as many as the people list shows
# A table of at most this many rows is also drawn for paper (presentation.tables.print_html):
# printed, the grid is a canvas as wide as the screen, cut at the page's edge, and shows
# only the rows in its window. A longer table (a ranking of every project at scale 100)
# prints as the grid.
PRINT_ROWS = 500


def table_view(df: pd.DataFrame, columns: dict[str, str], *, selectable: bool = False,
               id_col: str | None = None, whole: bool = False) -> TableView:
    """`df` as a table ready to draw (presentation.tables.table_view) in the user's
    language: a selectable table (a ranking to choose from) shows every row, and so does a
    `whole` one (its frame holds only the rows to draw); any other the first TABLE_ROWS.
    Made inside a builder of pages.serving.built, it is shared by every session."""
    return make_view(df, columns, lang(), limit=None if selectable or whole else TABLE_ROWS,
                     print_rows=PRINT_ROWS, id_col=id_col)


def table(df: pd.DataFrame | TableView, columns: dict[str, str] | None, name: str, *,
          key: str, selectable: bool = False, height: int | None = None,
          title: str | None = None, full: tuple[Callable[[], pd.DataFrame], int] | None = None):
    """A table with headers in the user's language and CSV/XLSX downloads; person fields
    masked. `columns` maps frame columns to UI string keys (or header text), in order.
    A selectable table (a ranking to choose from) shows every row; any other shows the
    first TABLE_ROWS and says so, and its downloads hold them all. `full` is (a function
    that fetches the rows the downloads hold, their count) when `df` holds only the rows
    to draw; the page then says how many the downloads hold.

    `df` may instead be a TableView made by `table_view` (then `columns` is not needed): a view
    shared between sessions is drawn as it is, never changed."""
    shown_view = df if isinstance(df, TableView) else table_view(
        df, columns, selectable=selectable, whole=full is not None)
    shown = shown_view.shown
    # A missing number reads "—": the grid draws its own "None" over the styler's text.
    kwargs = {"hide_index": True, "width": "stretch", "placeholder": "—"}
    # Each column as wide as its text: no number cut.
    px_of = fit_widths(shown_view.natural, viewport.content_width(0) or None, selectable)
    if height and len(shown) > height // 36:  # a short table keeps its own height
        kwargs["height"] = height
    event = None
    printable = shown_view.printed is not None
    if shown_view.arrow is not None:
        # The view's Arrow table, converted once and shared, drawn as it is; the grid writes
        # the numbers (thousands separators, their decimals; "—" for a missing one).
        data = shown_view.arrow
        kwargs["column_config"] = _config(px_of, shown_view.grid_formats)
    else:  # a Styler made for this draw (Streamlit sets its id) of the view's frame
        data = styled(shown, shown_view.formats)
        kwargs["column_config"] = _config(px_of)
    with st.container(key=f"heze_print_{key}") if printable else contextlib.nullcontext():
        if selectable:
            event = st.dataframe(data, key=key, on_select="rerun",
                                 selection_mode="single-row", **kwargs)
        else:
            st.dataframe(data, key=key, **kwargs)
        if printable:
            st.html(shown_view.printed)  # hidden on screen (style.css)
    if full is not None:
        fetch, rows = full
        download_only(lambda: display_frame(fetch(), shown_view.columns, lang()), name,
                      key=key, title=title, rows=rows)
    elif shown_view.cut:
        st.caption(t("table_first_rows").format(shown=f"{len(shown):,}",
                                                total=f"{shown_view.total:,}"))
        download_only(shown_view.whole, name, key=key, title=title, rows=shown_view.total)
    else:
        download_only(lambda: shown, name, key=key, title=title, rows=len(shown))
    return event


def selected_row(event) -> int | None:
    try:
        rows = event.selection.rows
    except (AttributeError, KeyError, TypeError):
        try:
            rows = event["selection"]["rows"]
        except (KeyError, TypeError):
            return None
    return rows[0] if rows else None


def table_choice(df: pd.DataFrame | TableView, columns: dict[str, str] | None, name: str, *,
                 id_col: str | None, label: str, format_func, file_name: str,
                 height: int | None = None, title: str | None = None):
    """A ranking table and a selectbox that choose the same record: ticking a row or
    picking a name both open its card, and each follows the other. `df` may be a
    TableView made by
    `table_view(..., selectable=True, id_col=...)` (then `columns` and
    `id_col` are not needed).

    The table's key follows its rows, so a tick never outlives the data it was made on
    (a new filter starts with no tick rather than one pointing at another record)."""
    if not isinstance(df, TableView):
        df = table_view(df, columns, selectable=True, id_col=id_col)
    ids = list(df.ids)
    table_key = (f"tbl_{name}_{lang()}_"
                 f"{token((tuple(ids), st.session_state.get(f'tr_{name}', 0)))}")
    row = selected_row(st.session_state.get(table_key))
    ticked = ids[row] if row is not None and 0 <= row < len(ids) else None
    if ticked is not None and ticked != st.session_state.get(f"ts_{name}"):
        remember(name, ticked)  # a new tick chooses its record
    st.session_state[f"ts_{name}"] = ticked
    table_box = st.container()
    chosen = choose(st.selectbox, label, ids, name, format_func=format_func)
    if ticked is not None and chosen != ticked:
        # The name was picked in the selectbox: clear the stale tick with a fresh table.
        st.session_state[f"tr_{name}"] = st.session_state.get(f"tr_{name}", 0) + 1
        st.session_state[f"ts_{name}"] = None
        table_key = (f"tbl_{name}_{lang()}_"
                     f"{token((tuple(ids), st.session_state[f'tr_{name}']))}")
    with table_box:
        table(df, None, file_name, key=table_key, selectable=True, height=height,
              title=title)
    return chosen
