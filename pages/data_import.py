"""数据导入 — templates, upload, dry-run check with its report, confirm to load, history with
compare and rollback. The logic is in data.importer; this page reads widgets and draws."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from core.settings import current
from data.importer import pipeline, service
from data.importer.read import EXCEL_EXT, TEXT_EXT
from data.importer.text import ui
from data.importer.workbook import bad_rows_xlsx
from pages import login_request, shared

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE = "data_import"

lang = shared.lang()


def tr(key: str, **values) -> str:
    return ui(key, lang, **values)


store = pipeline.default_store()
# Who imports: the signed-in user (app.py lets only a role with the import permission in).
account = shared.user()
user = getattr(account, "name", None) or st.session_state.get("user_name")
state = st.session_state.setdefault(STATE, {})


def audit(**details) -> None:
    if account is not None:
        login_request.service().log_import(account, client=login_request.client(), **details)


shared.header_title(tr("page_title"))
st.caption(tr("intro"))

# -- templates -------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def templates(snapshot_id: str | None):
    """The templates' drop-down lists name the served snapshot's stations and parks."""
    return service.templates_zip(store)


with st.expander(tr("templates")):
    everything, files = templates(store.current_id())
    st.download_button(tr("template_all") + " (.zip)", everything, file_name="导入模板.zip",
                       mime="application/zip", key="tpl_zip")
    for name, data in files.items():
        st.download_button(name, data, file_name=name, mime=XLSX_MIME, key=f"tpl_{name}")

# -- upload and check ------------------------------------------------------------------------
# Every kind of file the importer reads (the command line takes the same).
UPLOAD_TYPES = sorted(ext.lstrip(".") for ext in EXCEL_EXT | TEXT_EXT)
uploads = st.file_uploader(tr("upload"), type=UPLOAD_TYPES,
                           accept_multiple_files=True, help=tr("upload_help"), key="uploads")
mode = shared.choose(st.radio, tr("mode"), list(pipeline.MODES), "import_mode",
                     format_func=lambda m: tr(f"mode_{m}"))
as_of = st.date_input(tr("as_of"), value=date.today(), max_value=date.today(),
                      key="import_as_of", format="YYYY-MM-DD")

if st.button(tr("check"), type="primary", key="check"):
    if not uploads:
        st.warning(tr("no_files"))
    else:
        service.discard(state.get("folder"))
        folder = service.upload_dir(store)
        paths = service.save_uploads(uploads, folder)
        status = st.status(tr("checking"))

        def progress(file, sheet, rows):
            status.write(tr("rows_read_progress", rows=f"{rows:,}",
                            file=file + (f" / {sheet}" if sheet else "")))

        try:
            report = pipeline.check(paths, as_of=as_of, mode=mode, store=store,
                                    progress=progress, isolate=True,
                                    max_bytes=current()["data.max_upload_mb"] << 20)
        except BaseException:
            service.discard(folder)  # an upload that could not be checked is not kept
            raise
        status.update(state="complete")
        state.update(folder=folder, paths=paths, report=report, mode=mode)
        if not report.ok:
            service.discard(folder)
            state["folder"] = None

report = state.get("report")
if report is not None:
    for line in report.file_lines(lang):
        st.caption(shared.plain(line))
    if report.ok:
        st.success(tr("valid", rows=f"{sum(report.rows.values()):,}"))
        summary = service.summary_frame(report, lang)
        if not summary.empty:  # update: counts, then only the records that change
            st.markdown(f"**{tr('summary')}**")
            st.dataframe(summary, hide_index=True, width="stretch")
        changes = service.changes_frame(report, lang)
        if not changes.empty:
            st.markdown(f"**{tr('changed_rows', n=f'{len(changes):,}')}**")
            st.dataframe(changes, hide_index=True, width="stretch")
        if st.button(tr("confirm"), type="primary", key="confirm"):
            chosen_mode = state["mode"]
            try:
                result = pipeline.load(state["paths"], mode=state["mode"], by=user,
                                       store=store, report=report)
            except Exception as exc:  # noqa: BLE001 - whatever it was, say so and tidy up
                service.discard(state.get("folder"))
                state.clear()
                st.error(tr("load_failed"))
                st.text(exc.message(lang) if isinstance(exc, pipeline.ImportError_)
                        else f"{type(exc).__name__}: {exc}")
                audit(step="load_failed", mode=chosen_mode, error=str(exc)[:300])
            else:
                audit(step="load", snapshot=result.snapshot_id, mode=state["mode"],
                      files=[Path(p).name for p in state["paths"]],
                      rows=sum(report.rows.values()))
                service.discard(state.get("folder"))
                state.clear()
                st.success(tr("loaded", id=result.snapshot_id))
    else:
        st.error(tr("invalid", n=f"{report.error_count:,}"))
        # Room for the whole 错误说明: a wide column whose text wraps over three lines.
        st.dataframe(service.problems_frame(report, lang), hide_index=True, width="stretch",
                     row_height=72, column_config={
                         tr("col_message"): st.column_config.TextColumn(width=520),
                         tr("col_value"): st.column_config.TextColumn(width="small"),
                         tr("col_row"): st.column_config.TextColumn(width=60)})
        st.download_button(tr("download_bad_rows"),
                           shared.own_file(bad_rows_xlsx(report, lang=lang)),
                           file_name="导入错误报告.xlsx", mime=XLSX_MIME, key="bad_rows")

# -- history, compare, rollback ----------------------------------------------------------------
st.subheader(tr("history"))
history = service.history_frame(store, lang)
st.dataframe(history, hide_index=True, width="stretch")
ids = [m.snapshot_id for m in store.list()]
if len(ids) >= 2:
    st.markdown(f"**{tr('compare')}**")
    c1, c2 = st.columns(2)
    first = c1.selectbox(tr("col_before"), ids, index=1, key="cmp_first")
    second = c2.selectbox(tr("col_after"), ids, index=0, key="cmp_second")
    if st.button(tr("compare_button"), key="compare"):
        st.dataframe(service.compare_frame(store, first, second, lang), hide_index=True,
                     width="stretch")
if ids:
    chosen = st.selectbox(tr("promote"), ids, key="promote_id")
    if st.button(tr("promote"), key="promote"):
        store.promote(chosen, by=user)
        audit(step="promote", snapshot=chosen)
        st.success(tr("promoted", id=chosen))
