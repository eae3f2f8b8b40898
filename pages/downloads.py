"""Downloads: CSV and XLSX of a table, the 领导简报 (Word, PDF), and files made while a page
is drawn. Each file is made when its button is clicked, checked against the user as they
are then, written to the audit log and bound to this session (access.downloads)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd
import streamlit as st

from access import downloads
from analytics import Analytics, Filter
from analytics.export import csv_bytes, xlsx_bytes
from model import indicators as reg
from pages import login_request, targets_ui
from pages.labels import lang, t
from pages.serving import analytics, current_filter, user
from targets import progress


def logged_file(make, what: str, fmt: str, describe: str, rows: int):
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
    # 服务站排行_曹县_2020-08-31, like the briefing; imported here because the briefing package
    # loads matplotlib (about 1.5 s), which the first page of a new server should not wait for
    from briefing.content import export_stem

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
                       logged_file(lambda: csv_bytes(frame(), meta), name, "csv", describe,
                                    rows),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv",
                       on_click="ignore")
    c2.download_button(t("download_xlsx"),
                       logged_file(lambda: xlsx_bytes(frame(), meta, title=heading), name,
                                    "xlsx", describe, rows),
                       file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")


_BRIEFINGS: dict[tuple, object] = {}
_BRIEFINGS_LOCK = threading.Lock()


def _briefing(a: Analytics, flt: Filter, language: str):
    """The briefing of a filter, built once per snapshot version, filter and language
    (the Word and the PDF button share it); at most a few are kept."""
    from briefing import build  # the briefing's libraries load when one is asked for

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
        "Word", logged_file(lambda: _briefing(a, flt, language).docx, "briefing", "docx",
                             describe, 0),
        file_name=f"{stem}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="briefing_docx", on_click="ignore", width="stretch")
    c2.download_button(
        "PDF", logged_file(lambda: _briefing(a, flt, language).pdf, "briefing", "pdf",
                            describe, 0),
        file_name=f"{stem}.pdf", mime="application/pdf", key="briefing_pdf",
        on_click="ignore", width="stretch")
    where.caption(t("briefing_note"))
