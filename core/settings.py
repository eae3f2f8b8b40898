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
    help_zh: str
    help_en: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"


KEYS: tuple[Key, ...] = (
    Key("server", "port", 8501, int, "监听端口", "port the dashboard listens on", 1, 65535),
    Key("server", "address", "127.0.0.1", str,
        "监听地址（默认只有本机可访问；经反向代理访问时保持 127.0.0.1，直接对内网开放时设为 0.0.0.0）",
        "address the dashboard listens on (by default only this machine: keep 127.0.0.1 "
        "behind a reverse proxy, 0.0.0.0 to serve the intranet directly)"),
    Key("server", "base_path", "", str,
        "在反向代理下的路径前缀，如 /fanxiang/（留空为根路径）",
        "URL path prefix behind a reverse proxy, such as /fanxiang/ (empty for the root)"),
    Key("server", "workers", 1, int,
        "make serve 启动的 Streamlit 进程数（多于 1 个时由 nginx 按会话分发）",
        "Streamlit processes `make serve` starts (more than one: nginx spreads the sessions, "
        "each tab staying on one)", 1, 64),
    Key("server", "development", False, bool,
        "开发模式：向用户显示错误详情（生产环境必须为 false）",
        "development mode: show error details to users (must be false in production)"),
    Key("data", "dir", "", str,
        "数据目录：快照、应用数据库、备份（留空时开发环境使用 build/data）",
        "data directory: snapshots, application database, backups (empty: build/data when "
        "run from source)"),
    Key("data", "keep_snapshots", 5, int, "保留的快照个数（当前快照之外）",
        "how many snapshots to keep besides the served one", 1, 1000),
    Key("data", "max_upload_mb", 200, int, "上传文件大小上限（MB）",
        "largest upload accepted, in MB", 1, 2048),
    Key("session", "idle_minutes", 30, int, "无操作多少分钟后退出登录",
        "minutes of inactivity before a session ends", 1, 24 * 60),
    Key("session", "max_hours", 12, int, "一次登录最长有效小时数",
        "hours a login lasts at most", 1, 24 * 30),
    Key("session", "bind_client", True, bool,
        "登录会话绑定客户端地址和浏览器：会话令牌从其他地址或浏览器发来时会话结束",
        "bind a login to the client's address and browser: the session ends when its "
        "token comes from another address or browser"),
    Key("login", "mode", "password", str,
        "登录方式：password 内置账号, oidc 统一身份认证, header 反向代理认证头",
        "how users log in: password (built-in accounts), oidc (identity provider), header "
        "(a trusted header set by an authenticating reverse proxy)",
        choices=("password", "oidc", "header")),
    Key("login", "max_failures", 5, int, "同一地址连续输错密码多少次后锁定该账号在该地址的登录",
        "wrong passwords in a row from one address before the account locks for that "
        "address", 1, 100),
    Key("login", "lock_minutes", 15, int,
        "首次锁定分钟数（同一账号和地址再次被锁定时加倍，最长 1 天）",
        "minutes of the first lock (each further lock of the same account and address lasts "
        "twice as long, at most a day)", 1, 24 * 60),
    Key("login", "trusted_header", "X-Remote-User", str,
        "header 方式下携带用户名的请求头", "request header naming the user in header mode"),
    Key("login", "trusted_proxies", "", str,
        "受信任的反向代理地址，逗号分隔（IP 或网段，如 127.0.0.1, 10.0.0.0/24）：只有来自这些地址的连接"
        "才能用认证头登录，其 X-Forwarded-For 才计入审计日志的客户端地址；header 方式下必填",
        "addresses of the trusted reverse proxies, comma-separated (IPs or networks, such as "
        "127.0.0.1, 10.0.0.0/24): only connections from them may name the user in the header, "
        "and only their X-Forwarded-For counts as the client address in the audit log; "
        "required in header mode"),
    Key("login", "oidc_provider", "", str,
        "oidc 方式下 secrets.toml 中 [auth.名称] 的名称（只有一个 [auth] 时留空）",
        "oidc mode: the provider name of [auth.NAME] in secrets.toml (empty for a single "
        "[auth] section)"),
    Key("access", "county_rank", False, bool,
        "县区用户能否看到本县区在全市各县区中的排名（只显示名次，不显示其他县区的数值）",
        "whether county staff see their county's rank among all counties (the rank only, "
        "never another county's figures)"),
    Key("backup", "keep", 10, int,
        "数据目录 backups/ 中保留的备份个数（python -m ops backup 未指定 --out 时）",
        "how many backups `python -m ops backup` keeps in the data directory's backups/ "
        "(when no --out is given)", 1, 1000),
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
