"""Managing users: adding, changing, disabling and enabling them, their passwords, and the
first administrator. Every change is authorised, one transaction, and audited."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterable

import appdb
from access import counties as county_ref
from access import names
from access import roles as R
from access.errors import AccessError, InputError, PermissionDenied
from access.values import Actor, User, _clean, _jsonable, _ts

PASSWORD_MIN = 8
PASSWORD_MAX = 256
_NAME_RE = re.compile(r"^[\w.@-]{1,64}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


class Users:
    """The user half of Access (access.service): needs its database, clock and audit."""

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

