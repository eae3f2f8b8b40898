"""While the login screen waits for the password, the browser loads the code of the first
page's elements, so the click on 登录 is followed by drawing rather than by loading.

Streamlit's browser code loads an element's module the first time a page shows one; the
chart module (plotly.js, 4.7 MB) takes a second or more to evaluate, on the main thread.
Without this it is loaded after the click, in the user's wait for the overview. Here the
login screen imports the same module files (Streamlit's own, from its manifest, served by
this server: nothing from outside) once the screen is drawn and idle; the browser keeps one
copy of a module per address, so the overview finds them ready.

The script is built only from Streamlit's file names (JSON-encoded) and holds nothing of the
user's; it reads and sends nothing.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

BOX = "heze_login_warmup"
# Streamlit's sources of the elements the overview (with the sidebar) draws; a name
# missing from another Streamlit version is skipped.
SOURCES = [f"../lib/src/components/{name}.tsx" for name in (
    "elements/PlotlyChart/PlotlyChart", "elements/Metric/Metric",
    "widgets/Multiselect/Multiselect", "widgets/Selectbox/Selectbox", "widgets/Radio/Radio",
    "elements/PageLink/PageLink", "widgets/DownloadButton/DownloadButton",
    "widgets/BidiComponent/BidiComponent")]


@functools.cache
def module_files() -> tuple[str, ...]:
    """File names (in Streamlit's static/js) of the modules in SOURCES."""
    manifest = Path(st.__file__).parent / "static" / "manifest.json"
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    files = []
    for source in SOURCES:
        file = str((entries.get(source) or {}).get("file") or "")
        if file.startswith("static/js/") and file.endswith(".js") and "/" not in file[10:]:
            files.append(file[10:])
    return tuple(files)


def script() -> str:
    """The script: after the screen is drawn, when the browser is idle, import each module
    from beside Streamlit's own main script (so the address is the one Streamlit uses)."""
    files = module_files()
    if not files:
        return ""
    data = json.dumps(["./" + f for f in files]).replace("<", "\\u003c").replace(
        ">", "\\u003e").replace("&", "\\u0026")
    return ("<script>(function(){var f=" + data + ";"
            "var m=document.querySelector('script[src*=\"/static/js/index.\"]');"
            "if(!m||window.hezeWarmup)return;window.hezeWarmup=true;"
            "var go=function(){f.forEach(function(x){"
            "import(new URL(x,m.src).href).catch(function(){});});};"
            "if(window.requestIdleCallback){requestIdleCallback(go,{timeout:1000});}"
            "else{setTimeout(go,200);}})();</script>")


def mount() -> None:
    """Draw the (invisible) warm-up on the login screen."""
    code = script()
    if not code:
        return
    st.html(f"<style>.st-key-{BOX}{{display:none}}</style>")
    with st.container(key=BOX):
        st.html(code, unsafe_allow_javascript=True)
