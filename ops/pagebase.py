"""Tell the browser where the dashboard's server is, so it does not guess from a page's URL.

Streamlit's page does not know the server's base path: opened at a page's own URL
(``/map``, ``/projects``), it first asks ``/map/_stcore/health`` and
``/map/_stcore/host-config``, gets two 404s (two errors in the browser's console on every
page), and only then tries the path one level up, where the server answers. Told the base
URL beforehand (``window.__streamlit.BACKEND_BASE_URL``, which Streamlit's page reads when
it loads), it asks the right place first.

``PageBase`` is ASGI middleware (installed by ``install``, which ``python -m ops.serve``
calls before the server starts) that writes that one line into the app's HTML page as it
is served: the base URL is the page's own origin (as the browser reached it, through a
proxy or not) and the configured ``server.base_path``. Only Streamlit's app page is
changed (it is recognised by its module script); anything else passes untouched.
"""

from __future__ import annotations

import json

# Streamlit's page loads its code with this tag; the line goes right before it, so it has
# run when that code starts.
MARKER = b'<script type="module"'
_DROPPED = {b"content-length", b"etag", b"last-modified"}


def script(base_path: str) -> bytes:
    """The line written into the page for `base_path` (``""`` at the root)."""
    path = json.dumps("/" + base_path.strip("/"))
    return ("<script>window.__streamlit = Object.assign({}, window.__streamlit, "
            f"{{BACKEND_BASE_URL: window.location.origin + {path}}});</script>").encode()


def inject(html: bytes, line: bytes) -> bytes:
    """`html` with `line` before Streamlit's module script; unchanged without one."""
    at = html.find(MARKER)
    return html if at < 0 else html[:at] + line + html[at:]


class PageBase:
    """ASGI middleware: the app's HTML page, as served, carries the server's base URL."""

    def __init__(self, app, base_path: str = ""):
        self.app = app
        self.line = script(base_path)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        held: dict = {}
        parts: list[bytes] = []

        async def rewrite(message):
            kind = message["type"]
            if kind == "http.response.start":
                headers = dict(message.get("headers", []))
                is_html = headers.get(b"content-type", b"").startswith(b"text/html")
                if message.get("status") == 200 and is_html \
                        and b"content-encoding" not in headers:
                    held["start"] = message  # sent once the whole page is read
                    return
                await send(message)
                return
            if "start" not in held:
                await send(message)
                return
            if kind == "http.response.pathsend":  # a file sent by path: read it here
                with open(message["path"], "rb") as f:
                    parts.append(f.read())
            elif kind == "http.response.body":
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
            else:
                await send(message)
                return
            page = b"".join(parts)
            body = inject(page, self.line)
            start = held.pop("start")
            if body is page:  # not the app's page
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            # The page now differs from the file: its length changes, and a validator of
            # the file must not let a browser keep a page without (or with another) line.
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k.lower() not in _DROPPED]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return await self.app(scope, receive, rewrite)


def install(base_path: str = "") -> None:
    """Put PageBase in front of the server's routes (ops.serve, before the server starts).
    Raises RuntimeError when this Streamlit has not the hook it needs."""
    try:
        from starlette.middleware import Middleware
        from streamlit.web.server.starlette import starlette_app
    except ImportError as exc:  # pragma: no cover - a Streamlit without its Starlette server
        raise RuntimeError("this Streamlit has no Starlette server to serve its page") from exc
    make = getattr(starlette_app, "create_streamlit_middleware", None)
    if not callable(make):
        raise RuntimeError("streamlit's create_streamlit_middleware has moved: "
                           "ops.pagebase.install needs updating")
    if getattr(make, "_heze_pagebase", False):
        return

    def with_base():
        return [*make(), Middleware(PageBase, base_path=base_path)]

    with_base._heze_pagebase = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = with_base
