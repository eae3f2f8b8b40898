"""Widgets that survive a language switch, new data and changes made elsewhere, and the
shared filter's state as codes (what the URL is written from).

A keyed widget stores its value as the *formatted* label, so after a language switch the
stored label names no option. Each widget here keeps its value as codes under a key of its
own ("v_<name>") and is drawn under a key that changes with the language. Every run the two
are reconciled: a change made elsewhere (reset, a map click, a table row) is pushed into the
widget; otherwise the widget's own value wins.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from analytics.links import LinkState
from pages.labels import lang

# A keyed widget stores its value as the *formatted* label, so after a language switch the
# stored label names no option. Each widget here keeps its value as codes under a key of its
# own ("v_<name>") and is drawn under a key that changes with the language. Every run the two
# are reconciled: a change made elsewhere (reset, a map click, a table row) is pushed into the
# widget; otherwise the widget's own value wins.
_MISSING = object()


def token(value) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()[:10]


def remembered(name: str, default=None):
    return st.session_state.get(f"v_{name}", default)


def remember(name: str, value) -> None:
    st.session_state[f"v_{name}"] = value


def _bind(name: str, value, *extra) -> str:
    """The widget key for `name`, with `value` (already valid) pushed into it when the
    stored value changed since the widget last reported."""
    key = f"w_{name}_{lang()}" + (f"_{token(extra)}" if extra else "")
    if key not in st.session_state or st.session_state.get(f"s_{name}", _MISSING) != value:
        st.session_state[key] = value
        st.session_state.setdefault(_PUSHED, set()).add(key)
    return key


_PUSHED = "state_pushed_key"


def _shown(key: str) -> dict:
    """The widget's current value as its default, on a run that did not push a value into
    it. Streamlit sends a pushed value with the widget, but otherwise only the widget's
    default: a browser that meets the widget for the first time — the run that first drew
    it was cut short by the next, say the width report — showed Streamlit's default (a
    layer's toggle off) while the page drew what the server holds (the layer on)."""
    pushed = st.session_state.get(_PUSHED, set())
    if key in pushed:
        pushed.discard(key)
        return {}  # pushed this run: Streamlit sends it, and warns about a default beside it
    return {"current": st.session_state.get(key)}


def _labels(options, format_func):
    """format_func evaluated now, in this run's language (not later, when the widget is
    read back)."""
    labels = {option: str(format_func(option)) for option in options}
    return lambda option: labels.get(option, str(option))


def _store(name: str, value) -> None:
    remember(name, value)
    st.session_state[f"s_{name}"] = value


def choose(widget, label: str, options, name: str, *, default=None, format_func=str,
           **kwargs):
    """A single choice (st.selectbox, st.radio, or their sidebar/column versions)
    remembered as `name`; a remembered value that is no longer an option falls back to
    `default` (or the first option)."""
    options = list(options)
    if not options:
        return None
    value = remembered(name, default)
    if value not in options:
        value = default if default in options else options[0]
    key = _bind(name, value, tuple(options))
    current = _shown(key).get("current", _MISSING)
    if current in options and "index" not in kwargs:
        kwargs["index"] = options.index(current)
    picked = widget(label, options, format_func=_labels(options, format_func), key=key,
                    **kwargs)
    _store(name, picked)
    return picked


def choose_many(widget, label: str, options, name: str, *, format_func=str, **kwargs) -> list:
    options = list(options)
    allowed = set(options)
    value = [v for v in remembered(name, []) if v in allowed]
    key = _bind(name, value)
    picked = list(widget(label, options, format_func=_labels(options, format_func), key=key,
                         **kwargs))
    _store(name, picked)
    return picked


def segmented(label: str, options, name: str, *, default, format_func=str, where=None,
              **kwargs):
    options = list(options)
    value = remembered(name, default)
    if value not in options:
        value = default
    key = _bind(name, value, tuple(options))
    picked = (where or st).segmented_control(label, options,
                                             format_func=_labels(options, format_func),
                                             key=key, **kwargs)
    if picked is None:  # clicking the chosen segment again unselects it: keep the choice
        picked = value
    _store(name, picked)
    return picked


def toggle(label: str, name: str, default: bool = True, where=None) -> bool:
    value = bool(remembered(name, default))
    key = _bind(name, value)
    current = _shown(key).get("current")
    picked = (where or st).toggle(label, key=key,
                                  **({} if current is None else {"value": bool(current)}))
    _store(name, picked)
    return picked


def date_field(where, label: str, name: str, **kwargs):
    value = remembered(name)
    picked = where.date_input(label, key=_bind(name, value), **kwargs)
    _store(name, picked)
    return picked


def set_filter(**codes) -> None:
    """Change the shared filter from a page or a callback (county=[371721])."""
    for name, value in codes.items():
        remember(name, value)


def link_state() -> LinkState:
    return LinkState(county=list(remembered("county", [])),
                     industry=list(remembered("industry", [])),
                     level=list(remembered("level", [])),
                     province=list(remembered("province", [])),
                     period=remembered("period", "all"),
                     start=remembered("from"), end=remembered("to"))
