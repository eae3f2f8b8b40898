"""An HttpOnly session cookie for a Streamlit app, which has no call to set a cookie.

After a login the page cannot be given the token in a cookie header: Streamlit answers
over its websocket. So the script run puts the token here under a one-time code (random,
for HANDOFF_SECONDS) and draws a script that POSTs the code to ``<base>/_heze/session``,
a route ops.serve adds to Streamlit's web server (``install_route``). The route takes the
code and answers with ``Set-Cookie: heze_session=…; HttpOnly; SameSite=Strict``, so no
script in the page ever sees the token. An empty token clears the cookie (logout).

The codes live in this process's memory: the POST reaches the process that drew the page
(behind nginx a tab stays on one process). No streamlit import here.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

ROUTE = "_heze/session"
HANDOFF_SECONDS = 60
MAX_PENDING = 10_000

_PENDING: dict[str, _Offer] = {}
_LOCK = threading.Lock()
_INSTALLED = {"route": False}


@dataclass(frozen=True)
class _Offer:
    cookie: str
    token: str      # "" clears the cookie
    path: str
    max_age: int
    deadline: float


def route_ready() -> bool:
    """True in a server started by ops.serve, which added the route."""
    return _INSTALLED["route"]


def offer(cookie: str, token: str | None, *, path: str, max_age: int) -> str:
    """A one-time code the page exchanges for the cookie (token None or "": clear it)."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _LOCK:
        for key in [k for k, o in _PENDING.items() if o.deadline < now]:
            del _PENDING[key]
        if len(_PENDING) >= MAX_PENDING:  # never grows without bound
            _PENDING.pop(next(iter(_PENDING)))
        _PENDING[code] = _Offer(cookie, token or "", path, max_age if token else 0,
                                now + HANDOFF_SECONDS)
    return code


def pending(code: str) -> bool:
    """True while `code` waits for its exchange: neither taken nor past its deadline."""
    with _LOCK:
        found = _PENDING.get(code)
    return found is not None and found.deadline >= time.monotonic()


def take(code: str) -> _Offer | None:
    """The offer for `code`, once, if still fresh."""
    with _LOCK:
        found = _PENDING.pop(code, None)
    if found is None or found.deadline < time.monotonic():
        return None
    return found


def route(base_path: str, origin_ok):
    """The Starlette route: POST body ``<code> <1 if the page is on https>``; a request
    whose Origin is not the server's own (``origin_ok(origin, host)``) or without one is
    refused, like an unknown or spent code (403)."""
    from starlette.responses import Response
    from starlette.routing import Route

    async def exchange(request):
        origin = request.headers.get("origin")
        if origin is None or not origin_ok(origin, request.headers.get("host")):
            return Response(status_code=403)
        body = (await request.body())[:200].decode("ascii", "replace").split()
        found = take(body[0]) if body else None
        if found is None:
            return Response(status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        response.set_cookie(found.cookie, found.token, max_age=found.max_age, path=found.path,
                            httponly=True, samesite="strict", secure=body[1:] == ["1"])
        return response

    path = f"/{base_path}/{ROUTE}" if base_path else f"/{ROUTE}"
    return Route(path, exchange, methods=["POST"])


def install_route(base_path: str, origin_ok) -> None:
    """Add the route to the web server Streamlit is about to build (ops.serve)."""
    from streamlit.web.server.starlette import starlette_server

    build = getattr(starlette_server, "create_starlette_app", None)
    if not callable(build):
        raise RuntimeError("streamlit's create_starlette_app has moved: "
                           "access.handoff.install_route needs updating")
    if getattr(build, "heze", False):
        return

    def create_starlette_app(runtime):
        app = build(runtime)
        app.router.routes.insert(0, route(base_path, origin_ok))
        return app

    create_starlette_app.heze = True  # type: ignore[attr-defined]
    starlette_server.create_starlette_app = create_starlette_app
    _INSTALLED["route"] = True
