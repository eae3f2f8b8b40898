"""Start the dashboard with the settings file's values (``make run`` and the service).

    python -m ops.serve [extra streamlit options]

Settings are checked first; a wrong value stops the start with one line saying which
(exit 2). Then the application database is brought to this release's schema; a migration
that fails leaves the database as it was and stops the start with a message naming it
(exit 3). The systemd unit does not restart on these two: they need a person.

Two checks of Streamlit's web server are made stricter here, in the server process, before
it starts (so the dashboard is always started through this module: make run, make serve,
the service):

* The websocket's Origin must be this server's own origin, port included (Streamlit
  accepts any port of localhost, of this machine's addresses and of
  ``server.corsAllowedOrigins``: a page served by another program on another port of the
  same host could open a session with the user's cookie). See ``origin_allowed``.
* A route ``<base>/_heze/session`` sets the session cookie HttpOnly (access.handoff).
* The app's page is served with the server's base URL in it (ops.pagebase), so the browser
  does not first look for the server under the page's own path (two 404s on every page).
* uvicorn's own X-Forwarded-For handling is turned off (it believes any local process and
  does not check that the value is an address); pages.login_request reads the forwarded address
  itself, only from ``login.trusted_proxies``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit

import appdb
from core.settings import PROJECT_DIR, PROXY_HEADERS_ENV, SettingsError, current
from ops import pagebase

SETTINGS_FAILED = 2
APP_DB_FAILED = 3
SERVER_CHECKS_FAILED = 4  # the Origin check or the cookie route cannot be put in place
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as ``https://dash.example:8443``, or None."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.username is not None or parts.password is not None:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


def origin_allowed(origin: str | None, host: str | None, allowed: Iterable[str] = ()) -> bool:
    """May a websocket opened by a page of `origin` talk to this server, reached as `host`
    (the Host header)? Only the same origin, port included, or one named in full in
    `allowed` (``server.corsAllowedOrigins``). A request without Origin does not come from
    a browser page (browsers always send it), so no cookie of a visitor can be abused by
    it: allowed, as Streamlit does."""
    if origin is None:
        return True
    key = _origin_key(origin)
    if key is None:
        return False
    scheme, hostname, port = key
    try:
        seen = urlsplit(f"//{(host or '').strip()}")
        host_port = seen.port
    except ValueError:
        return False
    if seen.hostname and seen.hostname.lower().rstrip(".") == hostname \
            and (host_port or _DEFAULT_PORTS[scheme]) == port:
        return True
    return key in {_origin_key(a) for a in allowed} - {None}


def install_origin_check() -> None:
    """Put `origin_allowed` in place of Streamlit's websocket Origin check. Fails loudly if
    a Streamlit upgrade moved the check, rather than start without it."""
    from streamlit.web.server import server_util
    from streamlit.web.server.starlette import starlette_websocket as ws

    if not callable(getattr(ws, "_is_origin_allowed", None)) or not callable(
            getattr(ws, "is_host_allowed", None)):
        raise RuntimeError("streamlit's websocket Origin check has moved: "
                           "ops.serve.install_origin_check needs updating")

    def checked(origin: str | None, host: str | None) -> bool:
        return ws.is_host_allowed(host) and origin_allowed(
            origin, host, server_util.allowlisted_origins())

    checked.heze = True  # type: ignore[attr-defined]
    ws._is_origin_allowed = checked


def streamlit_args(settings) -> list[str]:
    """The `streamlit run` command line for these settings."""
    args = [
        "run", str(PROJECT_DIR / "app.py"),
        "--server.port", str(settings["server.port"]),
        "--server.address", settings["server.address"],
        "--server.headless", "true",
        "--server.enableXsrfProtection", "true",
        "--server.maxUploadSize", str(settings["data.max_upload_mb"]),
        "--browser.gatherUsageStats", "false",
        "--client.showErrorDetails", "full" if settings["server.development"] else "none",
        # Streamlit's welcome lines would ask checkip.amazonaws.com for this machine's public
        # address when it listens on every interface: no request may leave an intranet
        # server, so the address is printed here instead (main).
        "--logger.hideWelcomeMessage", "true",
    ]
    if settings.base_path:
        args += ["--server.baseUrlPath", settings.base_path]
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        settings = current()
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return SETTINGS_FAILED
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        appdb.migrate(settings.app_db)
    except appdb.AppDbError as exc:
        print(f"应用数据库错误，看板未启动 / application database error, the dashboard did not "
              f"start: {exc}", file=sys.stderr)
        return APP_DB_FAILED
    os.chdir(PROJECT_DIR)  # .streamlit/config.toml and static/ are found beside app.py
    os.environ[PROXY_HEADERS_ENV] = ""
    try:
        install_origin_check()
        # Streamlit and the access modules built on it load only here, when the server
        # starts: ops.cli and ops.daemon import this module without serving. A Streamlit
        # whose internals differ fails this import and the start (below).
        from streamlit.web.server import server_util

        from access import handoff

        handoff.install_route(settings.base_path, lambda origin, host: origin_allowed(
            origin, host, server_util.allowlisted_origins()))
        pagebase.install(settings.base_path)  # the page asks the server's base URL first
    except (RuntimeError, AttributeError, ImportError) as exc:
        print(f"Streamlit 的内部结构与本程序不符，为安全起见看板未启动 / Streamlit's internals "
              f"do not match this release; for safety the dashboard did not start: {exc}",
              file=sys.stderr)
        return SERVER_CHECKS_FAILED
    from streamlit.web import cli

    from access import downloads, process

    downloads.install(process.service, settings.base_path)  # /media files only for the session that made them

    sys.argv = ["streamlit", *streamlit_args(settings), *argv]
    print(f"看板地址 / dashboard URL: {local_url(settings, argv)}", flush=True)
    return cli.main()


def local_url(settings, argv: list[str] = ()) -> str:
    """Where the dashboard answers on this machine (behind a proxy, the proxy's own URL is
    the users'); a port or address given on the command line wins over the settings."""
    given = dict(zip(argv[::2], argv[1::2], strict=False))
    host = given.get("--server.address", settings["server.address"])
    host = "localhost" if host in ("0.0.0.0", "::", "", "127.0.0.1") else host  # noqa: S104
    port = given.get("--server.port", settings["server.port"])
    path = f"/{settings.base_path}/" if settings.base_path else "/"
    return f"http://{host}:{port}{path}"


if __name__ == "__main__":
    raise SystemExit(main())
