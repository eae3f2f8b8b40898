"""The session cookie of a password login: set, cleared and kept in step with this tab's
session (see pages.login for how the session survives a reload)."""

from __future__ import annotations

import json
import time

import streamlit as st

from access import handoff
from pages import login_request as rq
from pages.login_request import COOKIE, COOKIE_BOX, HANDOFF, STATE, WRITTEN, RequestInfo


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
        return handoff_script(handoff.offer(COOKIE, token, path=cookie_path(), max_age=max_age))
    spec = {"name": COOKIE, "value": token or "", "path": cookie_path(), "maxAge": max_age}
    data = _script_json(spec)
    return ("<script>(function(){var c=" + data + ";"
            "var s=c.name+'='+encodeURIComponent(c.value)+'; Path='+c.path"
            "+'; SameSite=Strict; Max-Age='+c.maxAge;"
            "if(location.protocol==='https:'){s+='; Secure';}"
            "document.cookie=s;})();</script>")


def handoff_script(code: str) -> str:
    """The script that posts the one-time `code` to the handoff route."""
    url = cookie_path().rstrip("/") + "/" + handoff.ROUTE
    data = _script_json({"url": url, "code": code})
    return ("<script>(function(){var c=" + data + ";"
            "fetch(c.url,{method:'POST',credentials:'same-origin',cache:'no-store',"
            "headers:{'Content-Type':'text/plain'},"
            "body:c.code+(location.protocol==='https:'?' 1':' 0')});})();</script>")


def _handoff(want: str) -> str | None:
    """The handoff script for `want`, or None when the route has already taken this tab's
    code for it: then the browser has the cookie, though the websocket's request (read by
    every rerun) still shows the cookies of the page's first load. While the code waits,
    the same script is drawn again (the browser does not run an identical element twice;
    one lost in an interrupted rerun arrives with the next); once the code is past its
    time unused, a new one."""
    offered = st.session_state.get(HANDOFF)
    if offered and offered["value"] == want:
        if offered.get("taken"):
            return None
        if handoff.pending(offered["code"]):
            return handoff_script(offered["code"])
        if time.monotonic() < offered["until"]:  # gone before its deadline: exchanged
            st.session_state[HANDOFF] = {**offered, "taken": True}
            return None
    until = time.monotonic() + handoff.HANDOFF_SECONDS  # not after the offer's deadline
    max_age = int(rq.service().settings["session.max_hours"]) * 3600 if want else 0
    code = handoff.offer(COOKIE, want or None, path=cookie_path(), max_age=max_age)
    st.session_state[HANDOFF] = {"value": want, "code": code, "until": until}
    return handoff_script(code)


def sync_cookie(req: RequestInfo) -> None:
    """Make the browser's cookie match this tab's session (password mode only).

    The browser's cookie is what this tab last wrote, else what the page's request sent.
    A write is drawn again on later reruns until a request carries it or, through the
    handoff route, until the route has taken its code: an identical element is not run
    twice by the browser, and one lost in an interrupted rerun arrives with the next."""
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
    script = _handoff(want) if handoff.route_ready() else cookie_script(want or None)
    # The box stays, empty once the cookie is handed over: the elements after it keep their
    # places, so the page's charts are not drawn anew on the next rerun.
    st.html(f"<style>.st-key-{COOKIE_BOX}{{display:none}}</style>")
    with st.container(key=COOKIE_BOX):
        if script is not None:
            st.html(script, unsafe_allow_javascript=True)

