"""The dashboard's settings: one TOML file, every key declared once here, checked at start.

Where the file is: ``$HEZE_CONFIG`` if set, else ``heze.toml`` beside the code if present,
else the defaults below. ``$HEZE_DATA_DIR`` overrides ``data.dir`` (the tests use it).

    python -m core.settings [FILE]               # print the settings in effect, or what is wrong
    python -m core.settings [FILE] --get KEY     # one value (for scripts: the installer)
    python -m core.settings --keys [--markdown]  # every key with its default and meaning
    python -m core.settings --template [--set KEY=VALUE ...]
                                                # a complete, commented settings file

A wrong value stops the start with one line naming the key, the value and what is allowed,
in Chinese and English.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import i18n
from core.errors import BilingualError
from core.i18n import pair

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_ENV = "HEZE_CONFIG"
DATA_DIR_ENV = "HEZE_DATA_DIR"
DEFAULT_CONFIG = PROJECT_DIR / "heze.toml"
DEV_DATA_DIR = PROJECT_DIR / "build" / "data"
# uvicorn trusts X-Forwarded-For from these addresses ("127.0.0.1,::1" when unset); empty:
# from nobody. ops.serve empties it; pages.login_request refuses header logins unless it is empty
# (see proxy_headers_off).
PROXY_HEADERS_ENV = "FORWARDED_ALLOW_IPS"


class SettingsError(BilingualError, ValueError):
    """A setting that cannot be used; the message names it in both languages."""


@dataclass(frozen=True)
class Key:
    section: str
    name: str
    default: Any
    kind: type
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def help_zh(self) -> str:
        """What the setting does, in Chinese: the catalogue's setting.<section>.<name>."""
        return i18n.text(f"setting.{self.dotted}", "zh")

    @property
    def help_en(self) -> str:
        return i18n.text(f"setting.{self.dotted}", "en")


KEYS: tuple[Key, ...] = (
    Key("server", "port", 8501, int, 1, 65535),
    Key("server", "address", "127.0.0.1", str),
    Key("server", "base_path", "", str),
    Key("server", "workers", 1, int, 1, 64),
    Key("server", "development", False, bool),
    Key("data", "dir", "", str),
    Key("data", "keep_snapshots", 5, int, 1, 1000),
    Key("data", "max_upload_mb", 200, int, 1, 2048),
    Key("session", "idle_minutes", 30, int, 1, 24 * 60),
    Key("session", "max_hours", 12, int, 1, 24 * 30),
    Key("session", "bind_client", True, bool),
    Key("login", "mode", "password", str,
        choices=("password", "oidc", "header")),
    Key("login", "max_failures", 5, int, 1, 100),
    Key("login", "lock_minutes", 15, int, 1, 24 * 60),
    Key("login", "trusted_header", "X-Remote-User", str),
    Key("login", "trusted_proxies", "", str),
    Key("login", "oidc_provider", "", str),
    Key("access", "county_rank", False, bool),
    Key("backup", "keep", 10, int, 1, 1000),
)
_BY_DOTTED = {k.dotted: k for k in KEYS}


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def __getitem__(self, dotted: str) -> Any:
        return self.values[dotted]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data.dir"])

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def app_db(self) -> Path:
        return self.data_dir / "app.db"

    @property
    def base_path(self) -> str:
        return self.values["server.base_path"].strip("/")

    @property
    def trusted_proxies(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The networks of ``login.trusted_proxies`` (checked at load)."""
        return proxy_networks(self.values["login.trusted_proxies"])


def proxy_headers_off() -> bool:
    """True in a server started by ops.serve: the peer address Streamlit reports is the
    real peer, not what a client wrote into X-Forwarded-For."""
    return os.environ.get(PROXY_HEADERS_ENV) == ""


def proxy_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``127.0.0.1, 10.0.0.0/24`` as networks; SettingsError naming a part that is not an
    address or network."""
    networks = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise SettingsError(
                "error.settings.bad_proxy", part=part) from None
    return tuple(networks)


def _check(key: Key, value: Any) -> Any:
    allowed = {int: pair("error.settings.kind.int"), str: pair("error.settings.kind.str"),
               bool: pair("error.settings.kind.bool")}[key.kind]
    wrong_type = (not isinstance(value, key.kind)
                  or (key.kind is int and isinstance(value, bool)))
    if wrong_type:
        raise SettingsError("error.settings.invalid_value", dotted=key.dotted, value=value,
                            allowed_zh=allowed[0], allowed_en=allowed[1])
    if key.kind is int and ((key.minimum is not None and value < key.minimum)
                            or (key.maximum is not None and value > key.maximum)):
        raise SettingsError(
            "error.settings.out_of_range", dotted=key.dotted, value=value, minimum=key.minimum,
            maximum=key.maximum)
    if key.choices and value not in key.choices:
        raise SettingsError(
            "error.settings.invalid_choice", dotted=key.dotted, value=value,
            choices_zh="、".join(key.choices), choices_en=", ".join(key.choices))
    return value


def config_path() -> Path | None:
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def load(path: Path | str | None = None) -> Settings:
    """The settings in effect, checked; raises SettingsError naming what is wrong."""
    path = Path(path) if path is not None else config_path()
    raw: dict = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError("error.settings.file_missing", path=path) \
                from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError("error.settings.bad_toml", path=path, exc=exc) from None
    values: dict[str, Any] = {}
    for section, entries in raw.items():
        if not isinstance(entries, dict):
            raise SettingsError("error.settings.not_a_section", section=section)
        for name, value in entries.items():
            dotted = f"{section}.{name}"
            if dotted not in _BY_DOTTED:
                raise SettingsError("error.settings.unknown_setting", dotted=dotted)
            values[dotted] = _check(_BY_DOTTED[dotted], value)
    for key in KEYS:
        values.setdefault(key.dotted, key.default)
    if os.environ.get(DATA_DIR_ENV):
        values["data.dir"] = os.environ[DATA_DIR_ENV]
    if not values["data.dir"]:
        values["data.dir"] = str(DEV_DATA_DIR)
    base = values["server.base_path"]
    if base and not all(part.replace("-", "").replace("_", "").isalnum()
                        for part in base.strip("/").split("/")):
        raise SettingsError("error.settings.bad_base_path", base=base)
    proxies = proxy_networks(values["login.trusted_proxies"])
    if values["login.mode"] == "header" and not proxies:
        raise SettingsError(
            "error.settings.header_needs_proxies")
    return Settings(values, path)


_CACHED: tuple[tuple, Settings] | None = None


def current() -> Settings:
    """The settings, read once per process (and again if the file or environment changes)."""
    global _CACHED
    path = config_path()
    stamp = (str(path), path.stat().st_mtime_ns if path and path.exists() else None,
             os.environ.get(DATA_DIR_ENV))
    if _CACHED is None or _CACHED[0] != stamp:
        _CACHED = (stamp, load(path))
    return _CACHED[1]


def toml_value(value: Any) -> str:
    """A value as TOML writes it (the kinds KEYS use: whole numbers, text, true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _allowed(key: Key) -> str:
    if key.choices:
        return " / ".join(f"`{c}`" for c in key.choices)
    if key.kind is bool:
        return "`true` / `false`"
    if key.kind is int:
        return f"{key.minimum}–{key.maximum}"
    return ""


def keys_markdown() -> str:
    """Every key as a Markdown table (docs/deploy.md's table is this text; a test compares)."""
    lines = ["| 设置项 key | 默认值 default | 取值 allowed | 说明 | meaning |",
             "|---|---|---|---|---|"]
    for key in KEYS:
        default = toml_value(key.default)
        lines.append(f"| `{key.dotted}` | `{default}` | {_allowed(key)} | {key.help_zh} | "
                     f"{key.help_en} |")
    return "\n".join(lines) + "\n"


def parse_assignment(text: str) -> tuple[Key, Any]:
    """KEY=VALUE from the command line, converted to the key's kind and checked."""
    dotted, sep, raw = text.partition("=")
    key = _BY_DOTTED.get(dotted.strip())
    if not sep or key is None:
        raise SettingsError("error.settings.bad_assignment", text=text)
    raw = raw.strip()
    value: Any = raw
    if key.kind is int:
        try:
            value = int(raw)
        except ValueError:
            value = raw
    elif key.kind is bool:
        value = {"true": True, "false": False}.get(raw.lower(), raw)
    return key, _check(key, value)


def template(overrides: dict[str, Any] | None = None) -> str:
    """A complete settings file: every section and key with its help in both languages;
    keys left at their default are commented out, the overrides are set."""
    overrides = overrides or {}
    out = ["# 菏泽市返乡创业数据看板 设置文件 / Heze dashboard settings file (TOML).",
           "# 每一项都有默认值；去掉行首的 # 并修改即可生效，重启服务后生效。",
           "# Every key has a default: remove the leading # and change the value; restart the",
           "# service afterwards. Check the file with: python -m core.settings FILE"]
    section = None
    for key in KEYS:
        if key.section != section:
            section = key.section
            out += ["", f"[{section}]"]
        out.append(f"# {key.help_zh}")
        out.append(f"# {key.help_en}")
        allowed = _allowed(key).replace("`", "")
        if allowed:
            out.append(f"# 取值 / allowed: {allowed}")
        if key.dotted in overrides:
            out.append(f"{key.name} = {toml_value(overrides[key.dotted])}")
        else:
            out.append(f"# {key.name} = {toml_value(key.default)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["--keys"]:
            if argv[1:] == ["--markdown"]:
                print(keys_markdown(), end="")
                return 0
            for key in KEYS:
                print(f"{key.dotted} = {key.default!r}\n    {key.help_zh}\n    {key.help_en}")
            return 0
        if argv[:1] == ["--template"]:
            rest, overrides = argv[1:], {}
            while rest:
                if rest[0] != "--set" or len(rest) < 2:
                    raise SettingsError("error.settings.unknown_argument", argument=rest[0])
                key, value = parse_assignment(rest[1])
                overrides[key.dotted] = value
                rest = rest[2:]
            print(template(overrides), end="")
            return 0
        get = None
        if "--get" in argv:
            i = argv.index("--get")
            if i + 1 >= len(argv) or argv[i + 1] not in _BY_DOTTED:
                raise SettingsError("error.settings.get_needs_name")
            get = argv[i + 1]
            argv = argv[:i] + argv[i + 2:]
        settings = load(argv[0] if argv else None)
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    if get is not None:
        value = settings[get]
        print(value if isinstance(value, str) else toml_value(value))
        return 0
    print(f"# {settings.source or '默认设置 / defaults'}")
    for dotted, value in settings.values.items():
        print(f"{dotted} = {value!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
