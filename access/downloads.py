"""Downloads bound to the session that asked for them, and checked when they are made.

A download button's file is made only when it is clicked (``st.download_button`` with a
function as its data). At that moment, not when the button was drawn:

* the session is checked again (``Access.check_session``): a user who has been disabled,
  signed out or timed out since gets no file, and neither does one whose role no longer
  allows exports (``Access.log_export`` refuses and writes "denied" to the audit log) or
  whose county scope changed since the page was drawn;
* the file is then registered as made for this session, for ``TTL_SECONDS``.

Streamlit hands the file to the browser under ``/media/<id>``. ``MediaGuard`` (installed by
``install``, which ``python -m ops.serve`` calls before the server starts) answers such a
request only for a signed-in session (the session cookie in password mode, the proxy's user
header in header mode), and a file made by a download button only for the session that
made it, within ``TTL_SECONDS``: another client holding the URL gets 403. ``install`` also
makes Streamlit run a button's function only for the session that drew the button (its id
travels over that session's websocket; Streamlit itself does not compare the two).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie

from access.service import Access, PermissionDenied, User, token_hash
from core.i18n import pair

log = logging.getLogger("heze.access")
TTL_SECONDS = 120          # a made file is fetched by the browser at once
MAX_MADE = 10_000          # files remembered (the oldest are forgotten first)
STATE = "_heze_access"     # pages.login_request.STATE: {"mode", "token", "subject"} of this tab
COOKIE = "heze_session"    # pages.login_request.COOKIE


@dataclass(frozen=True)
class Binding:
    """Whose download this is: the login mode and the session token of the tab that drew
    the button, and the user and county scope it was drawn for."""

    mode: str
    token: str
    subject: str
    user: str
    scope: tuple[int, ...] | None

    @property
    def key(self) -> str:
        """What a /media request must show to fetch the file (see `request_key`)."""
        if self.mode == "header":
            return "header:" + self.subject.casefold()
        return "session:" + token_hash(self.token)


def binding(user: User) -> Binding | None:
    """This tab's binding (call it in the script, while the button is drawn)."""
    import streamlit as st

    state = st.session_state.get(STATE) or {}
    token = state.get("token")
    if not token:
        return None
    return Binding(state.get("mode", "password"), token, state.get("subject", ""), user.name,
                   user.county_scope)


def user_now(service: Access, bound: Binding | None, client: str | None) -> User:
    """The user of a bound session as they are now; raises PermissionDenied (written to the
    audit log) when the session has ended, the user is disabled or their scope changed
    since the page was drawn."""
    check = service.check_session(bound.token if bound else None, client=client)
    user = check.user
    if user is None or user.name != bound.user or user.county_scope != bound.scope:
        service.record("denied", user or (bound.user if bound else None), client=client,
                       permission="export", what="download",
                       reason=check.reason or "scope_changed")
        raise PermissionDenied()
    return user


# -- files made for a session ------------------------------------------------------------
_MADE: OrderedDict[str, list[tuple[str, float]]] = OrderedDict()  # sha256 -> [(key, until)]
_MADE_LOCK = threading.Lock()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def register(data: bytes | str, bound: Binding | None, ttl: float = TTL_SECONDS) -> None:
    """Note that `data` was just made for `bound`'s session, to be fetched within `ttl`
    seconds."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    key = bound.key if bound else "nobody"
    until = time.monotonic() + ttl
    with _MADE_LOCK:
        entries = _MADE.pop(_digest(raw), [])
        now = time.monotonic()
        entries = [e for e in entries if e[1] > now] + [(key, until)]
        _MADE[_digest(raw)] = entries
        while len(_MADE) > MAX_MADE:
            _MADE.popitem(last=False)


def allowed(data: bytes, key: str | None) -> bool:
    """May a request showing `key` (None: no valid session) fetch `data`? A file made by a
    download button: only its own session, within TTL_SECONDS. Any other file the app
    offers for download: any signed-in session."""
    if key is None:
        return False
    with _MADE_LOCK:
        entries = _MADE.get(_digest(data))
        if entries is None:
            return True
        now = time.monotonic()
        return any(k == key and until > now for k, until in entries)


def logged_file(make: Callable[[], bytes | str], log_export: Callable[[User], object],
                service: Access, bound: Binding | None, client: str | None):
    """The data function of a download button: when clicked, the user is checked as they
    are now (`user_now`), the download is written to the audit log (`log_export(user)`,
    which refuses a role that may not export), the file is made and registered for this
    session."""

    def run():
        user = user_now(service, bound, client)
        log_export(user)
        data = make()
        register(data, bound)
        return data

    return run


# -- the server side ---------------------------------------------------------------------
def request_key(service: Access, headers: dict[str, str], client: str | None) -> str | None:
    """The key a request carries (see Binding.key), or None without a valid session."""
    mode = service.settings["login.mode"]
    if mode == "header":
        # The user header proves something only when a trusted proxy sent it (the same rule
        # as the login: login.trusted_proxies); from anyone else it is no session.
        try:
            peer = ipaddress.ip_address(client or "")
        except ValueError:
            return None
        if not any(peer in net for net in service.settings.trusted_proxies):
            return None
        name = (headers.get(service.settings["login.trusted_header"].lower()) or "").strip()
        user, _why = service.user_for_header(name)
        return None if user is None else "header:" + name.casefold()
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no session
        return None
    if mode == "oidc":
        # The identity provider's session lives in Streamlit's own signed cookie, not ours:
        # the file is still limited to signed-in browsers and TTL_SECONDS.
        return "oidc" if "_streamlit_user" in cookie else None
    morsel = cookie.get(COOKIE)
    if morsel is None or not morsel.value:
        return None
    check = service.check_session(morsel.value, client=client)
    return "session:" + token_hash(morsel.value) if check.ok else None


class MediaGuard:
    """ASGI middleware in front of Streamlit's /media route: a downloadable file only for a
    session allowed to fetch it (`allowed`); 403 otherwise (written to the audit log)."""

    def __init__(self, app, service: Callable[[], Access], base_path: str = ""):
        self.app = app
        self.prefix = (f"/{base_path.strip('/')}" if base_path.strip("/") else "") + "/media/"
        self._service = service

    def service(self) -> Access:
        return self._service()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        file_name = scope["path"][len(self.prefix):]
        media = _media_file(file_name)
        if media is None or not _downloadable(media):
            return await self.app(scope, receive, send)  # images; unknown ids answer 404
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        peer = (scope.get("client") or ("", 0))[0] or None
        service = self.service()
        key = await asyncio.to_thread(request_key, service, headers, peer)
        if key == "oidc":
            key_ok = await asyncio.to_thread(_oidc_allowed, media.content)
        else:
            key_ok = await asyncio.to_thread(allowed, media.content, key)
        if key_ok:
            return await self.app(scope, receive, send)
        await asyncio.to_thread(service.record, "denied", None, client=peer,
                                what="download_link", session=key is not None)
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body",
                    "body": " / ".join(pair("access.download_refused")).encode()})
        return None


def _oidc_allowed(data: bytes) -> bool:
    with _MADE_LOCK:
        entries = _MADE.get(_digest(data))
        now = time.monotonic()
        return entries is None or any(until > now for _k, until in entries)


def _media_file(file_name: str):
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return Runtime.instance().media_file_mgr.read_file(file_name)


def _downloadable(media) -> bool:
    from streamlit.runtime.media_file_storage import MediaFileKind

    return media.kind == MediaFileKind.DOWNLOADABLE


# -- installing it -----------------------------------------------------------------------
def _bind_deferred_to_session() -> None:
    """Streamlit runs a download button's function for whichever session sends its id;
    only the session that drew the button may."""
    from streamlit.proto.ForwardMsg_pb2 import BackendOperationResponse
    from streamlit.runtime.backend_operation_handler import DeferredFileHandler

    original = DeferredFileHandler.handle
    if getattr(original, "_heze_bound", False):
        return

    async def handle(self, request, session_id):
        mgr = self._get_media_file_mgr()
        entry = getattr(mgr, "_deferred_callables", {}).get(request.deferred_file.file_id)
        if entry is None or entry.get("session_id") != session_id:
            log.warning("a download id was asked for by another session; refused")
            return BackendOperationResponse(request_id=request.request_id,
                                            error_msg="Failed to generate file for download")
        return await original(self, request, session_id)

    handle._heze_bound = True
    DeferredFileHandler.handle = handle


def install(service: Callable[[], Access], base_path: str = "") -> None:
    """Put MediaGuard in front of the server's routes and bind download ids to their
    session; `service` gives the process's Access (access.process.service). Call before the
    server starts (ops.serve). Raises RuntimeError when this
    Streamlit has not the hooks it needs (the server must not start unguarded)."""
    try:
        from starlette.middleware import Middleware
        from streamlit.web.server.starlette import starlette_app
    except ImportError as exc:  # pragma: no cover - a Streamlit without its Starlette server
        raise RuntimeError("this Streamlit cannot guard its /media files") from exc
    make = starlette_app.create_streamlit_middleware
    if not getattr(make, "_heze_guarded", False):
        def guarded():
            return [*make(), Middleware(MediaGuard, service=service, base_path=base_path)]

        guarded._heze_guarded = True
        starlette_app.create_streamlit_middleware = guarded
    _bind_deferred_to_session()
