"""The audit log: writing an entry (user, role, client, action, details), reading and
filtering it, showing it in words (the catalogue's ``access.action.*``, ``access.detail.*``
and ``access.detail_value.*`` messages) and exporting it."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import appdb
from access import roles as R
from access.errors import PermissionDenied
from access.values import Actor, AuditEntry, User, _clean, _dt, _jsonable, _ts
from analytics.export import csv_bytes, xlsx_bytes
from core.i18n import Pairs, pair, text

# Audit actions, with their labels for the admin page.
ACTION_NAMES = ("login", "login_failed", "logout", "session_expired", "export", "reveal",
                "user_change", "import", "denied", "target_set", "target_withdraw",
                "target_import")
ACTIONS = Pairs("access.action.", ACTION_NAMES)
# The details of an entry in words: its keys (in a reading order), and the codes among its
# values.
DETAIL_NAMES = ("what", "format", "filter", "rows", "scope", "table", "record", "reason", "page",
                "permission", "indicator", "county", "year", "value", "previous", "source",
                "file", "sha256", "note", "created", "changed", "unchanged", "method", "user",
                "role", "mode", "counties")
DETAIL_KEYS = Pairs("access.detail.", DETAIL_NAMES)
DETAIL_VALUE_NAMES = ("demo", "app", "import", "cli", "password", "stations", "outside_people",
                      "returnees", "entities", "projects", "parks", "activities", "briefing",
                      "audit_log",
                      # what the dashboard's downloads hold (pages: the name given to
                      # shared.table)
                      "big_projects", "counties", "county_indicators", "county_stations",
                      "tenants")
DETAIL_VALUES = Pairs("access.detail_value.", DETAIL_VALUE_NAMES)
AUDIT_COLUMNS = ("access.audit_column.time", "access.audit_column.user",
                 "access.audit_column.role", "access.audit_column.client",
                 "access.audit_column.action", "access.audit_column.details")
_STATION_EVENTS = re.compile(r"^station_(\d+)_events$")


def details_text(details: dict, lang: str = "zh") -> str:
    """An audit entry's details as words (格式：xlsx；行数：246), not raw JSON: known keys
    and codes in the user's language, anything else as it was stored."""
    i = 0 if lang == "zh" else 1
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")

    def value(v) -> str:
        if isinstance(v, str):
            if m := _STATION_EVENTS.match(v):
                return text("access.detail.station_events", lang, station=m.group(1))
            return DETAIL_VALUES.get(v, (v, v))[i]
        if isinstance(v, (list, tuple)):
            return "、".join(value(x) for x in v) if lang == "zh" else ", ".join(
                value(x) for x in v)
        if isinstance(v, dict):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return "—" if v is None else str(v)

    order = list(DETAIL_KEYS)  # the known keys in a reading order, the rest after them
    keys = sorted(details, key=lambda k: (order.index(k) if k in order else len(order), k))
    return sep.join(f"{DETAIL_KEYS.get(k, (k, k))[i]}{colon}{value(details[k])}"
                    for k in keys)



class AuditLog:
    """The audit log of Access (access.service)."""

    def _audit(self, con: sqlite3.Connection, action: str, actor, client: str | None,
               details: Mapping[str, Any]) -> int:
        if isinstance(actor, (User, Actor)):
            name, role = actor.name, actor.role
        else:
            name, role = (_clean(actor, 64) or None), None
        cur = con.execute(
            "INSERT INTO audit_log (at, user_name, role, client, action, details) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_ts(self.now()), name, role, _clean(client, 200) or None, action,
             json.dumps(_jsonable(dict(details)), ensure_ascii=False, sort_keys=True)))
        return cur.lastrowid

    def record(self, action: str, actor, *, client: str | None = None, **details) -> int:
        """Write one audit entry; returns its id."""
        with self._db() as con, appdb.transaction(con):
            return self._audit(con, action, actor, client, details)


    # -- reading the audit log -----------------------------------------------------------
    def audit_entries(self, viewer: User | Actor, *, start: datetime | None = None,
                      end: datetime | None = None, user: str | None = None,
                      action: str | Iterable[str] | None = None, text: str | None = None,
                      limit: int | None = 1000, offset: int = 0) -> list[AuditEntry]:
        """Entries newest first. `start` inclusive, `end` exclusive; `user` exact (any
        case); `action` one or several; `text` anywhere in the details or client."""
        if isinstance(viewer, User) and not viewer.can(R.VIEW_AUDIT):
            raise PermissionDenied()
        where, params = [], []
        if start is not None:
            where.append("at >= ?")
            params.append(_ts(start))
        if end is not None:
            where.append("at < ?")
            params.append(_ts(end))
        if user:
            where.append("user_name = ? COLLATE NOCASE")
            params.append(user.strip())
        if action:
            actions = [action] if isinstance(action, str) else list(action)
            where.append(f"action IN ({', '.join('?' * len(actions))})")
            params.extend(actions)
        if text:
            where.append("(instr(details, ?) > 0 OR instr(coalesce(client, ''), ?) > 0)")
            params.extend([text, text])
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([int(limit), int(offset)])
        with self._db() as con:
            rows = con.execute(sql, params).fetchall()
        return [AuditEntry(r["id"], _dt(r["at"]), r["user_name"], r["role"], r["client"],
                           r["action"], json.loads(r["details"])) for r in rows]

    def audit_frame(self, viewer: User | Actor, *, lang: str = "zh", tz=None, **query):
        """The entries as a table for the admin page and exports: local time, user, role,
        client, action (labelled), details (JSON)."""
        import pandas as pd

        entries = self.audit_entries(viewer, **query)
        heads = tuple(text(key, lang) for key in AUDIT_COLUMNS)
        return pd.DataFrame([{
            heads[0]: e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            heads[1]: e.user_name or "",
            heads[2]: R.role_label(e.role, lang) if e.role else "",
            heads[3]: e.client or "",
            heads[4]: ACTIONS.get(e.action, (e.action, e.action))[0 if lang == "zh" else 1],
            heads[5]: details_text(e.details, lang),
        } for e in entries], columns=list(heads))

    def audit_export(self, viewer: User, *, fmt: str = "csv", lang: str = "zh",
                     client: str | None = None, **query) -> bytes:
        """The filtered audit log as CSV (UTF-8 with BOM) or XLSX; the export is itself
        logged. Raises PermissionDenied for a role without ``view_audit``."""
        if not viewer.can(R.VIEW_AUDIT):
            self.record("denied", viewer, client=client, permission=R.VIEW_AUDIT,
                        what="audit_log")
            raise PermissionDenied()
        frame = self.audit_frame(viewer, lang=lang, limit=None, **query)
        meta = {" / ".join(DETAIL_VALUES["audit_log"]): _ts(self.now()),
                " / ".join(pair("access.audit_filter")): json.dumps(
                    _jsonable(query), ensure_ascii=False, sort_keys=True)}
        # A user name or a client address may be anything a visitor typed into the login
        # form or a header: csv_bytes defuses formula-like text (analytics.export.defuse,
        # the one guard of every CSV); XLSX types every cell as a string.
        data = (csv_bytes(frame, meta) if fmt == "csv"
                else xlsx_bytes(frame, meta, sheet=DETAIL_VALUES["audit_log"].zh))
        self.record("export", viewer, client=client, what="audit_log", format=fmt,
                    filter=query, rows=len(frame))
        return data

