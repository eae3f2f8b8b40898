"""What every page shares: the analytics handle, the cache, the language, the filter,
and the few drawing helpers (cards, tables with downloads, the empty state).

No SQL and no arithmetic here either: numbers come from analytics, words from text.py.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from access import downloads
from analytics import Analytics, Filter, compare, palette
from analytics.export import csv_bytes, xlsx_bytes
from analytics.links import LinkState
from analytics.masking import mask_frame
from analytics.text import UI, code_label
from core.formatting import (
    format_change,
    format_date,
    format_rate,
    format_value,
    is_partial,
    period_label,
    unit_name,
)
from core.settings import current as current_settings
from data.snapshot import Served, SnapshotUnavailable, open_read_only
from data.snapshot import served as snapshot_served
from data.store import SnapshotStore
from model import indicators as reg
from pages import login_request

FILTER_KEY = "active_filter"
# The unit of each station measure (for headers: 推荐返乡人数（人）).
UNIT_OF = {"members": "person", "people_registered": "person", "returnees_referred": "person",
           "projects_recommended": "project", "investment_recommended": "wan_yuan",
           "activities": "event", "attendees": "attendance", "donations": "yuan"}
ICON = Path(__file__).resolve().parent.parent / "static" / "icon.png"


# -- text from data ------------------------------------------------------------------------
# The ASCII punctuation that Markdown (and Streamlit's own :colour[…], :icon: and $…$
# syntax) gives a meaning inside a line: links and images, HTML, emphasis, code, tables,
# strikethrough, maths, entities and short codes. CommonMark lets any of them be escaped with
# a backslash. (# + - . = only mean something at the start of a line, and dates such as
# 2020-08-31 stay as they are in the Markdown source.)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|<>~$&:])")
# Streamlit turns bare web and mail addresses into links after the Markdown is parsed,
# escaped or not: an invisible word joiner after "http", "www" or "@" keeps them text.
_BARE_LINK = re.compile(r"(?i)(?:https?|ftp)(?=\\:)|www(?=\.)|@")
_JOINER = "\u2060"


def plain(text) -> str:
    """Text from the data (a name, a place, a file name, a link's value) made safe to put in
    anything Streamlit renders as Markdown (st.subheader, st.caption, st.markdown, a label,
    a warning): it reads as given, and ``![x](http://…)``, ``<img …>``, ``[a](javascript:…)``
    or a bare address stays text, so no viewer's browser fetches or follows it."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _BARE_LINK.sub(lambda m: m.group(0) + _JOINER, escaped)


def plain_html(text) -> str:
    """Text from the data made safe inside HTML we write ourselves (a map tooltip)."""
    return html.escape("" if text is None else str(text), quote=True)


# -- data access ---------------------------------------------------------------------------
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
        raise SnapshotUnavailable("数据快照无法读取，请联系数据管理员。详细信息已记录在服务器日志中。",
                                  "The data snapshot cannot be read; please contact the data "
                                  "administrator. Details are in the server log.")
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


# -- widgets that survive a language switch, new data and changes made elsewhere ------------
# A keyed widget stores its value as the *formatted* label, so after a language switch the
# stored label names no option. Each widget here keeps its value as codes under a key of its
# own ("v_<name>") and is drawn under a key that changes with the language. Every run the two
# are reconciled: a change made elsewhere (reset, a map click, a table row) is pushed into the
# widget; otherwise the widget's own value wins.
_MISSING = object()


def _token(value) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()[:10]


def remembered(name: str, default=None):
    return st.session_state.get(f"v_{name}", default)


def remember(name: str, value) -> None:
    st.session_state[f"v_{name}"] = value


def _bind(name: str, value, *extra) -> str:
    """The widget key for `name`, with `value` (already valid) pushed into it when the
    stored value changed since the widget last reported."""
    key = f"w_{name}_{lang()}" + (f"_{_token(extra)}" if extra else "")
    if key not in st.session_state or st.session_state.get(f"s_{name}", _MISSING) != value:
        st.session_state[key] = value
    return key


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
    picked = (where or st).toggle(label, key=_bind(name, value))
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


# -- language ------------------------------------------------------------------------------
def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in ("zh", "en") else "zh"


def t(key: str) -> str:
    zh, en = UI[key]
    return zh if lang() == "zh" else en


def name_col() -> str:
    return "name_zh" if lang() == "zh" else "name_en"


def names(dim: str) -> dict:
    """Code → name in the user's language, for counties or industries."""
    a = analytics()
    frame = a.counties() if dim == "county" else a.industries()
    return dict(zip(frame[f"{dim}_code"], frame[name_col()], strict=True))


def label(dim: str, code) -> str:
    return code_label(dim, code, lang())


def labels(dim: str, codes) -> list[str]:
    """label() of every code in a column, the language read once and each distinct code
    looked up once: a session-state read per row cost 0.3 s on 15,000 tenants."""
    language, found = lang(), {}
    out = []
    for code in codes:
        if code not in found:
            found[code] = code_label(dim, code, language)
        out.append(found[code])
    return out


def fmt(value, unit: str, decimals: int | None = None) -> str:
    return format_value(value, unit, lang(), decimals)


def unit(unit_key: str) -> str:
    return unit_name(unit_key, lang())


def fmt_date(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return format_date(pd.Timestamp(value).date(), lang())


# -- drawing -------------------------------------------------------------------------------
def _run_through_entry_point() -> None:
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
    _run_through_entry_point()
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
    _run_through_entry_point()
    st.markdown(f'<div class="heze-app-name">{t("app_title")}</div>', unsafe_allow_html=True)
    st.title(title)


def empty_state() -> None:
    st.info(t("empty"))


class PeriodAxis:
    """A series' periods as labels, the ones the data or the filter cut marked partial
    (2020年1–8月), so a partial year is never read as a full year's fall."""

    def __init__(self, frame: pd.DataFrame, grain: str):
        f = current_filter()
        end = analytics().period_end(f)
        self.frame = frame
        self.labels = [period_label(p, grain, lang(), f.start, end) for p in frame["period"]]
        self.partial = [is_partial(p, grain, f.start, end) for p in frame["period"]]
        # On a chart the part a partial period covers goes on a second line (narrow screens).
        self.chart_labels = [
            label.replace("年", "年<br>", 1) if part and grain == "year" and lang() == "zh"
            else label.replace(" (", "<br>(", 1) if part else label
            for label, part in zip(self.labels, self.partial, strict=True)]


def period_axis(frame: pd.DataFrame, grain: str) -> PeriodAxis:
    return PeriodAxis(frame, grain)


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


def change_text(comp) -> tuple[str | None, str]:
    """The card's delta: 同比 as a rate and the change itself (+40.1%（+7.9万人）); ratios
    change in percentage points. Returns (text, colour) — grey when nothing changed; a rise
    red and a fall green, the Chinese convention (as on the 大屏), not Streamlit's default."""
    ind = reg.get(comp.key)
    if comp.change is None:
        return None, "off"
    if comp.change == 0:
        return t("no_change"), "off"
    change = format_change(comp.change, ind.unit, lang()).replace("−", "-")
    text = change if comp.change_rate is None else (
        f"{format_rate(comp.change_rate, lang())}（{change}）" if lang() == "zh"
        else f"{format_rate(comp.change_rate, lang())} ({change})")
    return text, ("off" if comp.change == 0 else "inverse")


def indicator_card(key: str, comp, spark: list | None = None, border: bool = True) -> None:
    """A headline card: the value the Chinese way, 同比 against a named base, a sparkline,
    and on hover the definition in plain words and the published figure."""
    ind = reg.get(key)
    shown = fmt(comp.value, ind.unit, ind.decimals)
    delta, colour = change_text(comp)
    help_lines = [f"**{t('definition')}**：{ind.definition(lang())}",
                  f"**{t('as_of')}**：{fmt_date(analytics().snapshot.as_of)}"]
    if ind.published is not None:
        pub = ind.published.text_zh if lang() == "zh" else ind.published.text_en
        ok = comp.value is not None and ind.published.matches(comp.value)
        help_lines.append(f"**{t('published')}**：{pub}（{fmt_date(ind.published.as_of)}）— "
                          + (t("matches") if ok else t("differs")))
    st.metric(ind.name(lang()), shown, delta=delta, delta_color=colour,
              delta_arrow="off" if colour == "off" else "auto",
              help="\n\n".join(help_lines), chart_data=spark or None, chart_type="area",
              border=border)


def cards(keys, values, per_row: int = 4, sparks: dict | None = None) -> None:
    """Headline cards in rows, so long values like 541.58亿元 are never cut (two to a row
    on a phone: see style.css)."""
    keys = list(keys)
    # Fewer cards than a row holds share the whole row (two cards on 园区 took two thirds of
    # the width, on screen and on paper).
    per_row = max(1, min(per_row, len(keys)))
    bases = {values[k].base.label(lang()) for k in keys if values[k].change is not None}
    if bases:
        st.caption(f"{t('yoy')}：{'；'.join(sorted(bases))}" if lang() == "zh"
                   else f"{t('yoy')}: {'; '.join(sorted(bases))}")
    from pages import targets_ui

    done = targets_ui.card_completions(keys)  # 完成率 where a target applies, else None
    with st.container(key=f"cards_{_token(tuple(keys))}"):
        for start in range(0, len(keys), per_row):
            cols = st.columns(per_row)
            for col, key in zip(cols, keys[start:start + per_row], strict=False):
                with col:
                    comp = done.get(key)
                    if comp is None:
                        indicator_card(key, values[key], (sparks or {}).get(key))
                        continue
                    with st.container(border=True):  # the card and its 完成率 in one box
                        indicator_card(key, values[key], (sparks or {}).get(key), border=False)
                        targets_ui.draw_completion(comp)


def _header(name: str) -> str:
    """A UI string key's text, or the header itself when it is already text."""
    return t(name) if name in UI else name


def display_frame(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns to show, in order, with their headers, person fields masked, dates as
    2020-08-31 and empty text as "—" (numbers stay numbers)."""
    shown = mask_frame(df[list(columns)])
    shown.columns = [_header(h) for h in columns.values()]
    for col in shown.columns:
        if shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col]):
            shown[col] = shown[col].map(
                lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                else v.isoformat()[:10] if hasattr(v, "isoformat") else v)
            shown[col] = shown[col].where(shown[col].notna(), "—").astype(str)
    return shown


def _styled(shown: pd.DataFrame):
    """Numbers with thousands separators and as many decimals as they carry; a missing
    number reads "—" (Streamlit would write None). Sorting still uses the numbers."""
    formats = {}
    for col in shown.columns:
        series = shown[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        numbers = pd.to_numeric(series, errors="coerce").dropna()
        decimals = next((d for d in (0, 1) if ((numbers * 10 ** d).round(6) % 1 == 0).all()),
                        2)
        formats[col] = f"{{:,.{decimals}f}}"
    return shown.style.format(formats, na_rep="—")


# A plain table shows at most this many rows (its frames come ranked): at scale 100 a park
# has 15,000 tenants and the big projects are 20,100, and drawing every row cost a rerun
# 0.3-0.7 s and the browser as much again. The downloads carry every row.
TABLE_ROWS = 500  # as many as the people list shows


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
    shown = display_frame(df.head(TABLE_ROWS) if cut else df, columns)
    # A missing number reads "—": the grid draws its own "None" over the styler's text.
    kwargs = {"hide_index": True, "width": "stretch", "placeholder": "—"}
    from pages import tables, viewport  # each column as wide as its text: no number cut

    kwargs["column_config"] = tables.column_config(shown, viewport.content_width(0) or None,
                                                   selectable)
    if height and len(shown) > height // 36:  # a short table keeps its own height
        kwargs["height"] = height
    event = None
    if selectable:
        event = st.dataframe(_styled(shown), key=key, on_select="rerun",
                             selection_mode="single-row", **kwargs)
    else:
        st.dataframe(_styled(shown), key=key, **kwargs)
    if full is not None:
        fetch, rows = full
        download_only(lambda: display_frame(fetch(), columns), name, key=key, title=title,
                      rows=rows)
    elif cut:
        st.caption(t("table_first_rows").format(shown=f"{len(shown):,}", total=f"{len(df):,}"))
        download_only(lambda: display_frame(df, columns), name, key=key, title=title,
                      rows=len(df))
    else:
        download_only(shown, name, key=key, title=title)
    return event


def _logged_file(make, what: str, fmt: str, describe: str, rows: int):
    """The data of a download button: `make` runs when the button is clicked, on a server
    thread outside the script. Then, not when the button was drawn, the user is checked as
    they are now (a disabled, signed-out or demoted user gets no file, and the refusal is
    logged), the download is written to the audit log, and the file is bound to this
    session (access.downloads). The button is drawn with ``on_click="ignore"``: a click
    reruns nothing, so the page cannot redraw the button while its file is on the way."""
    service, client = login_request.service(), login_request.client()
    u = user()
    bound = downloads.binding(u) if u is not None else None

    def log_export(now):
        service.log_export(now, what=what, fmt=fmt, filter=describe, rows=rows, client=client)

    return downloads.logged_file(make, log_export, service, bound, client)


def own_file(data: bytes) -> bytes:
    """A file made while the page is drawn (an import's error report), for a plain
    download button: bound to this session (access.downloads) for as long as the session
    may stay idle, so no other client holding its URL gets it."""
    u = user()
    idle = int(login_request.service().settings["session.idle_minutes"]) * 60
    downloads.register(data, downloads.binding(u) if u is not None else None, ttl=idle)
    return data


def download_only(shown: pd.DataFrame | Callable[[], pd.DataFrame], name: str, *, key: str,
                  title: str | None = None, rows: int | None = None) -> None:
    """CSV (UTF-8 with BOM) and XLSX buttons for a role that may export; each download is
    written to the audit log. The files carry the filter and as-of date, and are made only
    when a button is clicked (not on every rerun). `shown` is the frame as displayed, or a
    function that makes it (then `rows` says how many it has)."""
    u = user()
    if u is None or not u.can("export"):
        return
    a = analytics()
    describe = a.describe(current_filter(), lang())
    meta = {t("filter_applied"): describe,
            t("as_of"): a.snapshot.as_of.isoformat(),
            t("source"): t("synthetic") if a.snapshot.is_synthetic else t("imported"),
            t("snapshot"): a.snapshot.snapshot_id}
    heading = f"{t('app_title')} · {title or name}"
    from briefing.content import export_stem  # 服务站排行_曹县_2020-08-31, like the briefing

    stem = export_stem(a, current_filter(), title or name, a.period_end(current_filter()),
                       lang())
    if callable(shown):
        frame = shown
    else:
        copied, rows = shown.copy(), len(shown)

        def frame() -> pd.DataFrame:
            return copied
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("download_csv"),
                       _logged_file(lambda: csv_bytes(frame(), meta), name, "csv", describe,
                                    rows),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv",
                       on_click="ignore")
    c2.download_button(t("download_xlsx"),
                       _logged_file(lambda: xlsx_bytes(frame(), meta, title=heading), name,
                                    "xlsx", describe, rows),
                       file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")


_BRIEFINGS: dict[tuple, object] = {}
_BRIEFINGS_LOCK = threading.Lock()


def _briefing(a: Analytics, flt: Filter, language: str):
    """The briefing of a filter, built once per snapshot version, filter and language
    (the Word and the PDF button share it); at most a few are kept."""
    from briefing import build
    from pages import targets_ui
    from targets import progress

    targets = progress.targets_for(a, reg.HEADLINE, flt, store=targets_ui.store())
    key = (a.version, flt, language, tuple(sorted(targets.items())))
    with _BRIEFINGS_LOCK:
        if key in _BRIEFINGS:
            return _BRIEFINGS[key]
    made = build(a, flt, language, targets=targets or None)
    with _BRIEFINGS_LOCK:
        _BRIEFINGS[key] = made
        while len(_BRIEFINGS) > 8:
            _BRIEFINGS.pop(next(iter(_BRIEFINGS)))
    return made


def briefing_buttons(where) -> None:
    """领导简报 of the current filter, as Word and PDF, made when a button is clicked."""
    u = user()
    if u is None or not u.can("export"):
        return
    from briefing.content import filename_stem

    a, flt, language = analytics(), current_filter(), lang()
    stem = filename_stem(a, flt, a.period_end(flt), language)
    describe = a.describe(flt, language)
    where.markdown(f"**{t('briefing')}**")
    c1, c2 = where.columns(2)
    c1.download_button(
        "Word", _logged_file(lambda: _briefing(a, flt, language).docx, "briefing", "docx",
                             describe, 0),
        file_name=f"{stem}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="briefing_docx", on_click="ignore", width="stretch")
    c2.download_button(
        "PDF", _logged_file(lambda: _briefing(a, flt, language).pdf, "briefing", "pdf",
                            describe, 0),
        file_name=f"{stem}.pdf", mime="application/pdf", key="briefing_pdf",
        on_click="ignore", width="stretch")
    where.caption(t("briefing_note"))


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
                 f"{_token((tuple(ids), st.session_state.get(f'tr_{name}', 0)))}")
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
                     f"{_token((tuple(ids), st.session_state[f'tr_{name}']))}")
    with table_box:
        table(df, columns, file_name, key=table_key, selectable=True, height=height,
              title=title)
    return chosen


def station_card(station_id: int) -> None:
    """The station card, shared by the stations page and the map."""
    card = call("station_detail", int(station_id))
    if card is None:
        empty_state()
        return
    # Names, places and programmes are imported text: shown as text, never as Markdown.
    st.subheader(plain(card["name_zh"]))
    city = card["city_zh"] if lang() == "zh" else card["city_en"]
    sponsor = card.get("sponsor_zh") if lang() == "zh" else card.get("sponsor_en")
    facts = [(t("level"), label("level", card["level"])), (t("host_city"), city),
             (t("sponsor"), sponsor if isinstance(sponsor, str) else "—"),
             (t("opened_on"), fmt_date(card["opened_on"]))]
    st.markdown("　·　".join(f"**{k}**：{plain(v)}" for k, v in facts))
    c = st.columns(4)
    c[0].metric(t("members"), fmt(card["members"], "person"))
    c[1].metric(t("returnees_referred"), fmt(card["returnees_referred"], "person"))
    c[2].metric(t("projects_recommended"), fmt(card["projects_recommended"], "project"))
    c[3].metric(t("investment_recommended"), fmt(card["investment_recommended"], "wan_yuan"))
    c = st.columns(4)
    c[0].metric(t("people_registered"), fmt(card["people_registered"], "person"))
    c[1].metric(t("activities"), fmt(card["activities"], "event"))
    c[2].metric(t("attendees"), fmt(card["attendees"], "attendance"))
    c[3].metric(t("donations"), fmt(card["donations_yuan"], "yuan"))
    colon = "：" if lang() == "zh" else ": "
    people = [f"{t('head')}{colon}{plain(card['head_name'])}",
              f"{t('head_mobile')}{colon}{plain(card['head_mobile'])}"]
    if isinstance(card.get("honorary_head"), str):
        people.append(f"{t('honorary_head')}{colon}{plain(card['honorary_head'])}")
    programmes = [plain(p) for p in (card.get("brand_centre"), card.get("ecommerce_platform"))
                  if isinstance(p, str)]
    if card.get("talent_workstation"):
        programmes.append(t("talent_workstation"))
    if programmes:
        people.append(f"{t('programmes')}{colon}" + "、".join(programmes))
    st.caption(" · ".join(people))
    acts = card["recent_activities"]
    if len(acts):
        st.markdown(f"**{t('recent_activities')}**")
        acts = acts.assign(kind=labels("kind", acts["kind"]),
                           held=[fmt_date(d) for d in acts["held_on"]],
                           people=[fmt(v, "attendance") if v else "—" for v in acts["attendees"]],
                           money=[fmt(v, "yuan") if v else "—" for v in acts["amount_yuan"]])
        table(acts, {"held": "date", "kind": "activity_kind", "title": "title",
                     "people": "attendees", "money": "donations"},
              f"station_{station_id}_events", key=f"station_events_{station_id}")
    station_home_counties(station_id)


def station_home_counties(station_id: int) -> None:
    """On the station card: the Heze counties its returnees and projects went to."""
    from pages import charts

    went = compute(compare.station_counties, int(station_id))
    went = went[(went["returnees"] > 0) | (went["projects"] > 0)]
    if went.empty:
        return
    went = went.assign(county=[names("county").get(c, c) for c in went["county_code"]])
    charts.draw(charts.bars(went["county"], went["returnees"], unit="person",
                            name=t("returnees_referred"), horizontal=True,
                            colours=palette.PRIMARY, title=t("station_home_counties"),
                            height=max(220, 30 * len(went) + 90)))


__all__ = ["analytics", "call", "current_filter", "lang", "t", "fmt", "mask_frame"]
