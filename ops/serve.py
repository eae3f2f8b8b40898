"""Start the dashboard with the settings file's values (``make run`` and the service).

    python -m ops.serve [extra streamlit options]

Settings are checked first; a wrong value stops the start with one line saying which
(exit 2). Then the application database is brought to this release's schema; a migration
that fails leaves the database as it was and stops the start with a message naming it
(exit 3). The systemd unit does not restart on these two: they need a person.
"""

from __future__ import annotations

import os
import sys

from ops.settings import PROJECT_DIR, SettingsError, current

SETTINGS_FAILED = 2
APP_DB_FAILED = 3


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
    import appdb

    try:
        appdb.migrate(settings.app_db)
    except appdb.AppDbError as exc:
        print(f"应用数据库错误，看板未启动 / application database error, the dashboard did not "
              f"start: {exc}", file=sys.stderr)
        return APP_DB_FAILED
    os.chdir(PROJECT_DIR)  # .streamlit/config.toml and static/ are found beside app.py
    from streamlit.web import cli

    from access import downloads

    downloads.install(settings.base_path)  # /media files only for the session that made them

    sys.argv = ["streamlit", *streamlit_args(settings), *argv]
    print(f"看板地址 / dashboard URL: {local_url(settings, argv)}", flush=True)
    return cli.main()


def local_url(settings, argv: list[str] = ()) -> str:
    """Where the dashboard answers on this machine (behind a proxy, the proxy's own URL is
    the users'); a port or address given on the command line wins over the settings."""
    given = dict(zip(argv[::2], argv[1::2], strict=False))
    host = given.get("--server.address", settings["server.address"])
    host = "localhost" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    port = given.get("--server.port", settings["server.port"])
    path = f"/{settings.base_path}/" if settings.base_path else "/"
    return f"http://{host}:{port}{path}"


if __name__ == "__main__":
    raise SystemExit(main())
