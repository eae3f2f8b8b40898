"""What the access tests share: settings in a temporary data directory, a clock the test
turns, a fast password hasher, and users made by the tests themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import argon2

from access import Access, Actor
from core.settings import load

START = datetime(2026, 5, 8, 9, 0, tzinfo=UTC)
SETUP = Actor("cli:test")
# A cheap argon2id for tests about sessions and roles; the password tests use the default.
FAST = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def settings_for(data_dir: Path, **sections):
    """Checked settings with data.dir = `data_dir` and the given {section: {key: value}}."""
    lines = [f'[data]\ndir = "{data_dir}"']
    for section, values in sections.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {value!r}".replace("'", '"')
                         if isinstance(value, str) else f"{key} = {str(value).lower()}"
                         if isinstance(value, bool) else f"{key} = {value}")
    config = data_dir.parent / f"{data_dir.name}.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load(config)


def make_access(tmp_path: Path, *, clock: Clock | None = None, fast: bool = True,
                **sections) -> Access:
    settings = settings_for(tmp_path / "data", **sections)
    return Access(tmp_path / "data" / "app.db", settings=settings, clock=clock or Clock(),
                  hasher=FAST if fast else None)


def add(acc: Access, name: str, role: str, password: str | None = "correct-horse-1",
        **kw):
    return acc.add_user(name, role, by=SETUP, password=password, **kw)


def sign_in(at, acc: Access, user):
    """Hand an AppTest session a signed-in tab for `user`, as a login would, without the
    form: for page tests that are not about logging in. Returns the AppTest."""
    from pages.login_request import STATE

    login = acc.login_trusted(user, mode="password", client="apptest")
    at.session_state[STATE] = {"mode": "password", "token": login.token}
    return at
