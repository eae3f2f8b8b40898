"""Who may see what: users, roles, county scopes, sessions, revealing personal data on
purpose, and the audit log. No streamlit here: the login
screens are in the web layer (pages.login, pages.account).

    python -m access users add NAME --role ROLE [--county 曹县]   # see access.cli
"""

from access.roles import allowed_pages, can, may_open, role_label
from access.service import (
    ACTIONS,
    Access,
    AccessError,
    Actor,
    AuditEntry,
    InputError,
    Login,
    LoginFailed,
    PermissionDenied,
    SessionCheck,
    User,
)

__all__ = [
    "ACTIONS", "Access", "AccessError", "Actor", "AuditEntry", "InputError", "Login",
    "LoginFailed", "PermissionDenied", "SessionCheck", "User", "allowed_pages", "can",
    "may_open", "role_label",
]
