"""The signed-in user in the sidebar, the page guard and the navigation a role may see,
and the audited actions that carry this browser's address (a download, a reveal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from access.service import User
from access.text import t
from pages import login_request as rq
from pages.login import current_user, logout


def sidebar(user: User, container=None) -> None:
    """Who is signed in, their role and county scope (plain text, never HTML or Markdown),
    and the logout button (not in header mode, where the proxy owns the login)."""
    box = container if container is not None else st.sidebar
    lg = rq.lang()
    box.text(f"{t('signed_in_as', lg)}: {user.label} ({user.role_label(lg)})")
    scope = user.county_scope
    box.text(f"{t('scope', lg)}: "
             + (("、" if lg == "zh" else ", ").join(user.county_names(lg)) if scope
                else t("all_counties", lg)))
    mode = rq.mode()
    if mode != "header" and box.button(t("logout", lg), key="heze_access_logout"):
        logout()
        if mode == "oidc":
            st.logout()
        st.rerun()


def no_permission(slug: str, user: User | None = None) -> None:
    """The page a role may not open: says so in Chinese (and English when chosen), logs it
    once per tab, and draws nothing else."""
    lg = rq.lang()
    st.title(t("no_permission_title", "zh") + ("" if lg == "zh" else " / No permission"))
    st.error(t("no_permission", "zh"))
    if lg == "en":
        st.caption(t("no_permission", "en"))
    rq.audit_once("denied", ("page", slug), client=rq.request_info().client, actor=user, page=slug)


def guard(slug: str, user: User | None = None) -> User:
    """Call at the top of a page: the user if they may open `slug`; otherwise the no
    permission message and st.stop()."""
    if user is None:
        user = current_user()
    if user is None:
        st.error(t("expired_ended", rq.lang()))
        st.stop()
    if not user.may_open(slug):
        no_permission(slug, user)
        st.stop()
    return user


def _denied(slug: str) -> Callable[[], None]:
    def page() -> None:
        no_permission(slug, current_user())
    page.__name__ = f"denied_{slug}"
    return page


def navigation(user: User, pages: Sequence[tuple], *, position: str = "sidebar",
               expanded: bool = False):
    """st.navigation over `pages` — tuples (page file or callable, title, slug[, icon]).
    Pages the user may open are in the menu, the first of them the default; the others are
    registered hidden, so their URL answers 无权访问 instead of 'page not found'."""
    entries, default_given = [], False
    for page, title, slug, *rest in pages:
        icon = rest[0] if rest else None
        if user.may_open(slug):
            entries.append(st.Page(page, title=title, url_path=slug, icon=icon,
                                   default=not default_given))
            default_given = True
        else:
            entries.append(st.Page(_denied(slug), title=title, url_path=slug, icon=icon,
                                   visibility="hidden"))
    if not default_given:  # a role that may open nothing listed
        entries.insert(0, st.Page(_denied("home"), title=t("no_permission_title", rq.lang()),
                                  url_path="home", default=True))
    return st.navigation(entries, position=position, expanded=expanded)


# -- audited actions, with this browser's address -----------------------------------------
def log_export(user: User, *, what: str, fmt: str, filter=None, rows: int | None = None) -> int:
    """Record a download; raises PermissionDenied for a role without ``export``. Call it
    before handing out the file (and draw the button only if ``user.can("export")``); a
    button's deferred data runs outside the script, so it calls the service with the
    client address read while drawing (`pages.downloads.logged_file`)."""
    return rq.service().log_export(user, what=what, fmt=fmt, filter=filter, rows=rows,
                                client=rq.client())


def reveal(user: User, *, table: str, record, reason: str) -> int:
    """Permit and log showing one person's full record; raises PermissionDenied or
    InputError (no reason). Fetch and show the unmasked record only after it returns."""
    return rq.service().reveal(user, table=table, record=record, reason=reason, client=rq.client())

