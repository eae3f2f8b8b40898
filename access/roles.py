"""What each role may do. Deny by default: a permission not listed here is refused, an
unknown role has none, a disabled user has none.

Permissions are strings: ``page:<slug>`` to open a page, and the actions ``export``,
``reveal``, ``import``, ``manage_users``, ``view_audit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from core.i18n import Pairs

# Every page the dashboard has or will have, in menu order.
DATA_PAGES = ("overview", "trends", "stations", "map", "projects", "parks", "counties", "people",
              "definitions", "screen")
ADMIN_PAGES = ("import", "users", "audit", "targets")
PAGES = DATA_PAGES + ADMIN_PAGES

EXPORT = "export"
REVEAL = "reveal"
IMPORT = "import"
MANAGE_USERS = "manage_users"
VIEW_AUDIT = "view_audit"
ACTIONS = (EXPORT, REVEAL, IMPORT, MANAGE_USERS, VIEW_AUDIT)

LEADER = "leader"
COUNTY = "county"
DATA_ADMIN = "data_admin"
ADMIN = "admin"
ROLES = (LEADER, COUNTY, DATA_ADMIN, ADMIN)

# The roles' names and what each may do, in words: the catalogue's access.role.* and
# access.role_duty.* messages, (zh, en) by role.
ROLE_NAMES = Pairs("access.role.", ROLES)
ROLE_DUTIES = Pairs("access.role_duty.", ROLES)


def page(slug: str) -> str:
    return f"page:{slug}"


def _pages(slugs: Iterable[str]) -> frozenset[str]:
    return frozenset(page(s) for s in slugs)


_VIEW = _pages(DATA_PAGES)
PERMISSIONS: dict[str, frozenset[str]] = {
    LEADER: _VIEW | {EXPORT},
    COUNTY: _VIEW | {EXPORT},
    DATA_ADMIN: _VIEW | {EXPORT, REVEAL, IMPORT, page("import")},
    ADMIN: _VIEW | {EXPORT, MANAGE_USERS, VIEW_AUDIT} | _pages(("users", "audit", "targets")),
}
# Roles whose data is limited to the counties named on the user.
SCOPED_ROLES = frozenset({COUNTY})


class HasRole(Protocol):
    role: str
    disabled: bool


def role_label(role: str, lang: str = "zh") -> str:
    zh, en = ROLE_NAMES.get(role, (role, role))
    return zh if lang == "zh" else en


def resolve_role(text: str) -> str | None:
    """A role from its code or its Chinese or English name; None if there is no such role."""
    text = (text or "").strip()
    for code, (zh, en) in ROLE_NAMES.items():
        if text in (code, zh) or text.lower() == en or text.lower() == code:
            return code
    return None


def permissions(user: HasRole | None) -> frozenset[str]:
    if user is None or getattr(user, "disabled", True) or not getattr(user, "usable", True):
        return frozenset()
    return PERMISSIONS.get(user.role, frozenset())


def can(user: HasRole | None, permission: str) -> bool:
    return permission in permissions(user)


def may_open(user: HasRole | None, slug: str) -> bool:
    return can(user, page(slug))


def allowed_pages(user: HasRole | None, slugs: Iterable[str] = PAGES) -> list[str]:
    """The page slugs `user` may open, in the order given."""
    granted = permissions(user)
    return [s for s in slugs if page(s) in granted]
