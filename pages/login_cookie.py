"""The session cookie of a password login: set, cleared and kept in step with this tab's
session (see pages.login for how the session survives a reload)."""

from __future__ import annotations

import json

import streamlit as st

from access import handoff
from pages import login_request as rq
from pages.login_request import COOKIE, COOKIE_BOX, STATE, WRITTEN, RequestInfo


def cookie_path() -> str:
    base = rq.service().settings.base_path
    return f"/{base}" if base else "/"


def _script_json(value) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def cookie_script(token: str | None) -> str:
    """The script that sets (token) or clears (None) the session cookie in the browser.

    In a server started by ops.serve the page never sees the token: the script hands a
    one-time code to the server's own route, whose answer sets the cookie HttpOnly
    (access.handoff). Elsewhere (``streamlit run`` in development) the script writes the
    cookie itself."""
    max_age = int(rq.service().settings["session.max_hours"]) * 3600 if token else 0
    if handoff.route_ready():
        code = handoff.offer(COOKIE, token, path=cookie_path(), max_age=max_age)
        url = cookie_path().rstrip("/") + "/" + handoff.ROUTE
        data = _script_json({"url": url, "code": code})
        return ("<script>(function(){var c=" + data + ";"
                "fetch(c.url,{method:'POST',credentials:'same-origin',cache:'no-store',"
                "headers:{'Content-Type':'text/plain'},"
                "body:c.code+(location.protocol==='https:'?' 1':' 0')});})();</script>")
    spec = {"name": COOKIE, "value": token or "", "path": cookie_path(), "maxAge": max_age}
    data = _script_json(spec)
    return ("<script>(function(){var c=" + data + ";"
            "var s=c.name+'='+encodeURIComponent(c.value)+'; Path='+c.path"
            "+'; SameSite=Strict; Max-Age='+c.maxAge;"
            "if(location.protocol==='https:'){s+='; Secure';}"
            "document.cookie=s;})();</script>")


def sync_cookie(req: RequestInfo) -> None:
    """Make the browser's cookie match this tab's session (password mode only).

    The browser's cookie is what this tab last wrote, else what the page's request sent.
    A write is drawn again on later reruns until a request carries it: an identical
    element is not run twice by the browser, and one lost in an interrupted rerun arrives
    with the next."""
    if rq.mode() != "password":
        return
    state = st.session_state.get(STATE)
    want = state["token"] if state and state.get("mode") == "password" else ""
    sent = req.cookies.get(COOKIE) or ""
    written = st.session_state.get(WRITTEN)
    believed = sent if written is None else written
    if want == believed and (written is None or written == sent):
        return
    st.session_state[WRITTEN] = want
    st.html(f"<style>.st-key-{COOKIE_BOX}{{display:none}}</style>")
    with st.container(key=COOKIE_BOX):
        st.html(cookie_script(want or None), unsafe_allow_javascript=True)

