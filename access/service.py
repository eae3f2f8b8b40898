"""Users, password logins with lockout, sessions and the audit log, over the application
database (appdb). No streamlit here: the app (pages.login), the command line (access.cli) and
the tests all use this class.

    acc = Access()                                   # the database named by the settings
    login = acc.authenticate("zhang", password, client="10.0.0.8")
    check = acc.check_session(login.token)           # on every rerun: user or why not
    acc.logout(login.token, client="10.0.0.8")

Every time comes from one clock (``clock=`` in tests), every change is one transaction, and
every action worth knowing about is written to the audit log with user, role and client.
The parts by job: access.users (managing users), access.logins (signing in, sessions),
access.actions (exports, reveals, imports, refusals), access.audit (the log itself);
access.values and access.errors hold the records and errors they share, re-exported here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import argon2

import appdb
from access.actions import REASON_MAX, REASON_MIN, Actions
from access.audit import ACTIONS, DETAIL_KEYS, DETAIL_VALUES, AuditLog, details_text
from access.errors import (
    LOGIN_FAILED,
    NO_PERMISSION,
    AccessError,
    InputError,
    LoginFailed,
    PermissionDenied,
)
from access.logins import LOCK_FORGET, LOCK_MAX, TOUCH_SECONDS, Logins
from access.users import PASSWORD_MAX, PASSWORD_MIN, Users
from access.values import (
    Actor,
    AuditEntry,
    Clock,
    Login,
    SessionCheck,
    User,
    _dt,
    binding_hash,
    system_clock,
    token_hash,
)
from core.settings import current

__all__ = [
    "ACTIONS", "DETAIL_KEYS", "DETAIL_VALUES", "LOCK_FORGET", "LOCK_MAX", "LOGIN_FAILED",
    "NO_PERMISSION", "PASSWORD_MAX", "PASSWORD_MIN", "REASON_MAX", "REASON_MIN",
    "TOUCH_SECONDS", "Access", "AccessError", "Actor", "AuditEntry", "Clock", "InputError",
    "Login", "LoginFailed", "PermissionDenied", "SessionCheck", "User", "binding_hash",
    "details_text", "system_clock", "token_hash",
]


class Access(Users, Logins, Actions, AuditLog):
    """The access service over one application database, with one clock and one password
    hasher; its parts live by job in access.users, access.logins, access.actions and
    access.audit."""

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
