"""A page's frame: the app's name, the title, the data's date and the filter on every page
(a screenshot or a printout says what it shows), the empty state, a series' period axis,
and the notes under a county comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import palette
from core.formatting import format_rate
from model import indicators as reg
from pages.labels import fmt_date, lang, name_col, plain, t
from pages.serving import analytics, current_filter
from presentation.charts import PeriodAxis

ICON = Path(__file__).resolve().parent.parent / "static" / "icon.png"


def run_through_entry_point() -> None:
    """Make sure the page runs inside app.py, with its sidebar and navigation.

    A fresh server that sees a `pages/` folder starts in the old multipage mode, and a deep
    link (/overview) then runs the page file alone. st.navigation in app.py turns that mode
    off, but app.py has not run yet: turn it off here and run again through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title_key: str, note_key: str | None = None) -> None:
    """The app's name, the page's title, the data's date and the filter: a screenshot or a
    printout of any page says what it shows. `note_key` says which views on the page
    compare all counties and which narrow to the filter."""
    run_through_entry_point()
    st.markdown(f'<div class="heze-app-name">{t("app_title")}</div>', unsafe_allow_html=True)
    st.title(t(title_key))
    a = analytics()
    caption = (f"{t('as_of')} {fmt_date(a.snapshot.as_of)} · "
               f"{t('filter_applied')}: {plain(a.describe(current_filter(), lang()))}")
    if note_key and current_filter().counties:
        caption += f" · {t(note_key)}"
    st.caption(caption)


def header_title(title: str) -> None:
    """The app's name and a page title given as text (pages with strings of their own)."""
    run_through_entry_point()
    st.markdown(f'<div class="heze-app-name">{t("app_title")}</div>', unsafe_allow_html=True)
    st.title(title)


def empty_state() -> None:
    st.info(t("empty"))



def period_axis(frame: pd.DataFrame, grain: str) -> PeriodAxis:
    """A series' periods as labels, the ones the data or the filter cut marked partial."""
    f = current_filter()
    return PeriodAxis(frame, grain, lang(), f.start, analytics().period_end(f))


def highlight(chosen) -> list[str] | str:
    """Bar colours of a county comparison: the chosen counties stand out; with none
    chosen, every bar has the app's colour."""
    chosen = list(chosen)
    if not any(chosen):
        return palette.PRIMARY
    return [palette.HIGHLIGHT if c else palette.MUTED for c in chosen]


def rank_note(df: pd.DataFrame, key: str) -> None:
    """Under a county comparison: each chosen county's rank and share of the city."""
    rows = df[df["chosen"]]
    if rows.empty:
        return
    n = len(df)
    parts = []
    for _, row in rows.iterrows():
        share = row.get(f"{key}__share")
        text = t("rank_of").format(county=plain(row[name_col()]), rank=int(row[f"{key}__rank"]),
                                   n=n)
        if share is not None and share == share:
            text += t("share_of_city").format(share=format_rate(share, lang()).lstrip("+"))
        parts.append(text)
    st.caption(f"{reg.get(key).name(lang())}：" + "；".join(parts) if lang() == "zh"
               else f"{reg.get(key).name(lang())}: " + "; ".join(parts))
