"""Users, password logins with lockout, sessions and the audit log, over the application
database (appdb). No streamlit here: the app (pages.login), the command line (access.cli) and
the tests all use this class.

    acc = Access()                                   # the database named by the settings
    login = acc.authenticate("zhang", password, client="10.0.0.8")
    check = acc.check_session(login.token)           # on every rerun: user or why not
    acc.logout(login.token, client="10.0.0.8")

Every time comes from one clock (``clock=`` in tests), every change is one transaction, and
every action worth knowing about is written to the audit log with user, role and client.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

import appdb
from access import counties as county_ref
from access import names
from access import roles as R
from analytics.export import csv_bytes, xlsx_bytes
from core.errors import BilingualError
from core.i18n import pair
from core.settings import current

Clock = Callable[[], datetime]
TOUCH_SECONDS = 30  # a session's last_seen is written at most this often
LOCK_MAX = timedelta(days=1)      # the longest lock of one user and address
LOCK_FORGET = timedelta(days=1)   # a pair quiet this long after its last lock starts anew
PASSWORD_MIN = 8
PASSWORD_MAX = 256
REASON_MIN = 2
REASON_MAX = 500
_NAME_RE = re.compile(r"^[\w.@-]{1,64}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


# -- errors --------------------------------------------------------------------------------
class AccessError(BilingualError):
    """Something refused, in both languages. ``usage`` marks bad input (the command line
    exits 2 for it), otherwise a refusal (exit 1)."""


class InputError(AccessError):
    usage = True


class LoginFailed(AccessError):
    """The one answer to every failed login: it never says which part was wrong."""

    def __init__(self) -> None:
        super().__init__("access.login_failed")


class PermissionDenied(AccessError):
    def __init__(self) -> None:
        super().__init__("access.no_permission_action")


# The one answer to every failed login, and to any action without permission: (zh, en).
LOGIN_FAILED = pair("access.login_failed")
NO_PERMISSION = pair("access.no_permission_action")

# Audit actions, with their labels for the admin page.
ACTIONS = {
    "login": ("登录", "login"),
    "login_failed": ("登录失败", "failed login"),
    "logout": ("退出登录", "logout"),
    "session_expired": ("会话过期", "session expired"),
    "export": ("导出", "export"),
    "reveal": ("查看个人完整信息", "personal data revealed"),
    "user_change": ("用户变更", "user change"),
    "import": ("导入数据", "import"),
    "denied": ("无权限的访问", "access denied"),
    "target_set": ("设定目标", "target set"),
    "target_withdraw": ("撤销目标", "target withdrawn"),
    "target_import": ("导入目标", "targets imported"),
}
# The details of an entry in words: its keys, and the codes among its values.
DETAIL_KEYS = {
    "what": ("内容", "what"), "format": ("格式", "format"), "filter": ("筛选条件", "filter"),
    "rows": ("行数", "rows"), "scope": ("数据范围", "scope"), "table": ("数据库", "table"),
    "record": ("记录", "record"), "reason": ("事由", "reason"), "page": ("页面", "page"),
    "permission": ("所需权限", "permission"), "indicator": ("指标", "indicator"),
    "county": ("县区", "county"), "year": ("年度", "year"), "value": ("目标值", "value"),
    "previous": ("原值", "previous"), "source": ("来源", "source"), "file": ("文件", "file"),
    "sha256": ("文件校验值", "sha256"), "note": ("备注", "note"), "created": ("新增", "created"),
    "changed": ("修改", "changed"), "unchanged": ("未变", "unchanged"),
    "method": ("方式", "method"), "user": ("用户", "user"), "role": ("角色", "role"),
    "mode": ("方式", "mode"), "counties": ("县区", "counties"),
}
DETAIL_VALUES = {
    "demo": ("演示数据", "demo data"), "app": ("页面", "app"), "import": ("导入", "import"),
    "cli": ("命令行", "command line"), "password": ("密码", "password"),
    "stations": ("服务站信息库", "station register"),
    "outside_people": ("在外人员信息库", "outside register"),
    "returnees": ("返乡创业人员信息库", "returnee register"),
    "entities": ("经济实体", "businesses"), "projects": ("项目信息库", "projects"),
    "parks": ("园区(基地)信息库", "parks"), "activities": ("活动与捐赠", "events"),
    "briefing": ("领导简报", "briefing"), "audit_log": ("审计日志", "audit log"),
    # what the dashboard's downloads hold (pages: the name given to shared.table)
    "big_projects": ("过亿元项目清单", "projects over 100 million yuan"),
    "counties": ("县区比较表", "county comparison"),
    "county_indicators": ("本县区各项指标", "the county's indicators"),
    "county_stations": ("向本县区输送的服务站", "stations sending to the county"),
    "tenants": ("园区入驻实体", "park tenants"),
}
_STATION_EVENTS = re.compile(r"^station_(\d+)_events$")


def details_text(details: dict, lang: str = "zh") -> str:
    """An audit entry's details as words (格式：xlsx；行数：246), not raw JSON: known keys
    and codes in the user's language, anything else as it was stored."""
    i = 0 if lang == "zh" else 1
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")

    def value(v) -> str:
        if isinstance(v, str):
            if m := _STATION_EVENTS.match(v):
                return (f"服务站近期活动（服务站编号 {m.group(1)}）" if lang == "zh"
                        else f"station {m.group(1)}'s recent events")
            return DETAIL_VALUES.get(v, (v, v))[i]
        if isinstance(v, (list, tuple)):
            return "、".join(value(x) for x in v) if lang == "zh" else ", ".join(
                value(x) for x in v)
        if isinstance(v, dict):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return "—" if v is None else str(v)

    order = list(DETAIL_KEYS)  # the known keys in a reading order, the rest after them
    keys = sorted(details, key=lambda k: (order.index(k) if k in order else len(order), k))
    return sep.join(f"{DETAIL_KEYS.get(k, (k, k))[i]}{colon}{value(details[k])}"
                    for k in keys)


# -- values --------------------------------------------------------------------------------
def system_clock() -> datetime:
    return datetime.now(UTC)


def _ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _client_key(client: str | None) -> str:
    return _clean(client, 200)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def binding_hash(binding: str | None) -> str | None:
    """What is stored of a session's binding (client address and browser)."""
    if binding is None:
        return None
    return hashlib.sha256(("heze-binding\n" + binding).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who acts when it is not an app user: the command line (``cli:<os user>``) or the
    system itself."""

    name: str
    role: str | None = None

    @classmethod
    def cli(cls) -> Actor:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "?"
        return cls(f"cli:{who}")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: str
    counties: tuple[int, ...]
    disabled: bool
    email: str | None
    has_password: bool
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @property
    def county_scope(self) -> tuple[int, ...] | None:
        """The adcodes this user may see, or None for every county. Pass it to
        ``Analytics(con, county_scope=...)`` and put it in every cache key."""
        if self.role in R.SCOPED_ROLES:
            if not self.counties:  # never widen an empty scope to "everything"
                raise PermissionDenied()
            return self.counties
        return None

    @property
    def usable(self) -> bool:
        """May sign in at all: enabled, a known role, and a county for county staff."""
        return (not self.disabled and self.role in R.ROLES
                and (self.role not in R.SCOPED_ROLES or bool(self.counties)))

    def can(self, permission: str) -> bool:
        return self.usable and R.can(self, permission)

    def may_open(self, slug: str) -> bool:
        return self.usable and R.may_open(self, slug)

    def role_label(self, lang: str = "zh") -> str:
        return R.role_label(self.role, lang)

    def county_names(self, lang: str = "zh") -> list[str]:
        return [county_ref.name(c, lang) for c in self.counties]


@dataclass(frozen=True)
class Login:
    user: User
    token: str  # the secret for the browser; only its SHA-256 is stored


@dataclass(frozen=True)
class SessionCheck:
    user: User | None
    reason: str | None = None  # None: valid; unknown, ended, idle, max_age, disabled

    @property
    def ok(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    user_name: str | None
    role: str | None
    client: str | None
    action: str
    details: dict = field(default_factory=dict)


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return str(value)


def _clean(text: str | None, limit: int) -> str:
    """Text safe to store and show: no control characters, trimmed, at most `limit`."""
    text = "".join(ch for ch in str(text or "") if unicodedata.category(ch)[0] != "C")
    return text.strip()[:limit]


# -- the service ---------------------------------------------------------------------------
class Access:
    def __init__(self, db_path: Path | str | None = None, *, settings=None,
                 clock: Clock | None = None, hasher: argon2.PasswordHasher | None = None):
        if settings is None:
            settings = current()
        self.settings = settings
        self.db_path = Path(db_path) if db_path is not None else settings.app_db
        self.clock: Clock = clock or system_clock
        self.hasher = hasher or argon2.PasswordHasher()
        self._dummy_hash: str | None = None
        with self._db():  # creates (0600) and migrates the database if needed
            pass

    # -- plumbing ------------------------------------------------------------------------
    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        con = appdb.connect(self.db_path)
        try:
            yield con
        finally:
            con.close()

    def now(self) -> datetime:
        return self.clock()

    def _setting(self, dotted: str):
        return self.settings[dotted]

    def _user_from_row(self, con: sqlite3.Connection, row: sqlite3.Row) -> User:
        codes = tuple(r[0] for r in con.execute(
            "SELECT county_code FROM user_counties WHERE user_id = ? ORDER BY county_code",
            (row["id"],)))
        return User(id=row["id"], name=row["name"], display_name=row["display_name"],
                    role=row["role"], counties=codes, disabled=bool(row["disabled"]),
                    email=row["email"], has_password=row["password_hash"] is not None,
                    locked_until=_dt(row["locked_until"]), created_at=_dt(row["created_at"]),
                    updated_at=_dt(row["updated_at"]))

    def _row(self, con: sqlite3.Connection, name: str) -> sqlite3.Row | None:
        return con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def _audit(self, con: sqlite3.Connection, action: str, actor, client: str | None,
               details: Mapping[str, Any]) -> int:
        if isinstance(actor, (User, Actor)):
            name, role = actor.name, actor.role
        else:
            name, role = (_clean(actor, 64) or None), None
        cur = con.execute(
            "INSERT INTO audit_log (at, user_name, role, client, action, details) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_ts(self.now()), name, role, _clean(client, 200) or None, action,
             json.dumps(_jsonable(dict(details)), ensure_ascii=False, sort_keys=True)))
        return cur.lastrowid

    def record(self, action: str, actor, *, client: str | None = None, **details) -> int:
        """Write one audit entry; returns its id."""
        with self._db() as con, appdb.transaction(con):
            return self._audit(con, action, actor, client, details)

    # -- users ---------------------------------------------------------------------------
    def get_user(self, name: str) -> User | None:
        with self._db() as con:
            row = self._row(con, name)
            return self._user_from_row(con, row) if row else None

    def list_users(self) -> list[User]:
        with self._db() as con:
            rows = con.execute("SELECT * FROM users ORDER BY role, name").fetchall()
            return [self._user_from_row(con, row) for row in rows]

    def _authorize_change(self, by: User | Actor) -> None:
        if isinstance(by, User) and not by.can(R.MANAGE_USERS):
            raise PermissionDenied()

    @staticmethod
    def check_name(name: str) -> str:
        """A valid user name, NFKC-normalised (full-width ａｄｍｉｎ is admin)."""
        name = names.normalize(name)
        if not _NAME_RE.match(name) or name.lower().startswith("cli:"):
            raise InputError("error.access.bad_user_name")
        return name

    @staticmethod
    def check_role(role: str) -> str:
        code = R.resolve_role(role)
        if code is None:
            choices = "、".join(f"{c}（{zh}）" for c, (zh, _en) in R.ROLE_NAMES.items())
            raise InputError("error.access.no_such_role", role=role, choices=choices,
                             roles=", ".join(R.ROLES))
        return code

    @staticmethod
    def check_counties(role: str, given: Iterable[str | int]) -> tuple[int, ...]:
        given = [g for g in given if str(g).strip()]
        codes = []
        for item in given:
            code = county_ref.resolve(item)
            if code is None:
                raise InputError("error.access.no_such_county", item=item,
                                 choices=county_ref.choices())
            if code not in codes:
                codes.append(code)
        if role in R.SCOPED_ROLES and not codes:
            raise InputError("error.access.county_needed")
        if role not in R.SCOPED_ROLES and codes:
            raise InputError("error.access.role_takes_no_county", role_zh=R.role_label(role),
                             role_en=R.role_label(role, "en"))
        return tuple(sorted(codes))

    @staticmethod
    def check_email(email: str | None) -> str | None:
        if email is None or not email.strip():
            return None
        email = email.strip()
        if len(email) > 254 or not _EMAIL_RE.match(email):
            raise InputError("error.access.bad_email", email=email)
        return email

    @staticmethod
    def check_password(password: str, name: str) -> str:
        if password is None or len(password) < PASSWORD_MIN:
            raise AccessError("error.access.password_too_short", minimum=PASSWORD_MIN)
        if len(password) > PASSWORD_MAX:
            raise AccessError("error.access.password_too_long", maximum=PASSWORD_MAX)
        if password.strip().casefold() == name.casefold():
            raise AccessError("error.access.password_is_user_name")
        return password

    def add_user(self, name: str, role: str, *, by: User | Actor, password: str | None = None,
                 counties: Iterable[str | int] = (), display_name: str = "",
                 email: str | None = None, client: str | None = None) -> User:
        """Create a user. Without a password the user can sign in only through the trusted
        header or the identity provider."""
        self._authorize_change(by)
        name = self.check_name(name)
        role = self.check_role(role)
        codes = self.check_counties(role, counties)
        email = self.check_email(email)
        display_name = _clean(display_name, 64)
        hashed = None
        if password is not None:
            hashed = self.hasher.hash(self.check_password(password, name))
        now = _ts(self.now())
        with self._db() as con, appdb.transaction(con):
            if self._row(con, name) is not None:
                raise AccessError("error.access.user_exists", name=name)
            self._refuse_lookalike(con, name)
            if email and con.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
                raise AccessError("error.access.email_taken", email=email)
            cur = con.execute(
                "INSERT INTO users (name, display_name, email, role, password_hash, "
                "password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, display_name, email, role, hashed, now if hashed else None, now, now))
            con.executemany("INSERT INTO user_counties (user_id, county_code) VALUES (?, ?)",
                            [(cur.lastrowid, c) for c in codes])
            self._audit(con, "user_change", by, client, {
                "change": "add", "user": name, "role": role, "counties": list(codes),
                "display_name": display_name, "email": email, "password": hashed is not None})
            return self._user_from_row(con, self._row(con, name))

    @staticmethod
    def _refuse_lookalike(con: sqlite3.Connection, name: str) -> None:
        """Refuse a name a reader could take for an existing one (Cyrillic а for Latin a,
        0 for O, full-width letters: access.names), so that nobody can be given an
        account that passes for another in the audit log or on the users page."""
        look = names.skeleton(name)
        for (other,) in con.execute("SELECT name FROM users"):
            if names.skeleton(other) == look:
                raise AccessError(
                    "error.access.user_name_confusable", name=name, other=other)

    def _existing(self, con: sqlite3.Connection, name: str) -> sqlite3.Row:
        row = self._row(con, name)
        if row is None:
            raise AccessError("error.access.no_such_user", name=name)
        return row

    def _end_sessions(self, con: sqlite3.Connection, user_id: int, reason: str) -> int:
        return con.execute(
            "UPDATE sessions SET ended_at = ?, end_reason = ? "
            "WHERE user_id = ? AND ended_at IS NULL",
            (_ts(self.now()), reason, user_id)).rowcount

    def _other_admins(self, con: sqlite3.Connection, user_id: int) -> int:
        return con.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?",
            (user_id,)).fetchone()[0]

    def set_password(self, name: str, password: str, *, by: User | Actor,
                     client: str | None = None) -> None:
        """A new password; ends the user's open sessions and clears a lock."""
        if not (isinstance(by, User) and by.name.casefold() == name.casefold()):
            self._authorize_change(by)
        with self._db() as con:
            self._existing(con, name)
        hashed = self.hasher.hash(self.check_password(password, name))
        now = _ts(self.now())
        with self._db() as con, appdb.transaction(con):
            row = self._existing(con, name)
            con.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
                "failed_logins = 0, locked_until = NULL WHERE id = ?",
                (hashed, now, now, row["id"]))
            con.execute("DELETE FROM login_failures WHERE user_id = ?", (row["id"],))
            ended = self._end_sessions(con, row["id"], "password_changed")
            self._audit(con, "user_change", by, client,
                        {"change": "passwd", "user": row["name"], "sessions_ended": ended})

    def disable_user(self, name: str, *, by: User | Actor, client: str | None = None) -> None:
        """Disable a user and end every session they have open."""
        self._authorize_change(by)
        with self._db() as con, appdb.transaction(con):
            row = self._existing(con, name)
            if row["role"] == R.ADMIN and not row["disabled"] and not self._other_admins(
                    con, row["id"]):
                raise AccessError("error.access.last_admin_disable")
            con.execute("UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?",
                        (_ts(self.now()), row["id"]))
            ended = self._end_sessions(con, row["id"], "disabled")
            self._audit(con, "user_change", by, client,
                        {"change": "disable", "user": row["name"], "sessions_ended": ended})

    def enable_user(self, name: str, *, by: User | Actor, client: str | None = None) -> None:
        """Enable a user again; clears a lock."""
        self._authorize_change(by)
        with self._db() as con, appdb.transaction(con):
            row = self._existing(con, name)
            con.execute("UPDATE users SET disabled = 0, failed_logins = 0, locked_until = NULL, "
                        "updated_at = ? WHERE id = ?", (_ts(self.now()), row["id"]))
            con.execute("DELETE FROM login_failures WHERE user_id = ?", (row["id"],))
            self._audit(con, "user_change", by, client, {"change": "enable", "user": row["name"]})

    def update_user(self, name: str, *, by: User | Actor, role: str | None = None,
                    counties: Iterable[str | int] | None = None,
                    display_name: str | None = None, email: str | None = None,
                    client: str | None = None) -> User:
        """Change role, county scope, display name or e-mail. A new role or scope applies
        from the user's next page view (sessions re-read the user every time)."""
        self._authorize_change(by)
        with self._db() as con, appdb.transaction(con):
            row = self._existing(con, name)
            old = self._user_from_row(con, row)
            new_role = self.check_role(role) if role is not None else old.role
            if counties is None:
                codes = old.counties if new_role in R.SCOPED_ROLES else ()
            else:
                codes = tuple(counties)
            codes = self.check_counties(new_role, codes)
            new_email = old.email if email is None else self.check_email(email)
            new_display = old.display_name if display_name is None else _clean(display_name, 64)
            if (old.role == R.ADMIN and new_role != R.ADMIN and not old.disabled
                    and not self._other_admins(con, old.id)):
                raise AccessError("error.access.last_admin_role")
            if new_email and con.execute("SELECT 1 FROM users WHERE email = ? AND id <> ?",
                                         (new_email, old.id)).fetchone():
                raise AccessError("error.access.email_taken", email=new_email)
            con.execute("UPDATE users SET role = ?, email = ?, display_name = ?, updated_at = ? "
                        "WHERE id = ?", (new_role, new_email, new_display, _ts(self.now()),
                                         old.id))
            con.execute("DELETE FROM user_counties WHERE user_id = ?", (old.id,))
            con.executemany("INSERT INTO user_counties (user_id, county_code) VALUES (?, ?)",
                            [(old.id, c) for c in codes])
            changes = {key: {"from": _jsonable(a), "to": _jsonable(b)} for key, a, b in (
                ("role", old.role, new_role), ("counties", old.counties, codes),
                ("display_name", old.display_name, new_display), ("email", old.email, new_email),
            ) if a != b}
            self._audit(con, "user_change", by, client,
                        {"change": "update", "user": old.name, **changes})
            return self._user_from_row(con, self._row(con, name))

    def bootstrap_admin(self, name: str = "admin") -> str | None:
        """If no administrator exists, create `name` with a random password and return the
        password (shown once); otherwise None."""
        password = secrets.token_urlsafe(12)
        hashed = self.hasher.hash(password)
        now = _ts(self.now())
        with self._db() as con, appdb.transaction(con):
            if con.execute("SELECT 1 FROM users WHERE role = 'admin'").fetchone():
                return None
            if self._row(con, name) is not None:
                raise AccessError("error.access.user_not_admin", name=name)
            con.execute(
                "INSERT INTO users (name, display_name, role, password_hash, "
                "password_changed_at, created_at, updated_at) VALUES (?, ?, 'admin', ?, ?, ?, ?)",
                (name, "系统管理员", hashed, now, now, now))
            self._audit(con, "user_change", Actor("system"), None,
                        {"change": "add", "user": name, "role": R.ADMIN, "bootstrap": True,
                         "password": True})
        return password

    # -- logins --------------------------------------------------------------------------
    def _burn(self, password: str) -> None:
        """Spend the time a real check takes, so an unknown user answers no faster."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        try:
            self.hasher.verify(self._dummy_hash, password or "")
        except (VerificationError, InvalidHashError):
            pass

    def authenticate(self, name: str, password: str, *, client: str | None = None,
                     binding: str | None = None) -> Login:
        """A new session for a correct password; LoginFailed (one message for every cause)
        otherwise. Wrong passwords count per user and client address; `login.max_failures`
        in a row lock the account from that address for `login.lock_minutes` (each further
        lock of the pair twice as long), during which even the right password is refused
        from there. `binding` (the client's address and browser) binds the session: see
        check_session."""
        name = names.normalize(_clean(name, 64))
        password = password or ""
        with self._db() as con:
            row = self._row(con, name) if name else None
            user = self._user_from_row(con, row) if row else None
        now = self.now()
        reason = None
        if user is None:
            self._burn(password)
            reason = "unknown_user"
        elif user.disabled:
            self._burn(password)
            reason = "disabled"
        elif not user.usable:
            self._burn(password)
            reason = "no_scope"
        elif row["password_hash"] is None:
            self._burn(password)
            reason = "no_password"
        else:
            try:
                self.hasher.verify(row["password_hash"], password)
                matched = True
            except (VerifyMismatchError, InvalidHashError, VerificationError):
                matched = False
            locked = self._locked_from(user, client, now)
            if locked:
                reason = "locked"
            elif not matched:
                reason = "wrong_password"
        if reason is not None:
            self._login_failed(name, user, reason, client)
            raise LoginFailed()
        with self._db() as con, appdb.transaction(con):
            fresh = self._row(con, user.name)
            if fresh is None or fresh["disabled"] or self._locked_from(user, client, now, con):
                reason = "locked" if fresh is not None and not fresh["disabled"] else "disabled"
            else:
                new_hash = None
                if self.hasher.check_needs_rehash(fresh["password_hash"]):
                    new_hash = self.hasher.hash(password)
                con.execute("DELETE FROM login_failures WHERE user_id = ? AND client = ?",
                            (user.id, _client_key(client)))
                con.execute("UPDATE users SET failed_logins = 0, locked_until = ?, "
                            "password_hash = coalesce(?, password_hash) WHERE id = ?",
                            (self._lock_end(con, user.id, now), new_hash, user.id))
                token = self._new_session(con, user, "password", client, binding)
                self._audit(con, "login", user, client, {"mode": "password"})
                return Login(user, token)
        self._login_failed(name, user, reason, client)
        raise LoginFailed()

    def _locked_from(self, user: User, client: str | None, now: datetime,
                     con: sqlite3.Connection | None = None) -> bool:
        """Is `user` locked for logins from `client` at `now`? Locks are per address."""
        if con is None:
            with self._db() as own:
                return self._locked_from(user, client, now, own)
        row = con.execute("SELECT locked_until FROM login_failures WHERE user_id = ? AND "
                          "client = ?", (user.id, _client_key(client))).fetchone()
        return bool(row and row["locked_until"] and now < _dt(row["locked_until"]))

    def _lock_end(self, con: sqlite3.Connection, user_id: int, now: datetime) -> str | None:
        """The end of the user's latest lock still running from any address, or None."""
        return con.execute("SELECT max(locked_until) FROM login_failures WHERE user_id = ? "
                           "AND locked_until > ?", (user_id, _ts(now))).fetchone()[0]

    def lock_duration(self, lockouts: int) -> timedelta:
        """How long the `lockouts`-th lock in a row of one user and address lasts:
        login.lock_minutes, doubled with each further lock, at most LOCK_MAX."""
        base = timedelta(minutes=int(self._setting("login.lock_minutes")))
        return min(base * 2 ** min(max(lockouts, 1) - 1, 20), max(LOCK_MAX, base))

    def _login_failed(self, name: str, user: User | None, reason: str,
                      client: str | None) -> None:
        """Log a failed login. A wrong password counts against this user from this
        address only; login.max_failures of them in a row lock this pair, each lock of
        the pair twice as long as the one before; a pair quiet for LOCK_FORGET after its
        last failure or lock starts again from the first lock."""
        details: dict[str, Any] = {"mode": "password", "reason": reason}
        limit = int(self._setting("login.max_failures"))
        now = self.now()
        with self._db() as con, appdb.transaction(con):
            if reason == "wrong_password" and user is not None:
                key = _client_key(client)
                row = con.execute("SELECT * FROM login_failures WHERE user_id = ? AND "
                                  "client = ?", (user.id, key)).fetchone()
                failures, lockouts = (row["failures"], row["lockouts"]) if row else (0, 0)
                quiet_since = row and max(_dt(row["last_failure"]),
                                          _dt(row["locked_until"]) or _dt(row["last_failure"]))
                if row and now - quiet_since >= LOCK_FORGET:
                    failures, lockouts = 0, 0
                failures += 1
                until = None
                if failures >= limit:
                    lockouts += 1
                    until = _ts(now + self.lock_duration(lockouts))
                    details["locked_until"] = until
                    details["lockouts"] = lockouts
                details["failures"] = failures
                con.execute(
                    "INSERT INTO login_failures (user_id, client, failures, lockouts, "
                    "locked_until, last_failure) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (user_id, client) DO UPDATE SET failures = excluded.failures, "
                    "lockouts = excluded.lockouts, locked_until = coalesce("
                    "excluded.locked_until, locked_until), last_failure = excluded.last_failure",
                    (user.id, key, 0 if until else failures, lockouts, until, _ts(now)))
                if until:
                    con.execute("UPDATE users SET locked_until = ? WHERE id = ?",
                                (self._lock_end(con, user.id, now), user.id))
            actor = user if user is not None else (name or None)
            self._audit(con, "login_failed", actor, client, details)

    def _new_session(self, con: sqlite3.Connection, user: User, mode: str,
                     client: str | None, binding: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = self.now()
        expires = now + timedelta(hours=int(self._setting("session.max_hours")))
        con.execute(
            "INSERT INTO sessions (token_hash, user_id, mode, client, created_at, last_seen, "
            "expires_at, binding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (token_hash(token), user.id, mode, _clean(client, 200) or None, _ts(now), _ts(now),
             _ts(expires), binding_hash(binding)))
        return token

    def login_trusted(self, user: User, *, mode: str, client: str | None = None,
                      subject: str | None = None, binding: str | None = None) -> Login:
        """A session for a user named by the trusted header or the identity provider
        (already mapped and checked by user_for_header / user_for_oidc)."""
        if not user.usable:
            raise LoginFailed()
        with self._db() as con, appdb.transaction(con):
            token = self._new_session(con, user, mode, client, binding)
            details = {"mode": mode}
            if subject:
                details["subject"] = subject
            self._audit(con, "login", user, client, details)
        return Login(user, token)

    def user_for_header(self, value: str | None) -> tuple[User | None, str | None]:
        """The user a trusted proxy header names: (user, None), or (None, why not)."""
        name = names.normalize(value or "")
        if not name:
            return None, "missing"
        user = self.get_user(name)
        return self._external(user)

    def user_for_oidc(self, claims: Mapping[str, Any]) -> tuple[User | None, str | None]:
        """The user whose e-mail the identity provider vouches for (``st.user``)."""
        if not claims or claims.get("is_logged_in") is not True:
            return None, "not_logged_in"
        email = str(claims.get("email") or "").strip()
        if not email:
            return None, "no_email"
        if claims.get("email_verified") is False:
            return None, "unverified"
        with self._db() as con:
            row = con.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
            user = self._user_from_row(con, row) if row else None
        return self._external(user)

    @staticmethod
    def _external(user: User | None) -> tuple[User | None, str | None]:
        if user is None:
            return None, "unknown_user"
        if user.disabled:
            return None, "disabled"
        if not user.usable:
            return None, "no_scope"
        return user, None

    # -- sessions ------------------------------------------------------------------------
    def check_session(self, token: str | None, *, client: str | None = None,
                      binding: str | None = None) -> SessionCheck:
        """The user of a session token, re-read from the database (role, scope, disabled
        are always current), or why the session is not valid. Ends an idle or too old
        session and notes its last activity. A session bound at login to a client (its
        address and browser) ends when its token comes from another one
        (``session.bind_client``): a stolen cookie is worth nothing elsewhere, and the
        session's owner has to sign in again."""
        if not token:
            return SessionCheck(None, "unknown")
        key = token_hash(token)
        now = self.now()
        with self._db() as con:
            row = con.execute("SELECT * FROM sessions WHERE token_hash = ?", (key,)).fetchone()
            if row is None:
                return SessionCheck(None, "unknown")
            if row["ended_at"] is not None:
                return SessionCheck(None, "ended")
            urow = con.execute("SELECT * FROM users WHERE id = ?", (row["user_id"],)).fetchone()
            user = self._user_from_row(con, urow)
            idle = timedelta(minutes=int(self._setting("session.idle_minutes")))
            reason = None
            if not user.usable:
                reason = "disabled"
            elif (row["binding"] is not None and self._setting("session.bind_client")
                    and not secrets.compare_digest(row["binding"], binding_hash(binding) or "")):
                reason = "client_changed"
            elif now >= _dt(row["expires_at"]):
                reason = "max_age"
            elif now - _dt(row["last_seen"]) >= idle:
                reason = "idle"
            if reason is not None:
                with appdb.transaction(con):
                    ended = con.execute(
                        "UPDATE sessions SET ended_at = ?, end_reason = ? "
                        "WHERE token_hash = ? AND ended_at IS NULL", (_ts(now), reason, key))
                    if ended.rowcount:
                        self._audit(con, "session_expired", user, client, {"reason": reason})
                return SessionCheck(None, reason)
            if (now - _dt(row["last_seen"])).total_seconds() >= TOUCH_SECONDS:
                with appdb.transaction(con):
                    con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ? "
                                "AND ended_at IS NULL", (_ts(now), key))
            return SessionCheck(user)

    def logout(self, token: str | None, *, client: str | None = None) -> bool:
        """End the session; True if it was open."""
        if not token:
            return False
        key = token_hash(token)
        with self._db() as con, appdb.transaction(con):
            row = con.execute("SELECT user_id FROM sessions WHERE token_hash = ? "
                              "AND ended_at IS NULL", (key,)).fetchone()
            if row is None:
                return False
            con.execute("UPDATE sessions SET ended_at = ?, end_reason = 'logout' "
                        "WHERE token_hash = ?", (_ts(self.now()), key))
            urow = con.execute("SELECT * FROM users WHERE id = ?", (row["user_id"],)).fetchone()
            self._audit(con, "logout", self._user_from_row(con, urow), client, {})
            return True

    def open_sessions(self) -> int:
        """Sessions not ended and not yet past their idle time or maximum age."""
        now = self.now()
        idle_since = now - timedelta(minutes=int(self._setting("session.idle_minutes")))
        with self._db() as con:
            return con.execute(
                "SELECT count(*) FROM sessions WHERE ended_at IS NULL AND expires_at > ? "
                "AND last_seen > ?", (_ts(now), _ts(idle_since))).fetchone()[0]

    # -- audited actions -----------------------------------------------------------------
    def _require(self, user: User | None, permission: str, what: str,
                 client: str | None) -> None:
        if user is None or not user.can(permission):
            self.record("denied", user, client=client, permission=permission, what=what)
            raise PermissionDenied()

    def log_export(self, user: User, *, what: str, fmt: str, filter: Any = None,
                   rows: int | None = None, client: str | None = None) -> int:
        """Record a download (what, format, filter, rows). Raises PermissionDenied for a
        role without ``export`` — call it before handing out the file."""
        self._require(user, R.EXPORT, what, client)
        details: dict[str, Any] = {"what": what, "format": fmt, "filter": filter}
        if rows is not None:
            details["rows"] = int(rows)
        if user.county_scope is not None:
            details["scope"] = list(user.county_scope)
        return self.record("export", user, client=client, **details)

    def reveal(self, user: User, *, table: str, record: str | int, reason: str,
               client: str | None = None) -> int:
        """Permit showing one person's full record, after a reason; logged with whose
        record and why. The audit entry names the record by table and key, never by the
        personal data itself. Raises PermissionDenied (logged) or InputError."""
        self._require(user, R.REVEAL, f"{table}:{record}", client)
        if isinstance(record, (list, tuple, set, frozenset, dict)):
            raise InputError("error.access.one_record_at_a_time")
        why = _clean(reason, REASON_MAX + 1)
        if len(why) < REASON_MIN:
            raise InputError("error.access.reason_too_short", minimum=REASON_MIN)
        if len(why) > REASON_MAX:
            raise InputError("error.access.reason_too_long", maximum=REASON_MAX)
        return self.record("reveal", user, client=client, table=_clean(table, 64),
                           record=_jsonable(record), reason=why)

    def log_import(self, user: User, *, client: str | None = None, **details) -> int:
        self._require(user, R.IMPORT, "import", client)
        return self.record("import", user, client=client, **details)

    def log_denied(self, user: User | None, *, page: str, client: str | None = None) -> int:
        return self.record("denied", user, client=client, page=page)

    # -- reading the audit log -----------------------------------------------------------
    def audit_entries(self, viewer: User | Actor, *, start: datetime | None = None,
                      end: datetime | None = None, user: str | None = None,
                      action: str | Iterable[str] | None = None, text: str | None = None,
                      limit: int | None = 1000, offset: int = 0) -> list[AuditEntry]:
        """Entries newest first. `start` inclusive, `end` exclusive; `user` exact (any
        case); `action` one or several; `text` anywhere in the details or client."""
        if isinstance(viewer, User) and not viewer.can(R.VIEW_AUDIT):
            raise PermissionDenied()
        where, params = [], []
        if start is not None:
            where.append("at >= ?")
            params.append(_ts(start))
        if end is not None:
            where.append("at < ?")
            params.append(_ts(end))
        if user:
            where.append("user_name = ? COLLATE NOCASE")
            params.append(user.strip())
        if action:
            actions = [action] if isinstance(action, str) else list(action)
            where.append(f"action IN ({', '.join('?' * len(actions))})")
            params.extend(actions)
        if text:
            where.append("(instr(details, ?) > 0 OR instr(coalesce(client, ''), ?) > 0)")
            params.extend([text, text])
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([int(limit), int(offset)])
        with self._db() as con:
            rows = con.execute(sql, params).fetchall()
        return [AuditEntry(r["id"], _dt(r["at"]), r["user_name"], r["role"], r["client"],
                           r["action"], json.loads(r["details"])) for r in rows]

    def audit_frame(self, viewer: User | Actor, *, lang: str = "zh", tz=None, **query):
        """The entries as a table for the admin page and exports: local time, user, role,
        client, action (labelled), details (JSON)."""
        import pandas as pd

        entries = self.audit_entries(viewer, **query)
        heads = {"zh": ("时间", "用户", "角色", "客户端地址", "操作", "详情"),
                 "en": ("time", "user", "role", "client", "action", "details")}[lang]
        return pd.DataFrame([{
            heads[0]: e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            heads[1]: e.user_name or "",
            heads[2]: R.role_label(e.role, lang) if e.role else "",
            heads[3]: e.client or "",
            heads[4]: ACTIONS.get(e.action, (e.action, e.action))[0 if lang == "zh" else 1],
            heads[5]: details_text(e.details, lang),
        } for e in entries], columns=list(heads))

    def audit_export(self, viewer: User, *, fmt: str = "csv", lang: str = "zh",
                     client: str | None = None, **query) -> bytes:
        """The filtered audit log as CSV (UTF-8 with BOM) or XLSX; the export is itself
        logged. Raises PermissionDenied for a role without ``view_audit``."""
        if not viewer.can(R.VIEW_AUDIT):
            self.record("denied", viewer, client=client, permission=R.VIEW_AUDIT,
                        what="audit_log")
            raise PermissionDenied()
        frame = self.audit_frame(viewer, lang=lang, limit=None, **query)
        meta = {"审计日志 / audit log": _ts(self.now()),
                "条件 / filter": json.dumps(_jsonable(query), ensure_ascii=False,
                                            sort_keys=True)}
        # A user name or a client address may be anything a visitor typed into the login
        # form or a header: csv_bytes defuses formula-like text (analytics.export.defuse,
        # the one guard of every CSV); XLSX types every cell as a string.
        data = (csv_bytes(frame, meta) if fmt == "csv"
                else xlsx_bytes(frame, meta, sheet="审计日志"))
        self.record("export", viewer, client=client, what="audit_log", format=fmt,
                    filter=query, rows=len(frame))
        return data

