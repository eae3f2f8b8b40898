"""How wide the page's content is, measured in the browser: the maps are framed for the width
they are given, so all of China (南海诸岛 included) is in view on a phone and fills a wall.

A tiny component (st.components.v2, inline script, nothing fetched) reports the width of the
main content area, rounded down to 10 px, once mounted and after each resize (debounced);
the value lives in session state, so every page knows it after the first run.

The page also says, on ``<html>``, which width the server last drew for
(``data-heze-width-known``) beside the one measured (``data-heze-width-measured``): when the
two agree, no rerun for the width is still to come (the browser tests wait for that), and
the component reports nothing (``data-heze-width-reports`` counts the reports it sent).
"""

from __future__ import annotations

import streamlit as st

KEY = "heze_viewport"
_JS = """
export default function(component) {
    const { setStateValue, data } = component;
    const root = document.documentElement;
    const known = (data && data.known) || 0;
    root.dataset.hezeWidthKnown = String(known);
    let sent = known;
    const measure = () => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        let width = window.innerWidth;
        if (main) {
            const style = getComputedStyle(main);
            width = main.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
        }
        const rounded = Math.max(0, Math.floor(width / 10) * 10);
        root.dataset.hezeWidthMeasured = String(rounded);
        // Each report is a rerun of the whole page: none for the width the server has, or
        // was last sent (this function runs again when the server's answer brings it back).
        if (rounded === sent) return;
        sent = rounded;
        root.dataset.hezeWidthReports = String(Number(root.dataset.hezeWidthReports || 0) + 1);
        setStateValue('width', rounded);
    };
    measure();
    let timer = null;
    const onResize = () => { clearTimeout(timer); timer = setTimeout(measure, 250); };
    window.addEventListener('resize', onResize);
    return () => { clearTimeout(timer); window.removeEventListener('resize', onResize); };
}
"""
_component = st.components.v2.component(KEY, js=_JS)


def mount() -> None:
    """Call once per run (app.py): keeps the measured width up to date."""
    _component(key=KEY, data={"known": content_width(0)}, on_width_change=lambda: None,
               height=0)


def content_width(default: int = 900) -> int:
    """The content area's width in CSS pixels (`default` until the browser has said)."""
    state = st.session_state.get(KEY)
    try:
        width = int(state["width"])
    except (KeyError, TypeError, ValueError):
        return default
    return width if width > 0 else default
