"""The records of access (a user, a login, a session check, an audit entry, an actor who is
not an app user) and the small helpers every part of the service shares: one clock, times
stored as UTC text, hashes of tokens and bindings, text cleaned before it is stored."""

from __future__ import annotations

import getpass
import hashlib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, date, datetime
from typing import Any

from access import counties as county_ref
from access import roles as R
from access.errors import PermissionDenied

Clock = Callable[[], datetime]


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
