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
from core.settings import current as current_settings
from pages import charts, login_request, serving
from pages.labels import lang as current_lang
from pages.labels import plain
from presentation import targets as view
from targets import progress
from targets.model import Completion
from targets.store import TargetStore
from targets.text import (
    STATUS_COLOUR,
    card_text,
    percent,
    status_label,
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
    return view.shown_value(key, value, lang or current_lang())


def draw_county_ranking(df, key: str, lang: str | None = None) -> None:
    """Counties ranked by 完成率 of one indicator (presentation.targets.county_ranking):
    the bars, the table, and the counties without a target named under it."""
    lang = lang or current_lang()
    ranking = view.county_ranking(df, key, lang)
    if ranking.figure is not None:
        charts.draw(ranking.figure)
        st.dataframe(ranking.table, hide_index=True, width="stretch")
    if ranking.without:
        sep = "、" if lang == "zh" else ", "
        st.caption(tt("without_target", lang,
                       names=sep.join(plain(n) for n in ranking.without)))
