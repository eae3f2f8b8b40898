"""What the browser's request tells the login (cookies, headers, the client's address
through trusted proxies), the access service of this process, the login's language and
mode, and the tab's session-state keys. Used by pages.login, pages.login_cookie and
pages.account; tests replace ``request_info`` and ``service`` here."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

from access.process import service
from access.service import Access
from core.settings import proxy_headers_off

COOKIE = "heze_session"
COOKIE_BOX = "heze_access_cookie"
STATE = "_heze_access"              # {"mode", "token", "subject"} of this browser tab
FLASH = "_heze_access_flash"        # a message for the login screen (signed out, expired)
SPENT = "_heze_access_spent"        # a cookie token this tab already found invalid
LOGGED = "_heze_access_logged"      # failed external logins / denied pages already audited
WRITTEN = "_heze_access_written"    # the cookie value this tab last wrote ("" = cleared)
HANDOFF = "_heze_access_handoff"    # {"value", "code", "until", "taken"}: the last handoff
EXPIRED_FLASH = {"idle": "expired_idle", "max_age": "expired_max_age", "ended": "expired_ended",
                 "disabled": "expired_ended", "client_changed": "expired_client_changed"}



# -- the request ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestInfo:
    """What the browser's websocket request told us: cookies, headers, peer address."""

    cookies: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    ip: str | None = None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    @property
    def client(self) -> str:
        """The client address for the audit log: the peer, and the address the trusted
        proxies forwarded for (``forwarded_client``). Only addresses: nothing a client writes
        into a header reaches the log as text."""
        peer = self.peer
        proxies = trusted_proxies()
        if peer is None:
            return "?"
        first = forwarded_client(peer, self.header("X-Forwarded-For"),
                                 self.header("X-Real-IP"), proxies)
        return f"{first} (via {peer})" if first is not None and first != peer else str(peer)

    @property
    def peer(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address the websocket came from (Streamlit reports none for loopback)."""
        return _address(self.ip or "127.0.0.1")

    @property
    def from_trusted_proxy(self) -> bool:
        """Did this request come straight from a proxy of ``login.trusted_proxies``? False
        unless the server was started by ops.serve (else uvicorn may have replaced the
        peer with what a client wrote into X-Forwarded-For)."""
        peer = self.peer
        return (peer is not None and proxy_headers_off()
                and any(peer in net for net in trusted_proxies()))

    @property
    def binding(self) -> str:
        """What a session is bound to: this client's address and browser (User-Agent)."""
        return f"{self.client}\n{self.header('User-Agent') or ''}"


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def forwarded_client(peer, forwarded: str | None, real_ip: str | None,
                     proxies: Sequence) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client a chain of trusted proxies forwarded for, or None. Read only when the
    peer is a trusted proxy; X-Forwarded-For is read from the right (each proxy appends
    the address it saw), past every trusted proxy, to the first address none of them is:
    the entries left of it were written by the client and prove nothing. Anything that is
    not an IP address ends the walk."""
    def trusted(address) -> bool:
        return any(address in net for net in proxies)

    if peer is None or not trusted(peer):
        return None
    found = None
    if forwarded:
        for item in reversed(forwarded.split(",")):
            address = _address(item)
            if address is None:
                break
            found = address
            if not trusted(address):
                break
    elif real_ip:
        found = _address(real_ip)
    return found


def trusted_proxies() -> tuple:
    return service().settings.trusted_proxies


def request_info() -> RequestInfo:
    ctx = st.context
    try:
        cookies = dict(ctx.cookies.to_dict())
    except Exception:  # noqa: BLE001 - no client context (bare runs)
        cookies = {}
    try:
        headers = dict(ctx.headers.to_dict())
    except Exception:  # noqa: BLE001
        headers = {}
    try:
        ip = ctx.ip_address
    except Exception:  # noqa: BLE001
        ip = None
    return RequestInfo(cookies, headers, ip if isinstance(ip, str) else None)


def client() -> str:
    """This browser's address for the audit log."""
    return request_info().client


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or "zh"
    return "en" if value == "en" else "zh"


def mode() -> str:
    return service().settings["login.mode"]


def audit_once(action: str, key: tuple, *, client: str, actor, **details) -> None:
    done = st.session_state.setdefault(LOGGED, set())
    marker = (action, *key)
    if marker in done:
        return
    done.add(marker)
    service().record(action, actor, client=client, **details)



__all__ = ["Access", "service"]
