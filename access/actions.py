"""The audited actions: a download, revealing one person's full record (with a reason),
an import, a refused page. Each is allowed by the user's role or refused and logged."""

from __future__ import annotations

from typing import Any

from access import roles as R
from access.errors import InputError, PermissionDenied
from access.values import User, _clean, _jsonable

REASON_MIN = 2
REASON_MAX = 500


class Actions:
    """The audited actions of Access (access.service)."""

    # -- audited actions -----------------------------------------------------------------
    def _require(self, user: User | None, permission: str, what: str,
                 client: str | None) -> None:
        if user is None or not user.can(permission):
            self.record("denied", user, client=client, permission=permission, what=what)
            raise PermissionDenied()

    def log_export(self, user: User, *, what: str, fmt: str, filter: Any = None,
                   rows: int | None = None, client: str | None = None) -> int:
        """Record a download (what, format, filter, rows). Raises PermissionDenied for a
        role without ``export`` — call it before handing out the file."""
        self._require(user, R.EXPORT, what, client)
        details: dict[str, Any] = {"what": what, "format": fmt, "filter": filter}
        if rows is not None:
            details["rows"] = int(rows)
        if user.county_scope is not None:
            details["scope"] = list(user.county_scope)
        return self.record("export", user, client=client, **details)

    def reveal(self, user: User, *, table: str, record: str | int, reason: str,
               client: str | None = None) -> int:
        """Permit showing one person's full record, after a reason; logged with whose
        record and why. The audit entry names the record by table and key, never by the
        personal data itself. Raises PermissionDenied (logged) or InputError."""
        self._require(user, R.REVEAL, f"{table}:{record}", client)
        if isinstance(record, (list, tuple, set, frozenset, dict)):
            raise InputError("error.access.one_record_at_a_time")
        why = _clean(reason, REASON_MAX + 1)
        if len(why) < REASON_MIN:
            raise InputError("error.access.reason_too_short", minimum=REASON_MIN)
        if len(why) > REASON_MAX:
            raise InputError("error.access.reason_too_long", maximum=REASON_MAX)
        return self.record("reveal", user, client=client, table=_clean(table, 64),
                           record=_jsonable(record), reason=why)

    def log_import(self, user: User, *, client: str | None = None, **details) -> int:
        self._require(user, R.IMPORT, "import", client)
        return self.record("import", user, client=client, **details)

    def log_denied(self, user: User | None, *, page: str, client: str | None = None) -> int:
        return self.record("denied", user, client=client, page=page)

