"""Start the dashboard with the settings file's values (``make run`` and the service).

    python -m ops.serve [extra streamlit options]

Settings are checked first; a wrong value stops the start with one line saying which.
"""

from __future__ import annotations

import os
import sys

from ops.settings import PROJECT_DIR, SettingsError, current


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
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(PROJECT_DIR)  # .streamlit/config.toml and static/ are found beside app.py
    from streamlit.web import cli

    sys.argv = ["streamlit", *streamlit_args(settings), *argv]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
