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
from presentation.tables import display_frame, print_html, styled, widths


def column_config(shown: pd.DataFrame, available: int | None = None,
                  selectable: bool = False) -> dict:
    """The grid's column settings: the widths, and each header in full on hover."""
    return {col: st.column_config.Column(width=px, help=str(col))
            for col, px in widths(shown, available, selectable).items()}


# A plain table shows at most this many rows (its frames come ranked): at scale 100 a park
# has 15,000 tenants and the big projects are 20,100, and drawing every row cost a rerun
# 0.3-0.7 s and the browser as much again. The downloads carry every row.
TABLE_ROWS = 500  # as many as the people list shows
# A table of at most this many rows is also drawn for paper (presentation.tables.print_html):
# printed, the grid is a canvas as wide as the screen, cut at the page's edge, and shows
# only the rows in its window. A longer table (a ranking of every project at scale 100)
# prints as the grid.
PRINT_ROWS = 500


def table(df: pd.DataFrame, columns: dict[str, str], name: str, *, key: str,
          selectable: bool = False, height: int | None = None, title: str | None = None,
          full: tuple[Callable[[], pd.DataFrame], int] | None = None):
    """A table with headers in the user's language and CSV/XLSX downloads; person fields
    masked. `columns` maps frame columns to UI string keys (or header text), in order.
    A selectable table (a ranking to choose from) shows every row; any other shows the
    first TABLE_ROWS and says so, and its downloads hold them all. `full` is (a function
    that fetches the rows the downloads hold, their count) when `df` holds only the rows
    to draw; the page then says how many the downloads hold."""
    cut = not selectable and full is None and len(df) > TABLE_ROWS
    shown = display_frame(df.head(TABLE_ROWS) if cut else df, columns, lang())
    # A missing number reads "—": the grid draws its own "None" over the styler's text.
    kwargs = {"hide_index": True, "width": "stretch", "placeholder": "—"}
    # Each column as wide as its text: no number cut.
    kwargs["column_config"] = column_config(shown, viewport.content_width(0) or None,
                                                   selectable)
    if height and len(shown) > height // 36:  # a short table keeps its own height
        kwargs["height"] = height
    event = None
    printable = len(shown) <= PRINT_ROWS
    with st.container(key=f"heze_print_{key}") if printable else contextlib.nullcontext():
        if selectable:
            event = st.dataframe(styled(shown), key=key, on_select="rerun",
                                 selection_mode="single-row", **kwargs)
        else:
            st.dataframe(styled(shown), key=key, **kwargs)
        if printable:
            st.html(print_html(shown))  # hidden on screen (style.css)
    if full is not None:
        fetch, rows = full
        download_only(lambda: display_frame(fetch(), columns, lang()), name, key=key, title=title,
                      rows=rows)
    elif cut:
        st.caption(t("table_first_rows").format(shown=f"{len(shown):,}", total=f"{len(df):,}"))
        download_only(lambda: display_frame(df, columns, lang()), name, key=key, title=title,
                      rows=len(df))
    else:
        download_only(shown, name, key=key, title=title)
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


def table_choice(df: pd.DataFrame, columns: dict[str, str], name: str, *, id_col: str,
                 label: str, format_func, file_name: str, height: int | None = None,
                 title: str | None = None):
    """A ranking table and a selectbox that choose the same record: ticking a row or
    picking a name both open its card, and each follows the other.

    The table's key follows its rows, so a tick never outlives the data it was made on
    (a new filter starts with no tick rather than one pointing at another record)."""
    ids = df[id_col].tolist()
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
        table(df, columns, file_name, key=table_key, selectable=True, height=height,
              title=title)
    return chosen
