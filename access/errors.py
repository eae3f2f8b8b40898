"""The errors of access: every refusal says itself in both languages (core.errors)."""

from __future__ import annotations

from core.errors import BilingualError
from core.i18n import pair


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
