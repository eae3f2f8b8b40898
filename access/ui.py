"""The Streamlit side of access: the login screen, the signed-in user on every rerun, the
session cookie, logout, the page guard and the navigation a role may see. The only module of
access that imports streamlit.

In app.py, right after ``st.set_page_config``::

    from access import ui as access_ui
    user = access_ui.gate()              # login screen and st.stop() until signed in
    access_ui.sidebar(user)              # who is signed in, the scope, the logout button
    ...                                  # Analytics(con, county_scope=user.county_scope)
    nav = access_ui.navigation(user, PAGES)  # (path, title, slug); others answer 无权访问
    nav.run()

and at the top of every page: ``access_ui.guard("overview")``.

How the session survives a reload
---------------------------------
After a password login the browser keeps a random session token in the cookie
``heze_session`` (Path = the app's base path, HttpOnly, SameSite=Strict, Secure over HTTPS,
Max-Age = ``session.max_hours``); the server keeps only its SHA-256 (access.service), and
the hash of the client's address and browser the session is bound to. Streamlit reads
cookies (``st.context.cookies``, those of the page's websocket request) but has no call to
set one, and its own signed cookie is reserved for ``st.login``. So ops.serve adds a route
of ours to Streamlit's web server (access.handoff): the page gets a one-time code in a
three-line script (``st.html(..., unsafe_allow_javascript=True)``, built only from our own
values, JSON-encoded), posts it there, and the answer sets the cookie HttpOnly: no script
in the page ever holds the token. Under a plain ``streamlit run`` (development, without
that route) the script writes the cookie itself, which cannot be HttpOnly.

Other login modes (``login.mode`` in the settings)
--------------------------------------------------
* ``header``: an authenticating reverse proxy names the user in ``login.trusted_header``
  (read from ``st.context.headers``); the user must exist here and be enabled. No cookie.
* ``oidc``: Streamlit's ``st.login`` against the identity provider in
  ``.streamlit/secrets.toml``; ``st.user.email`` is matched to a user's e-mail here.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

from access import handoff
from access import roles as R
from access.service import Access, LoginFailed, User
from access.text import t
from core.settings import current as current_settings
from core.settings import proxy_headers_off

COOKIE = "heze_session"
COOKIE_BOX = "heze_access_cookie"
STATE = "_heze_access"              # {"mode", "token", "subject"} of this browser tab
FLASH = "_heze_access_flash"        # a message for the login screen (signed out, expired)
SPENT = "_heze_access_spent"        # a cookie token this tab already found invalid
LOGGED = "_heze_access_logged"      # failed external logins / denied pages already audited
WRITTEN = "_heze_access_written"    # the cookie value this tab last wrote ("" = cleared)
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


# -- the service ---------------------------------------------------------------------------
_SERVICES: dict[tuple[str, int], Access] = {}
_SERVICES_LOCK = threading.Lock()


def service() -> Access:
    """One Access per settings in effect, shared by every session of this process."""
    settings = current_settings()
    key = (str(settings.app_db), id(settings))
    with _SERVICES_LOCK:
        acc = _SERVICES.get(key)
        if acc is None:
            _SERVICES.clear()
            acc = _SERVICES[key] = Access(settings=settings)
        return acc


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or "zh"
    return "en" if value == "en" else "zh"


def _mode() -> str:
    return service().settings["login.mode"]


# -- who is signed in ----------------------------------------------------------------------
def current_user() -> User | None:
    """The signed-in user for this rerun, re-read from the application database (so a
    changed role or scope, a disabled account or an ended session count at once), or None.
    In password mode a reload restores the session from the cookie."""
    req = request_info()
    mode = _mode()
    if mode == "header":
        return _header_user(req)
    if mode == "oidc":
        return _oidc_user(req)
    return _password_user(req)


def _password_user(req: RequestInfo) -> User | None:
    acc = service()
    state = st.session_state.get(STATE)
    if state and state.get("mode") == "password":
        check = acc.check_session(state["token"], client=req.client, binding=req.binding)
        if check.ok:
            return check.user
        st.session_state.pop(STATE, None)
        st.session_state[SPENT] = state["token"]
        st.session_state[FLASH] = EXPIRED_FLASH.get(check.reason, "expired_ended")
        return None
    token = req.cookies.get(COOKIE)
    if not token or token == st.session_state.get(SPENT):
        return None
    check = acc.check_session(token, client=req.client, binding=req.binding)
    if check.ok:
        st.session_state[STATE] = {"mode": "password", "token": token}
        return check.user
    st.session_state[SPENT] = token
    if check.reason in ("idle", "max_age", "client_changed"):
        st.session_state[FLASH] = EXPIRED_FLASH[check.reason]
    return None


def _trusted_user(req: RequestInfo, mode: str, subject: str,
                  lookup: Callable[[], tuple[User | None, str | None]]) -> User | None:
    acc = service()
    state = st.session_state.get(STATE)
    if state and state.get("mode") == mode:
        if subject and state.get("subject", "").casefold() == subject.casefold():
            check = acc.check_session(state["token"], client=req.client)
            if check.ok:
                return check.user
        else:  # someone else now: end the old session
            acc.logout(state["token"], client=req.client)
        st.session_state.pop(STATE, None)
    user, reason = lookup()
    if user is None:
        _audit_once("login_failed", (mode, reason, subject), client=req.client,
                    actor=subject or None, mode=mode, reason=reason)
        return None
    login = acc.login_trusted(user, mode=mode, client=req.client, subject=subject)
    st.session_state[STATE] = {"mode": mode, "token": login.token, "subject": subject}
    return login.user


def _header_user(req: RequestInfo) -> User | None:
    if not req.from_trusted_proxy:
        # Not from a proxy of login.trusted_proxies: the header proves nothing, whatever
        # it says. Refused and logged once per tab, with what was claimed.
        claimed = _clean_claim(req.header(service().settings["login.trusted_header"]))
        _audit_once("login_failed", ("header", "untrusted_peer", claimed), client=req.client,
                    actor=None, mode="header", reason="untrusted_peer", claimed=claimed)
        state = st.session_state.pop(STATE, None)
        if state and state.get("mode") == "header":
            service().logout(state["token"], client=req.client)
        return None
    name = (req.header(service().settings["login.trusted_header"]) or "").strip()
    return _trusted_user(req, "header", name, lambda: service().user_for_header(name))


def _clean_claim(value: str | None) -> str:
    """A claimed user name for the audit details (JSON there; cut short)."""
    return "".join(ch for ch in str(value or "") if ch.isprintable())[:64]


def oidc_claims() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - no auth configured
        return {}


def _oidc_user(req: RequestInfo) -> User | None:
    claims = oidc_claims()
    if claims.get("is_logged_in") is not True:
        state = st.session_state.pop(STATE, None)
        if state and state.get("mode") == "oidc":  # signed out at the provider
            service().logout(state["token"], client=req.client)
        return None
    email = str(claims.get("email") or "").strip()
    return _trusted_user(req, "oidc", email, lambda: service().user_for_oidc(claims))


def _audit_once(action: str, key: tuple, *, client: str, actor, **details) -> None:
    done = st.session_state.setdefault(LOGGED, set())
    marker = (action, *key)
    if marker in done:
        return
    done.add(marker)
    service().record(action, actor, client=client, **details)


# -- the cookie ----------------------------------------------------------------------------
def cookie_path() -> str:
    base = service().settings.base_path
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
    max_age = int(service().settings["session.max_hours"]) * 3600 if token else 0
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


def _sync_cookie(req: RequestInfo) -> None:
    """Make the browser's cookie match this tab's session (password mode only).

    The browser's cookie is what this tab last wrote, else what the page's request sent.
    A write is drawn again on later reruns until a request carries it: an identical
    element is not run twice by the browser, and one lost in an interrupted rerun arrives
    with the next."""
    if _mode() != "password":
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


# -- the screens ---------------------------------------------------------------------------
def gate(pages: Sequence[str] = R.PAGES) -> User:
    """The signed-in user; otherwise the login screen (under every page's URL, so a deep
    link opens its page right after login) and st.stop(). Call it before drawing anything
    else, right after st.set_page_config."""
    user = current_user()
    _sync_cookie(request_info())
    if user is not None:
        return user
    screen = {"password": _password_login_page, "header": _header_refused_page,
              "oidc": _oidc_login_page}[_mode()]
    title = t("please_login", lang())
    nav = st.navigation(
        [st.Page(screen, title=title, url_path="login", default=True)]
        + [st.Page(screen, title=title, url_path=slug, visibility="hidden") for slug in pages],
        position="hidden")
    nav.run()
    st.stop()
    raise AssertionError("st.stop() returned")  # for readers and type checkers


def _heading(lg: str) -> None:
    left, right = st.columns([5, 1])
    left.title(t("app_title", lg))
    right.button(t("switch_language", lg), key="heze_login_lang", on_click=_switch_language,
                 args=("zh" if lg == "en" else "en",))


def _switch_language(to: str) -> None:
    st.query_params["lang"] = to
    if "lang" in st.session_state:
        st.session_state["lang"] = to


def _password_login_page() -> None:
    lg = lang()
    _heading(lg)
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.info(t(flash, lg))
    with st.form("heze_login", clear_on_submit=True):
        st.subheader(t("please_login", lg))
        name = st.text_input(t("user_name", lg), key="heze_login_user", autocomplete="username",
                             max_chars=64)
        password = st.text_input(t("password", lg), type="password", key="heze_login_password",
                                 autocomplete="current-password", max_chars=256)
        submitted = st.form_submit_button(t("login", lg), type="primary")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error(t("missing_fields", lg))
        return
    req = request_info()
    try:
        login = service().authenticate(name, password, client=req.client, binding=req.binding)
    except LoginFailed:
        st.error(t("login_failed", lg))
        return
    st.session_state[STATE] = {"mode": "password", "token": login.token}
    st.session_state.pop(SPENT, None)
    st.rerun()


def _header_refused_page() -> None:
    lg = lang()
    _heading(lg)
    st.error(t("header_unknown", lg))


def _oidc_login_page() -> None:
    lg = lang()
    _heading(lg)
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.info(t(flash, lg))
    if oidc_claims().get("is_logged_in") is True:  # signed in there, but no account here
        st.error(t("sso_unknown", lg))
        if st.button(t("logout", lg), key="heze_sso_logout"):
            st.logout()
        return
    if st.button(t("sso_login", lg), type="primary", key="heze_sso_login"):
        provider = service().settings["login.oidc_provider"] or None
        try:
            st.login(provider) if provider else st.login()
        except Exception:  # noqa: BLE001 - StreamlitAuthError: [auth] missing or incomplete
            st.error(t("sso_not_configured", lg))


def logout() -> None:
    """End this tab's session (and clear the cookie on the next draw)."""
    state = st.session_state.pop(STATE, None)
    if state:
        service().logout(state["token"], client=request_info().client)
        st.session_state[SPENT] = state["token"]
    st.session_state[FLASH] = "logged_out"


def sidebar(user: User, container=None) -> None:
    """Who is signed in, their role and county scope (plain text, never HTML or Markdown),
    and the logout button (not in header mode, where the proxy owns the login)."""
    box = container if container is not None else st.sidebar
    lg = lang()
    box.text(f"{t('signed_in_as', lg)}: {user.label} ({user.role_label(lg)})")
    scope = user.county_scope
    box.text(f"{t('scope', lg)}: "
             + (("、" if lg == "zh" else ", ").join(user.county_names(lg)) if scope
                else t("all_counties", lg)))
    mode = _mode()
    if mode != "header" and box.button(t("logout", lg), key="heze_access_logout"):
        logout()
        if mode == "oidc":
            st.logout()
        st.rerun()


def no_permission(slug: str, user: User | None = None) -> None:
    """The page a role may not open: says so in Chinese (and English when chosen), logs it
    once per tab, and draws nothing else."""
    lg = lang()
    st.title(t("no_permission_title", "zh") + ("" if lg == "zh" else " / No permission"))
    st.error(t("no_permission", "zh"))
    if lg == "en":
        st.caption(t("no_permission", "en"))
    _audit_once("denied", ("page", slug), client=request_info().client, actor=user, page=slug)


def guard(slug: str, user: User | None = None) -> User:
    """Call at the top of a page: the user if they may open `slug`; otherwise the no
    permission message and st.stop()."""
    if user is None:
        user = current_user()
    if user is None:
        st.error(t("expired_ended", lang()))
        st.stop()
    if not user.may_open(slug):
        no_permission(slug, user)
        st.stop()
    return user


def _denied(slug: str) -> Callable[[], None]:
    def page() -> None:
        no_permission(slug, current_user())
    page.__name__ = f"denied_{slug}"
    return page


def navigation(user: User, pages: Sequence[tuple], *, position: str = "sidebar",
               expanded: bool = False):
    """st.navigation over `pages` — tuples (page file or callable, title, slug[, icon]).
    Pages the user may open are in the menu, the first of them the default; the others are
    registered hidden, so their URL answers 无权访问 instead of 'page not found'."""
    entries, default_given = [], False
    for page, title, slug, *rest in pages:
        icon = rest[0] if rest else None
        if user.may_open(slug):
            entries.append(st.Page(page, title=title, url_path=slug, icon=icon,
                                   default=not default_given))
            default_given = True
        else:
            entries.append(st.Page(_denied(slug), title=title, url_path=slug, icon=icon,
                                   visibility="hidden"))
    if not default_given:  # a role that may open nothing listed
        entries.insert(0, st.Page(_denied("home"), title=t("no_permission_title", lang()),
                                  url_path="home", default=True))
    return st.navigation(entries, position=position, expanded=expanded)


# -- audited actions, with this browser's address -----------------------------------------
def log_export(user: User, *, what: str, fmt: str, filter=None, rows: int | None = None) -> int:
    """Record a download; raises PermissionDenied for a role without ``export``. Call it
    before handing out the file (and draw the button only if ``user.can("export")``); a
    button's deferred data runs outside the script, so it calls the service with the
    client address read while drawing (`pages.shared._logged_file`)."""
    return service().log_export(user, what=what, fmt=fmt, filter=filter, rows=rows,
                                client=client())


def reveal(user: User, *, table: str, record, reason: str) -> int:
    """Permit and log showing one person's full record; raises PermissionDenied or
    InputError (no reason). Fetch and show the unmasked record only after it returns."""
    return service().reveal(user, table=table, record=record, reason=reason, client=client())
