"""年度目标 — the administrator's page for annual targets: how far each target is done (the
city's and every county's, counties ranked by 完成率), setting or withdrawing one target,
importing many from Excel (checked first, every bad row named, then all or nothing), and the
history of every change. The access guard for "targets" runs in app.py before this page."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from access.service import PermissionDenied
from analytics import Filter
from model import indicators as reg
from pages import shared, targets_ui
from presentation.targets import styled_rates
from targets import TargetError, model, progress
from targets import sheet as xl
from targets.text import percent, status_label, status_text
from targets.text import t as tt

shared.run_through_entry_point()  # a deep link on a fresh server runs app.py first
lang = shared.lang()
a = shared.analytics()
store = targets_ui.store()
as_of = a.snapshot.as_of
FLASH = "targets_flash"


def T(key: str, **values) -> str:  # noqa: N802 - the page's one word lookup
    return tt(key, lang, **values)


def ind_name(key: str) -> str:
    return reg.get(key).name(lang)


def county_name(code) -> str:
    return xl.county_label(None if not code else int(code), lang)


def shown_value(key: str, value) -> str:
    return targets_ui.shown_value(key, value, lang)


st.markdown(f'<div class="heze-app-name">{shared.t("app_title")}</div>', unsafe_allow_html=True)
st.title(T("page_targets"))
years = sorted(set(range(model.FIRST_YEAR, as_of.year + 2)) | set(store.years()))
year = shared.choose(st.selectbox, T("year"), years, "targets_year", default=as_of.year,
                     format_func=lambda y: f"{y}年" if lang == "zh" else str(y))
elapsed = float(model.elapsed_fraction(year, as_of))
st.caption(T("as_of_note", date=shared.fmt_date(as_of), elapsed=percent(elapsed, lang)))
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

lookup = targets_ui.lookup(year)


def over_city_warnings(targets, key: str = "over_city") -> None:
    """Say where the county targets add up to more than the city's (allowed, but then the
    city's target cannot be what its counties do)."""
    for ind, counties, city in progress.over_city(targets):
        st.warning(T(key, year=year, indicator=ind_name(ind),
                     counties=shown_value(ind, counties), city=shown_value(ind, city)))


over_city_warnings(lookup)
progress_tab, set_tab, import_tab, history_tab = st.tabs(
    [T("tab_progress"), T("tab_set"), T("tab_import"), T("tab_history")])

# -- progress -------------------------------------------------------------------------------
with progress_tab:
    if not lookup:
        st.info(T("no_targets", year=year))
    else:
        city_keys = tuple(k for k in model.TARGETABLE if (k, None) in lookup)
        county_keys = tuple(k for k in model.TARGETABLE
                            if any(key == k and c is not None for key, c in lookup))
        rows = []
        city = shared.compute(progress.completions, city_keys, flt=Filter(), year=year,
                              lookup=lookup) if city_keys else {}
        for key in city_keys:
            c = city[key]
            rows.append((key, None, c.target, c.value, c.rate, status_label(c, lang),
                         c.status))
        ranked = {key: shared.compute(progress.rank_counties, key, year, flt=Filter(),
                                      lookup=lookup) for key in county_keys}
        for key in county_keys:
            for r in ranked[key].itertuples():
                if isinstance(r.status, str):  # a county with a target
                    rows.append((key, r.code, r.target, r.value, r.rate,
                                 status_text(key, r.status, lang), r.status))
        table = pd.DataFrame([{
            T("indicator"): ind_name(key), T("county"): county_name(code),
            T("target"): shown_value(key, target), T("done"): shown_value(key, value),
            T("rate"): rate, T("status"): status}
            for key, code, target, value, rate, status, _ in rows])
        st.dataframe(styled_rates(table, T("rate"), T("status"),
                                             [r[-1] for r in rows], lang),
                     hide_index=True, width="stretch")
        shared.download_only(table, f"targets_{year}", key="targets_progress",
                             title=f"{T('page_targets')}·{T('tab_progress')}")
        st.caption(f"{T('elapsed')}：{percent(elapsed, lang)}。{T('pace_rule')}"
                   if lang == "zh" else
                   f"{T('elapsed')}: {percent(elapsed, lang)}. {T('pace_rule')}")

        st.subheader(T("ranking"))
        if county_keys:
            key = shared.choose(st.selectbox, T("ranking_indicator"), county_keys,
                                "targets_rank_key", format_func=ind_name)
            targets_ui.draw_county_ranking(ranked[key], key, lang)
        else:
            st.info(T("no_county_targets", year=year))

# -- set one --------------------------------------------------------------------------------
with set_tab:
    c1, c2, c3 = st.columns([3, 3, 2])
    key = shared.choose(c1.selectbox, T("indicator"), model.TARGETABLE, "targets_key",
                        format_func=ind_name)
    codes = [0] + [int(c) for c in a.counties()["county_code"]]
    county = shared.choose(c2.selectbox, T("county"), codes, "targets_county",
                           format_func=county_name) or None
    units = model.input_units(key)
    unit = shared.choose(c3.selectbox, T("unit"), units, f"targets_unit_{key}")
    factor = model.unit_factor(key, unit)
    current = store.get(key, year, county)
    what = f"{year} · {ind_name(key)} · {county_name(county)}"
    st.markdown(f"**{T('current')}**：{shown_value(key, current.value) if current else T('none_set')}"
                if lang == "zh" else
                f"**{T('current')}**: {shown_value(key, current.value) if current else T('none_set')}")
    whole = model.whole_units(key) and factor == 1
    start = (current.value / factor) if current else None
    with st.form(f"targets_form_{key}_{county}_{year}_{unit}", clear_on_submit=False):
        if whole:
            value = st.number_input(f"{T('value')}（{unit}）" if lang == "zh"
                                    else f"{T('value')} ({unit})", min_value=0, step=100,
                                    value=None if start is None else int(round(start)))
        else:
            value = st.number_input(f"{T('value')}（{unit}）" if lang == "zh"
                                    else f"{T('value')} ({unit})", min_value=0.0,
                                    value=None if start is None else float(start),
                                    format="%.4g" if unit != "%" else "%.1f")
        note = st.text_input(T("note"), max_chars=200)
        saved = st.form_submit_button(T("save"), type="primary")
    if saved:
        try:
            before = current.value if current else None
            row = store.set(key, year, (value or 0) * factor, county=county,
                            by=targets_ui.actor(), client=targets_ui.client(), note=note)
            if before == row.value:
                st.info(T("unchanged"))
            else:
                st.session_state[FLASH] = T("saved", what=f"{what} = "
                                            f"{shown_value(key, row.value)}")
                st.rerun()
        except TargetError as exc:
            st.error(exc.message(lang))
        except PermissionDenied as exc:
            st.error(exc.message(lang))
    if current:
        confirm = st.checkbox(T("confirm_withdraw"), key=f"targets_confirm_{key}_{county}")
        if st.button(T("withdraw"), disabled=not confirm, key="targets_withdraw"):
            try:
                store.withdraw(key, year, county=county, by=targets_ui.actor(),
                               client=targets_ui.client())
                st.session_state[FLASH] = T("withdrawn", what=what)
                st.rerun()
            except PermissionDenied as exc:
                st.error(exc.message(lang))

# -- import ---------------------------------------------------------------------------------
with import_tab:
    c1, c2, _ = st.columns([2, 2, 3])
    c1.download_button(T("download_template"), xl.workbook(), file_name="年度目标模板.xlsx",
                       mime=xl.XLSX_MIME, key="targets_template")
    c2.download_button(T("download_current", year=year), shared.own_file(xl.workbook(store.current(year))),
                       file_name=f"年度目标_{year}.xlsx", mime=xl.XLSX_MIME,
                       key="targets_current")
    st.caption(T("import_help"))
    round_ = st.session_state.get("targets_upload_round", 0)
    upload = st.file_uploader(T("upload"), type=["xlsx"], key=f"targets_upload_{round_}")
    if upload is not None:
        data = upload.getvalue()
        result = xl.read(data)
        if not result.ok:
            st.error(T("errors_found", n=len(result.errors)))
            errors = pd.DataFrame([{
                T("row"): e.row if e.row is not None else "—", T("column"): e.column or "—",
                T("cell_value"): e.value, T("problem"): e.message(lang)}
                for e in result.errors])
            st.dataframe(errors.astype(str), hide_index=True, width="stretch")
            st.download_button(T("download_errors"), shared.own_file(xl.error_report(result, lang)),
                               file_name="年度目标_错误报告.xlsx", mime=xl.XLSX_MIME,
                               key="targets_errors")
        else:
            in_force = {(t.indicator, t.county, t.year): t.value
                        for y in sorted({i.year for i in result.targets})
                        for t in store.current(y)}
            kinds = []
            for item in result.targets:
                before = in_force.get((item.indicator, item.county, item.year))
                kinds.append("kind_new" if before is None else
                             "kind_same" if before == item.value else "kind_changed")
            preview = pd.DataFrame([{
                T("year"): item.year, T("indicator"): ind_name(item.indicator),
                T("county"): county_name(item.county),
                T("previous"): shown_value(item.indicator,
                                           in_force.get((item.indicator, item.county,
                                                         item.year))),
                T("new_value"): shown_value(item.indicator, item.value),
                T("change_kind"): T(kind)} for item, kind in zip(result.targets, kinds,
                                                                 strict=True)])
            for y in sorted({i.year for i in result.targets}):
                after = {(t.indicator, t.county): t.value for t in store.current(y)}
                after.update({(i.indicator, i.county): i.value for i in result.targets
                              if i.year == y})
                for ind, counties, city in progress.over_city(after):
                    st.warning(tt("over_city_import", lang, year=y, indicator=ind_name(ind),
                                  counties=shown_value(ind, counties),
                                  city=shown_value(ind, city)))
            st.info(T("preview", n=len(result.targets), created=kinds.count("kind_new"),
                      changed=kinds.count("kind_changed"), unchanged=kinds.count("kind_same")))
            st.dataframe(preview, hide_index=True, width="stretch")
            if st.button(T("confirm_import"), type="primary", key="targets_confirm_import"):
                try:
                    outcome = store.apply(
                        result.targets, by=targets_ui.actor(), client=targets_ui.client(),
                        note=upload.name, details={
                            "file": upload.name, "sha256": hashlib.sha256(data).hexdigest()})
                except (TargetError, PermissionDenied) as exc:
                    st.error(exc.message(lang))
                else:
                    st.session_state[FLASH] = T("imported", created=outcome.created,
                                                changed=outcome.changed,
                                                unchanged=outcome.unchanged)
                    st.session_state["targets_upload_round"] = round_ + 1
                    st.rerun()

# -- history --------------------------------------------------------------------------------
with history_tab:
    changes = store.history(year)
    if not changes:
        st.info(T("history_empty", year=year))
    else:
        sources = {"app": T("source_app"), "import": T("source_import"),
                   "cli": T("source_cli")}
        history = pd.DataFrame([{
            "set_at": h.set_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            "indicator": ind_name(h.indicator), "county": county_name(h.county),
            "previous": shown_value(h.indicator, h.previous),
            "new_value": (shown_value(h.indicator, h.value) if h.value is not None
                          else T("withdrawn_value")),
            "set_by": h.set_by, "source": sources.get(h.source, h.source),
            "note": h.note or "—"} for h in changes])
        shared.table(history, {c: T(c) for c in ("set_at", "indicator", "county", "previous",
                                                 "new_value", "set_by", "source", "note")},
                     f"targets_history_{year}", key="targets_history",
                     title=f"{T('page_targets')}·{T('tab_history')}")
