"""Signing in and sessions: password logins with per-address lockout, sessions for the
trusted header and the identity provider, checking a session on every page view, signing out."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

import appdb
from access import names
from access.errors import LoginFailed
from access.values import (
    Login,
    SessionCheck,
    User,
    _clean,
    _client_key,
    _dt,
    _ts,
    binding_hash,
    token_hash,
)

TOUCH_SECONDS = 30  # a session's last_seen is written at most this often
LOCK_MAX = timedelta(days=1)      # the longest lock of one user and address
LOCK_FORGET = timedelta(days=1)   # a pair quiet this long after its last lock starts anew


class Logins:
    """The sign-in half of Access (access.service): needs its database, clock, hasher and
    audit."""

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

