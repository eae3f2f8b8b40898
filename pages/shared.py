"""What every page shares: the analytics handle, the cache, the language, the filter,
and the few drawing helpers (cards, tables with downloads, the empty state).

No SQL and no arithmetic here either: numbers come from analytics, words from text.py.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import Analytics, Filter
from analytics import indicators as reg
from analytics.export import csv_bytes, xlsx_bytes
from analytics.formatting import format_change, format_date, format_value, unit_name
from analytics.masking import mask_frame
from analytics.text import UI, code_label
from data.snapshot import Served, SnapshotUnavailable, open_read_only
from data.snapshot import served as snapshot_served
from data.store import SnapshotStore

FILTER_KEY = "active_filter"
ICON = Path(__file__).resolve().parent.parent / "static" / "icon.png"


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
            return a
    good = _SERVING["good"]
    if good is None:
        raise SnapshotUnavailable("数据快照无法读取，请联系数据管理员。详细信息已记录在服务器日志中。",
                                  "The data snapshot cannot be read; please contact the data "
                                  "administrator. Details are in the server log.")
    return good


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


# -- language ------------------------------------------------------------------------------
def lang() -> str:
    return st.session_state.get("lang") or "zh"


def t(key: str) -> str:
    zh, en = UI[key]
    return zh if lang() == "zh" else en


def name_col() -> str:
    return "name_zh" if lang() == "zh" else "name_en"


def label(dim: str, code) -> str:
    return code_label(dim, code, lang())


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


def header(title_key: str) -> None:
    _run_through_entry_point()
    st.title(t(title_key))
    a = analytics()
    st.caption(f"{t('as_of')} {fmt_date(a.snapshot.as_of)} · "
               f"{t('filter_applied')}: {a.describe(current_filter(), lang())}")


def empty_state() -> None:
    st.info(t("empty"))


def indicator_card(key: str, value, spark: list | None = None, border: bool = True) -> None:
    """A headline card: value in Chinese units, change over a year, sparkline, definition."""
    ind = reg.get(key)
    shown = fmt(value.value, ind.unit, ind.decimals)
    delta = format_change(value.change, ind.unit, lang()) if value.change is not None else None
    help_lines = [f"**{t('definition')}**: {ind.definition(lang())}",
                  f"**{t('formula')}**: `{ind.formula()}`",
                  f"**{t('as_of')}**: {fmt_date(analytics().snapshot.as_of)}"]
    if ind.published is not None:
        pub = ind.published.text_zh if lang() == "zh" else ind.published.text_en
        ok = value.value is not None and ind.published.matches(value.value)
        help_lines.append(f"**{t('published')}**: {pub}（{fmt_date(ind.published.as_of)}）— "
                          + (t("matches") if ok else t("differs")))
    st.metric(ind.name(lang()), shown, delta=delta or None,
              delta_description=t("change_vs_last_year") if delta else None,
              help="\n\n".join(help_lines), chart_data=spark, chart_type="area",
              border=border)


def chart(fig, value_axis: str = "y", percent: bool = False) -> None:
    """Draw a plotly figure with the app's conventions: whole numbers with separators
    (no 70k / 1M suffixes), percentages as %, the local CJK font first."""
    axis = fig.update_yaxes if value_axis == "y" else fig.update_xaxes
    axis(tickformat=".0%" if percent else ",d")
    fig.update_layout(font_family='"Noto Sans CJK SC", "Noto Sans SC", sans-serif',
                      separators=".,")
    st.plotly_chart(fig, width="stretch")


def cards(keys, values, per_row: int = 4, sparks: dict | None = None) -> None:
    """Headline cards in rows, so long values like 541.58亿元 are never cut."""
    keys = list(keys)
    for start in range(0, len(keys), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, keys[start:start + per_row], strict=False):
            with col:
                indicator_card(key, values[key], (sparks or {}).get(key))


def table(df: pd.DataFrame, columns: dict[str, str], name: str, *, key: str,
          selectable: bool = False, height: int | None = None):
    """A table with Chinese/English headers and CSV/XLSX downloads; person fields masked.

    `columns` maps frame columns to UI string keys, in display order.
    """
    shown = mask_frame(df[list(columns)]).rename(columns={c: t(k) for c, k in columns.items()})
    for col in shown.columns:  # dates as 2020-08-31; an empty text cell reads "—", not "None"
        if shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat")
                                        else v)
            shown[col] = shown[col].where(shown[col].notna(), "—").astype(str)
    # Whole numbers with thousands separators, like the cards.
    config = {col: st.column_config.NumberColumn(format="localized")
              for col in shown.columns if pd.api.types.is_numeric_dtype(shown[col])
              and not pd.api.types.is_bool_dtype(shown[col])}
    kwargs = {"hide_index": True, "width": "stretch", "column_config": config}
    if height and len(shown) > height // 36:  # a short table keeps its own height
        kwargs["height"] = height
    event = None
    if selectable:
        event = st.dataframe(shown, key=key, on_select="rerun", selection_mode="single-row",
                             **kwargs)
    else:
        st.dataframe(shown, key=key, **kwargs)
    download_only(shown, name, key=key)
    return event


def download_only(shown: pd.DataFrame, name: str, *, key: str) -> None:
    """CSV (UTF-8 with BOM) and XLSX buttons; the files carry the filter and as-of date."""
    a = analytics()
    meta = {t("filter_applied"): a.describe(current_filter(), lang()),
            t("as_of"): a.snapshot.as_of.isoformat(),
            t("source"): t("synthetic") if a.snapshot.is_synthetic else t("imported"),
            t("snapshot"): a.snapshot.snapshot_id}
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("download_csv"), csv_bytes(shown, meta), file_name=f"{name}.csv",
                       mime="text/csv", key=f"{key}_csv")
    c2.download_button(t("download_xlsx"), xlsx_bytes(shown, meta), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx")


def selected_row(event) -> int | None:
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None


def station_card(station_id: int) -> None:
    """The station card, shared by the stations page and the map."""
    card = call("station_detail", int(station_id))
    if card is None:
        empty_state()
        return
    st.subheader(card["name_zh"])
    city = card["city_zh"] if lang() == "zh" else card["city_en"]
    sponsor = card.get("sponsor_zh") if lang() == "zh" else card.get("sponsor_en")
    facts = [(t("level"), label("level", card["level"])), (t("host_city"), city),
             (t("sponsor"), sponsor if isinstance(sponsor, str) else "—"),
             (t("opened_on"), fmt_date(card["opened_on"]))]
    st.markdown("　·　".join(f"**{k}**：{v}" for k, v in facts))
    c = st.columns(4)
    c[0].metric(t("members"), fmt(card["members"], "person"))
    c[1].metric(t("returnees_referred"), fmt(card["returnees_referred"], "person"))
    c[2].metric(t("projects_recommended"), fmt(card["projects_recommended"], "project"))
    c[3].metric(t("investment_recommended"), fmt(card["investment_recommended"], "wan_yuan"))
    c = st.columns(4)
    c[0].metric(t("people_registered"), fmt(card["people_registered"], "person"))
    c[1].metric(t("activities"), fmt(card["activities"], "event"))
    c[2].metric(t("attendees"), fmt(card["attendees"], "person"))
    c[3].metric(t("donations"), fmt(card["donations_yuan"], "yuan"))
    people = [f"{t('head')}: {card['head_name']}", f"{t('head_mobile')}: {card['head_mobile']}"]
    if isinstance(card.get("honorary_head"), str):
        people.append(f"{t('honorary_head')}: {card['honorary_head']}")
    programmes = [p for p in (card.get("brand_centre"), card.get("ecommerce_platform"))
                  if isinstance(p, str)]
    if card.get("talent_workstation"):
        programmes.append(t("talent_workstation"))
    if programmes:
        people.append(f"{t('programmes')}: " + "、".join(programmes))
    st.caption(" · ".join(people))
    acts = card["recent_activities"]
    if len(acts):
        st.markdown(f"**{t('recent_activities')}**")
        acts = acts.assign(kind=[label("kind", k) for k in acts["kind"]],
                           held_on=[fmt_date(d) for d in acts["held_on"]])
        st.dataframe(acts.rename(columns={"held_on": t("date"), "kind": t("activity_kind"),
                                          "title": t("title"), "attendees": t("attendees"),
                                          "amount_yuan": t("donations")}),
                     hide_index=True, width="stretch")


__all__ = ["analytics", "call", "current_filter", "lang", "t", "fmt", "mask_frame"]
