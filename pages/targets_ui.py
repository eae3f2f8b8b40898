"""完成率 on screen: the bar and line under a headline card, and what the targets page and the
大屏 share (the store, the acting user, the completions of the current filter).

Under a card (pages/cards.py's cards, say)::

    from pages import targets_ui
    done = targets_ui.card_completions(keys)        # {key: Completion or None}
    ...
    targets_ui.draw_completion(done[key])           # nothing at all when None

A key with no target that applies to the filter draws nothing: no empty bar, no 0%.
"""

from __future__ import annotations

import threading

import streamlit as st

from analytics import Filter
from core.formatting import format_value
from core.settings import current as current_settings
from model import indicators as reg
from pages import serving
from pages.labels import lang as current_lang
from pages.labels import plain
from targets import progress
from targets.model import Completion
from targets.store import TargetStore
from targets.text import (
    STATUS_COLOUR,
    card_text,
    percent,
    status_hex,
    status_label,
    status_text,
)
from targets.text import t as tt

_STORES: dict[str, TargetStore] = {}
_LOCK = threading.Lock()
FALLBACK_USER = "admin"  # who acts when the app runs without sign-in (tests, development)


def store() -> TargetStore:
    """One TargetStore per application database, shared by the sessions of this process."""
    path = str(current_settings().app_db)
    with _LOCK:
        found = _STORES.get(path)
        if found is None:
            _STORES.clear()
            found = _STORES[path] = TargetStore(path)
        return found


def actor():
    """The signed-in access User (app.py keeps it in st.session_state["user"]), or the
    fallback name when the app runs without sign-in."""
    return st.session_state.get("user") or FALLBACK_USER


def client() -> str | None:
    try:
        from pages import login_request

        return login_request.client()
    except Exception:  # noqa: BLE001 - no browser context (bare runs)
        return None


def lookup(year: int) -> dict:
    """The targets in force for `year` (read on every run: a change shows at once)."""
    return store().lookup(year)


def card_completions(keys, flt: Filter | None = None,
                     year: int | None = None) -> dict[str, Completion | None]:
    """The Completion of each key under the current filter (or `flt`) for `year` (default:
    the data's as-of year), or None where no target applies. Cached per snapshot, filter
    and the targets in force."""
    a = serving.analytics()
    year = a.snapshot.as_of.year if year is None else int(year)
    targets = lookup(year)
    if not targets:
        return dict.fromkeys(keys)
    return serving.compute(progress.completions, tuple(keys), flt=flt, year=year,
                          lookup=targets)


def draw_completion(comp: Completion | None, where=None, lang: str | None = None) -> None:
    """A progress bar (filled by 完成率, full at 100%) with the target, the rate, the time
    elapsed and the pace in words; nothing when there is no target."""
    if comp is None:
        return
    box = where if where is not None else st
    lang = lang or current_lang()
    box.progress(comp.bar, text=tt("card_short", lang, rate=percent(comp.rate, lang)))
    colour = STATUS_COLOUR.get(comp.status, "gray")
    line = card_text(comp, lang)
    label = status_label(comp, lang)
    # The pace in colour; the rest plain. Every part is our own text, never user input.
    box.caption(line.replace(label, f":{colour}[{label}]"))


def shown_value(key: str, value, lang: str | None = None) -> str:
    """A target or the year so far in the indicator's own unit; — when missing."""
    if value is None or value != value:
        return "—"
    ind = reg.get(key)
    return format_value(value, ind.unit, lang or current_lang(), ind.decimals)


def styled_rates(table, rate_col: str, status_col: str, statuses, lang: str):
    """A table's 完成率 with one decimal (66.7%, the cards' and the wall's rule) and its
    pace in the pace's colour; the rates stay numbers for sorting."""
    colours = [status_hex(s) for s in statuses]
    return (table.style.format({rate_col: lambda v: percent(v, lang)}, na_rep="—")
            .apply(lambda _: [f"color: {c}; font-weight: 600" for c in colours],
                   subset=[status_col]))


def draw_county_ranking(df, key: str, lang: str | None = None) -> None:
    """Counties ranked by 完成率 of one indicator (progress.rank_counties): a bar per county
    on a 0–100% axis in the colour of its pace, with the time elapsed marked; then rank,
    county, target, the year so far, 完成率 and the pace in words. Chosen counties are
    marked ▶; counties without a target are not ranked but named under the table."""
    import pandas as pd

    from pages import charts

    lang = lang or current_lang()
    names = df["name_zh"] if lang == "zh" else df["name_en"]
    marked = pd.Series([f"▶ {n}" if chosen else n
                        for n, chosen in zip(names, df["chosen"], strict=True)], index=df.index)
    has = df["rank"].notna()
    if has.any():
        ranked = df[has]
        elapsed = float(ranked["elapsed"].iloc[0]) if "elapsed" in ranked else None
        fig = charts.completion_bars(
            marked[has].tolist(), ranked["rate"].tolist(),
            [status_hex(s) for s in ranked["status"]], name=tt("rate", lang),
            title=f"{reg.get(key).name(lang)} · {tt('rate', lang)}",
            marks=[(elapsed, tt("elapsed_mark", lang))] if elapsed is not None else (),
            height=max(260, 30 * len(ranked) + 110))
        charts.draw(fig)
        shown = pd.DataFrame({
            tt("rank", lang): ranked["rank"].astype(int).to_numpy(),
            tt("county", lang): marked[has].to_numpy(),
            tt("target", lang): [shown_value(key, v, lang) for v in ranked["target"]],
            tt("done", lang): [shown_value(key, v, lang) for v in ranked["value"]],
            tt("rate", lang): ranked["rate"].to_numpy(),
            tt("status", lang): [status_text(key, s, lang) for s in ranked["status"]]})
        st.dataframe(styled_rates(shown, tt("rate", lang), tt("status", lang),
                                  ranked["status"].tolist(), lang),
                     hide_index=True, width="stretch")
    if not has.all():
        sep = "、" if lang == "zh" else ", "
        st.caption(tt("without_target", lang,
                       names=sep.join(plain(n) for n in marked[~has])))
