"""A signed-in user for the speed and load measurements: every page is behind the login, so
the benchmarks sign in the way a password login would leave a tab (a session token in the
``heze_session`` cookie, or in an AppTest's session state), as a leader who sees everything.

The user ``bench-leader`` lives in the application database of the data directory the
measured server uses (a directory of the benchmark's own, never the served one's).
"""

from __future__ import annotations

import secrets
from pathlib import Path

USER = "bench-leader"


def _access(data_dir: Path):
    import argon2

    from access.service import Access

    # A cheap hash: the password is never used, only sessions made directly below.
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return Access(Path(data_dir) / "app.db", hasher=hasher)


def ensure_user(data_dir: Path) -> None:
    from access.service import Actor

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    acc = _access(data_dir)
    if acc.get_user(USER) is None:
        acc.add_user(USER, "leader", by=Actor("cli:bench"), password=secrets.token_urlsafe(16))


def token(data_dir: Path, client: str = "bench") -> str:
    """A fresh session of the bench user, as a password login would start one."""
    acc = _access(data_dir)
    return acc.login_trusted(acc.get_user(USER), mode="password", client=client).token


def cookie(data_dir: Path) -> str:
    from access.downloads import COOKIE

    return f"{COOKIE}={token(data_dir)}"


def sign_in_apptest(at, data_dir: Path):
    """An AppTest tab signed in as the bench user (what tests.access_support does)."""
    from access.downloads import STATE

    at.session_state[STATE] = {"mode": "password", "token": token(data_dir, "apptest")}
    return at
