"""The login: the login screen, the signed-in user on every rerun, logout (the cookie is in
pages.login_cookie, the request in pages.login_request, the sidebar, page guard and
navigation a role may see in pages.account).

In app.py, right after ``st.set_page_config``::

    from pages import account, login
    user = login.gate()              # login screen and st.stop() until signed in
    account.sidebar(user)                # who is signed in, the scope, the logout button
    ...                                  # Analytics(con, county_scope=user.county_scope)
    nav = account.navigation(user, PAGES)  # (path, title, slug); others answer 无权访问
    nav.run()

and at the top of every page: ``account.guard("overview")``.

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

from collections.abc import Callable, Sequence

import streamlit as st

from access import roles as R
from access.service import LoginFailed, User
from access.text import t
from core.i18n import text
from pages import login_request as rq
from pages import login_warmup
from pages.login_cookie import sync_cookie
from pages.login_request import EXPIRED_FLASH, FLASH, SPENT, STATE, RequestInfo


def current_user() -> User | None:
    """The signed-in user for this rerun, re-read from the application database (so a
    changed role or scope, a disabled account or an ended session count at once), or None.
    In password mode a reload restores the session from the cookie."""
    req = rq.request_info()
    mode = rq.mode()
    if mode == "header":
        return _header_user(req)
    if mode == "oidc":
        return _oidc_user(req)
    return _password_user(req)


def _password_user(req: RequestInfo) -> User | None:
    acc = rq.service()
    state = st.session_state.get(STATE)
    if state and state.get("mode") == "password":
        check = acc.check_session(state["token"], client=req.client, binding=req.binding)
        if check.ok:
            return check.user
        st.session_state.pop(STATE, None)
        st.session_state[SPENT] = state["token"]
        st.session_state[FLASH] = EXPIRED_FLASH.get(check.reason, "expired_ended")
        return None
    token = req.cookies.get(rq.COOKIE)
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
    acc = rq.service()
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
        rq.audit_once("login_failed", (mode, reason, subject), client=req.client,
                    actor=subject or None, mode=mode, reason=reason)
        return None
    login = acc.login_trusted(user, mode=mode, client=req.client, subject=subject)
    st.session_state[STATE] = {"mode": mode, "token": login.token, "subject": subject}
    return login.user


def _header_user(req: RequestInfo) -> User | None:
    if not req.from_trusted_proxy:
        # Not from a proxy of login.trusted_proxies: the header proves nothing, whatever
        # it says. Refused and logged once per tab, with what was claimed.
        claimed = _clean_claim(req.header(rq.service().settings["login.trusted_header"]))
        rq.audit_once("login_failed", ("header", "untrusted_peer", claimed), client=req.client,
                    actor=None, mode="header", reason="untrusted_peer", claimed=claimed)
        state = st.session_state.pop(STATE, None)
        if state and state.get("mode") == "header":
            rq.service().logout(state["token"], client=req.client)
        return None
    name = (req.header(rq.service().settings["login.trusted_header"]) or "").strip()
    return _trusted_user(req, "header", name, lambda: rq.service().user_for_header(name))


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
            rq.service().logout(state["token"], client=req.client)
        return None
    email = str(claims.get("email") or "").strip()
    return _trusted_user(req, "oidc", email, lambda: rq.service().user_for_oidc(claims))



# -- the screens ---------------------------------------------------------------------------
def gate(pages: Sequence[str] = R.PAGES) -> User:
    """The signed-in user; otherwise the login screen (under every page's URL, so a deep
    link opens its page right after login) and st.stop(). Call it before drawing anything
    else, right after st.set_page_config."""
    user = current_user()
    sync_cookie(rq.request_info())
    if user is not None:
        return user
    screen = {"password": _password_login_page, "header": _header_refused_page,
              "oidc": _oidc_login_page}[rq.mode()]
    title = t("please_login", rq.lang())
    nav = st.navigation(
        [st.Page(screen, title=title, url_path="login", default=True)]
        + [st.Page(screen, title=title, url_path=slug, visibility="hidden") for slug in pages],
        position="hidden")
    nav.run()
    st.stop()
    raise AssertionError("st.stop() returned")  # for readers and type checkers


def _heading(lg: str) -> None:
    left, right = st.columns([5, 1])
    left.title(text("ui.app_title", lg))
    right.button(t("switch_language", lg), key="heze_login_lang", on_click=_switch_language,
                 args=("zh" if lg == "en" else "en",))


def _switch_language(to: str) -> None:
    st.query_params["lang"] = to
    if "lang" in st.session_state:
        st.session_state["lang"] = to


def _password_login_page() -> None:
    lg = rq.lang()
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
    login_warmup.mount()  # the first page's browser code, loaded while the user types
    if not submitted:
        return
    if not name.strip() or not password:
        st.error(t("missing_fields", lg))
        return
    req = rq.request_info()
    try:
        login = rq.service().authenticate(name, password, client=req.client, binding=req.binding)
    except LoginFailed:
        st.error(t("login_failed", lg))
        return
    st.session_state[STATE] = {"mode": "password", "token": login.token}
    st.session_state.pop(SPENT, None)
    st.rerun()


def _header_refused_page() -> None:
    lg = rq.lang()
    _heading(lg)
    st.error(t("header_unknown", lg))


def _oidc_login_page() -> None:
    lg = rq.lang()
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
        provider = rq.service().settings["login.oidc_provider"] or None
        try:
            st.login(provider) if provider else st.login()
        except Exception:  # noqa: BLE001 - StreamlitAuthError: [auth] missing or incomplete
            st.error(t("sso_not_configured", lg))


def logout() -> None:
    """End this tab's session (and clear the cookie on the next draw)."""
    state = st.session_state.pop(STATE, None)
    if state:
        rq.service().logout(state["token"], client=rq.request_info().client)
        st.session_state[SPENT] = state["token"]
    st.session_state[FLASH] = "logged_out"

