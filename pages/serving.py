"""The served snapshot and the caches every page reads through: one read-only connection per
snapshot version shared by all sessions, a county user's scoped view of it, the last good
snapshot kept serving when a new one cannot be read, and results cached per snapshot
version, call and filter (a result of one snapshot is never shown for another).

No SQL and no arithmetic here: numbers come from analytics.
"""

from __future__ import annotations

import collections
import logging
import threading

import pandas as pd
import streamlit as st

from analytics import Analytics, Filter, compare
from core.settings import current as current_settings
from data.snapshot import Served, SnapshotUnavailable, open_read_only
from data.snapshot import served as snapshot_served
from data.store import SnapshotStore

FILTER_KEY = "active_filter"
log = logging.getLogger("heze.app")
_SERVING = {"good": None, "failed": set(), "open_ids": []}  # per server process
_SERVING_LOCK = threading.Lock()
MAX_OPEN = 4


@st.cache_resource(show_spinner=False, max_entries=MAX_OPEN)
def _open(open_path: str) -> Analytics:
    # One read-only connection per snapshot version, shared by every session. Each version
    # has a path of its own (data.snapshot.served), so DuckDB never hands back an old file.
    return Analytics(open_read_only(open_path))


@st.cache_resource(show_spinner=False, max_entries=64)
def _scoped(version: str, scope: tuple[int, ...], _base: Analytics) -> Analytics:
    # A county user's view of the same connection: the scope is enforced in the one WHERE
    # builder, and the scoped instance has a version of its own, so no cached result of
    # another scope is ever handed to it.
    return _base.with_scope(scope)


def user():
    """The signed-in user of this session (set by app.py before any page runs)."""
    return st.session_state.get("user")


def _for_user(a: Analytics) -> Analytics:
    u = user()
    scope = u.county_scope if u is not None else None
    return _scoped(a.version, tuple(scope), a) if scope else a


def _note_serving(served: Served) -> None:
    if not served.token.startswith("store:"):
        return
    snap_id = served.token.removeprefix("store:")
    with _SERVING_LOCK:
        ids = _SERVING["open_ids"]
        if snap_id in ids:
            return
        ids.append(snap_id)
        del ids[:-MAX_OPEN]
        kept = list(ids)
    try:
        SnapshotStore(served.origin.parent).mark_serving(kept)
    except OSError:
        log.warning("could not record the snapshots this process serves", exc_info=True)


def analytics() -> Analytics:
    """The served snapshot, picked up afresh on every rerun.

    A newly promoted or rebuilt snapshot is served from the next rerun; if it cannot be
    read, the last good one keeps serving (`snapshot_problem` says so) and the details go
    to the server log. Raises SnapshotUnavailable when there is nothing good to serve.
    """
    served = snapshot_served()
    if served.token not in _SERVING["failed"]:
        try:
            a = _open(str(served.open_path))
        except Exception:  # noqa: BLE001 - any unreadable file: keep serving the last good
            with _SERVING_LOCK:
                first = served.token not in _SERVING["failed"]
                _SERVING["failed"].add(served.token)
            if first:
                log.exception("snapshot %s cannot be read; serving the last good one",
                              served.origin)
        else:
            _SERVING["good"] = a
            _note_serving(served)
            return _for_user(a)
    good = _SERVING["good"]
    if good is None:
        raise SnapshotUnavailable("error.snapshot.unreadable")
    return _for_user(good)


def own_county() -> int | None:
    """The one county of a user whose scope is a single county (county staff), else None:
    such a user's pages show their county itself instead of a comparison of one."""
    scope = analytics().scope
    return scope[0] if scope and len(scope) == 1 else None


@st.cache_resource(show_spinner=False, max_entries=16)
def _city_view(version: str, _view: Analytics) -> Analytics:
    return _view.with_scope(None)


def own_county_ranks(keys) -> pd.DataFrame | None:
    """The user's county's rank among all counties on each of `keys`
    (compare.county_standing: ranks only, no other county's figure), when the city allows
    it (setting access.county_rank); None otherwise or for a user without one county."""
    county = own_county()
    if county is None or not current_settings()["access.county_rank"]:
        return None
    a = analytics()
    city = _city_view(a.version, a)
    return _computed(city, city.version, "analytics.compare.county_standing",
                     compare.county_standing, (tuple(keys), county), (), current_filter())


def snapshot_problem() -> bool:
    """True when the newest snapshot could not be read and an older one is shown."""
    try:
        return snapshot_served().token in _SERVING["failed"]
    except SnapshotUnavailable:
        return _SERVING["good"] is not None


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(_a: Analytics, snapshot_id: str, method: str, args: tuple, kwargs: tuple,
            flt: Filter):
    return getattr(_a, method)(*args, f=flt, **dict(kwargs))


def call(method: str, *args, flt: Filter | None = None, **kwargs):
    """analytics().method(*args, f=filter, **kwargs), cached per snapshot version, call and
    filter: a result computed for one snapshot is never shown for another."""
    a = analytics()
    return _cached(a, a.version, method, args, tuple(sorted(kwargs.items())),
                   flt or current_filter())


def current_filter() -> Filter:
    return st.session_state.get(FILTER_KEY, Filter())


def compute(fn, *args, flt: Filter | None = None, **kwargs):
    """fn(analytics(), *args, f=filter, **kwargs) for a function of the analytics package
    (analytics.compare …), cached like `call`."""
    a = analytics()
    return _computed(a, a.version, f"{fn.__module__}.{fn.__qualname__}", fn, args,
                     tuple(sorted(kwargs.items())), flt or current_filter())


@st.cache_data(show_spinner=False, max_entries=1024)
def _computed(_a: Analytics, version: str, name: str, _fn, args: tuple, kwargs: tuple,
              flt: Filter):
    return _fn(_a, *args, f=flt, **dict(kwargs))


# -- built view models ----------------------------------------------------------------------
BUILDS: collections.Counter = collections.Counter()  # builds per name (the tests count them)
# A table's view holds its frame, an Arrow copy and its printed HTML: up to about 0.4 MB
# (the stations ranking, the 500-row people list). 256 views keep a process under ~100 MB
# for them whatever filters its users try; a view pushed out is built again in 10-50 ms.
MAX_BUILT = 256


@st.cache_resource(show_spinner=False, max_entries=MAX_BUILT)
def _built(version: str, flt: Filter, lang: str, name: str, args: tuple, _build):
    BUILDS[name] += 1
    return _build(*args)


def built(name: str, build, *args, lang: str):
    """build(*args): a view model (a figure, map layers, a caption) that depends only on the
    served snapshot, the user's scope, the filter, the language and `args` — built once
    per those and shared by every session that asks for the same, so a warm rerun or a
    second user with the same filter builds nothing.

    Keyed like the results (`call`): by the version of the user's view of the snapshot,
    which differs per county scope, so a view built for one scope is never handed to
    another. `build` reads its data through `call`/`compute` and must not read anything
    of the session but the filter and the language. The value is shared, not copied:
    callers must not change it.
    """
    a = analytics()
    return _built(a.version, current_filter(), lang, name, args, build)


def checked_figure(fig: dict):
    """A figure dictionary as a plotly Figure, checked once here: st.plotly_chart checks a
    dictionary on every draw (by building this same Figure from it), and draws a Figure
    without checking it again. Meant for figures kept by `built`."""
    import plotly.graph_objects as go

    return go.Figure(fig)
