"""Annual targets in the application database (appdb, table ``targets``).

    store = TargetStore()                                      # the settings' app.db
    store.set("returnees", 2020, 35_000, by=user)               # the city
    store.set("returnees", 2020, 6_000, county=371721, by=user) # 曹县
    store.current(2020)                                         # the targets in force
    store.history(2020)                                         # every change, newest first

The table is append-only (its triggers refuse UPDATE and DELETE): a change adds a row, the
newest row of (indicator, county, year) is in force, and a row with no value withdraws the
target. Every change is one transaction together with its audit entry, so a target is never
stored without its record of who set it, nor the record without the target; an import is
one transaction for all its rows.

Who may change targets: an access ``User`` allowed the targets page (administrators), or an
``Actor`` (the command line). A user without that permission is refused and the refusal is
logged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import appdb
from access import counties as county_ref
from access.service import Actor, PermissionDenied, User
from core.errors import BilingualError
from core.settings import current as current_settings
from model import indicators as reg
from targets import model

AUDIT_SET = "target_set"
AUDIT_WITHDRAW = "target_withdraw"
AUDIT_IMPORT = "target_import"
SOURCES = ("app", "import", "cli")


class TargetError(BilingualError, ValueError):
    """A target that cannot be stored; the message names it in both languages."""


@dataclass(frozen=True)
class TargetInput:
    """A target to store: value in the indicator's stored unit (人, 家, 万元, a 0–1 share);
    county None for the city."""

    indicator: str
    year: int
    value: float
    county: int | None = None


@dataclass(frozen=True)
class TargetRow:
    id: int
    indicator: str
    county: int | None
    year: int
    value: float | None  # None: withdrawn
    set_by: str
    set_at: datetime
    source: str
    note: str
    previous: float | None = None  # the value this row replaced (history only)

    @property
    def key(self) -> tuple[str, int | None, int]:
        return (self.indicator, self.county, self.year)


@dataclass(frozen=True)
class ImportOutcome:
    created: int    # targets that did not exist
    changed: int    # targets whose value changed
    unchanged: int  # rows equal to the target in force (nothing written)

    @property
    def written(self) -> int:
        return self.created + self.changed


def check_input(item: TargetInput) -> TargetInput:
    """The target in stored form, or TargetError saying what is wrong."""
    if item.indicator not in reg.REGISTRY:
        raise TargetError("error.targets.unknown_indicator", indicator=item.indicator)
    if not model.is_targetable(item.indicator):
        ind = reg.get(item.indicator)
        raise TargetError("error.targets.not_targetable", name_zh=ind.name_zh, name_en=ind.name_en)
    problem = model.year_problem(item.year)
    if problem:
        raise TargetError(problem.key, **problem.values)
    if item.county is not None and int(item.county) not in county_ref.counties():
        raise TargetError("error.targets.unknown_county", county=item.county)
    problem = model.value_problem(item.indicator, item.value)
    if problem:
        raise TargetError(problem.key, **problem.values)
    return TargetInput(item.indicator, int(item.year), model.normalise(item.indicator,
                                                                       item.value),
                       None if item.county is None else int(item.county))


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _actor(by) -> tuple[str, str | None]:
    if isinstance(by, (User, Actor)):
        return by.name, by.role
    name = str(by or "").strip()
    if not name:
        raise TargetError("error.targets.setter_missing")
    return name[:64], None


class TargetStore:
    def __init__(self, db_path: Path | str | None = None, *, settings=None,
                 clock: Callable[[], datetime] | None = None):
        if db_path is None:
            if settings is None:
                settings = current_settings()
            db_path = settings.app_db
        self.db_path = Path(db_path)
        self.clock = clock or (lambda: datetime.now(UTC))
        with self._db():  # creates and migrates the database if needed
            pass

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        con = appdb.connect(self.db_path)
        try:
            yield con
        finally:
            con.close()

    # -- permission and audit ------------------------------------------------------------
    def _authorize(self, by, client: str | None) -> None:
        if isinstance(by, User) and not by.may_open("targets"):
            with self._db() as con, appdb.transaction(con):
                self._audit(con, "denied", by, client, {"permission": "page:targets",
                                                        "what": "targets"})
            raise PermissionDenied()

    def _audit(self, con: sqlite3.Connection, action: str, by, client: str | None,
               details: dict) -> None:
        """An entry in access's audit log (same table and row layout as access.service),
        written inside the caller's transaction."""
        name, role = _actor(by)
        con.execute(
            "INSERT INTO audit_log (at, user_name, role, client, action, details) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_ts(self.clock()), name, role, (client or "")[:200] or None, action,
             json.dumps(details, ensure_ascii=False, sort_keys=True)))

    # -- reading -------------------------------------------------------------------------
    @staticmethod
    def _row(r: sqlite3.Row, previous: float | None = None) -> TargetRow:
        return TargetRow(id=r["id"], indicator=r["indicator"], county=r["county_code"],
                         year=r["year"], value=r["value"], set_by=r["set_by"],
                         set_at=datetime.fromisoformat(r["set_at"]), source=r["source"],
                         note=r["note"], previous=previous)

    def current(self, year: int | None = None) -> list[TargetRow]:
        """The targets in force (of `year`, or every year), by year, indicator, county."""
        sql = "SELECT * FROM current_targets"
        params: list = []
        if year is not None:
            sql += " WHERE year = ?"
            params.append(int(year))
        sql += " ORDER BY year, indicator, county_code IS NOT NULL, county_code"
        with self._db() as con:
            return [self._row(r) for r in con.execute(sql, params)]

    def lookup(self, year: int) -> dict[tuple[str, int | None], float]:
        """{(indicator, county or None): value} of the targets in force for `year`."""
        return {(t.indicator, t.county): t.value for t in self.current(year)}

    def get(self, indicator: str, year: int, county: int | None = None) -> TargetRow | None:
        with self._db() as con:
            r = con.execute(
                "SELECT * FROM targets WHERE indicator = ? AND year = ? AND county_code IS ? "
                "ORDER BY id DESC LIMIT 1", (indicator, int(year), county)).fetchone()
        return None if r is None or r["value"] is None else self._row(r)

    def history(self, year: int | None = None, indicator: str | None = None,
                county: int | None | str = "any") -> list[TargetRow]:
        """Every change, newest first, each with the value it replaced. `county` is an
        adcode, None for the city's targets, or "any"."""
        where, params = [], []
        if year is not None:
            where.append("year = ?")
            params.append(int(year))
        if indicator is not None:
            where.append("indicator = ?")
            params.append(indicator)
        if county != "any":
            where.append("county_code IS ?")
            params.append(county)
        sql = ("SELECT t.*, (SELECT p.value FROM targets p WHERE p.year = t.year AND "
               "p.indicator = t.indicator AND p.county_code IS t.county_code AND p.id < t.id "
               "ORDER BY p.id DESC LIMIT 1) AS previous FROM targets t")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.id DESC"
        with self._db() as con:
            return [self._row(r, r["previous"]) for r in con.execute(sql, params)]

    def years(self) -> list[int]:
        """Years that have (or had) a target."""
        with self._db() as con:
            return [r[0] for r in con.execute("SELECT DISTINCT year FROM targets ORDER BY 1")]

    # -- changing ------------------------------------------------------------------------
    def _current_value(self, con: sqlite3.Connection, item: TargetInput) -> float | None:
        r = con.execute("SELECT value FROM targets WHERE indicator = ? AND year = ? AND "
                        "county_code IS ? ORDER BY id DESC LIMIT 1",
                        (item.indicator, item.year, item.county)).fetchone()
        return None if r is None else r["value"]

    def _insert(self, con: sqlite3.Connection, item: TargetInput, value: float | None,
                by, source: str, note: str) -> int:
        name, _ = _actor(by)
        cur = con.execute(
            "INSERT INTO targets (indicator, county_code, year, value, set_by, set_at, source,"
            " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item.indicator, item.county, item.year, value, name, _ts(self.clock()), source,
             note[:500]))
        return cur.lastrowid

    def set(self, indicator: str, year: int, value: float, *, county: int | None = None,
            by, client: str | None = None, note: str = "", source: str = "app") -> TargetRow:
        """Set (or change) one target; returns the row in force. Setting the value already
        in force writes nothing."""
        self._authorize(by, client)
        item = check_input(TargetInput(indicator, year, value, county))
        with self._db() as con, appdb.transaction(con):
            before = self._current_value(con, item)
            if before != item.value:
                self._insert(con, item, item.value, by, source, note)
                self._audit(con, AUDIT_SET, by, client, {
                    "indicator": item.indicator, "county": item.county, "year": item.year,
                    "value": item.value, "previous": before, "source": source})
        return self.get(item.indicator, item.year, item.county)

    def withdraw(self, indicator: str, year: int, *, county: int | None = None, by,
                 client: str | None = None, note: str = "") -> bool:
        """Withdraw a target (its history stays); False if none was in force."""
        self._authorize(by, client)
        county = None if county is None else int(county)
        item = TargetInput(indicator, int(year), 0, county)
        with self._db() as con, appdb.transaction(con):
            before = self._current_value(con, item)
            if before is None:
                return False
            self._insert(con, item, None, by, "app", note)
            self._audit(con, AUDIT_WITHDRAW, by, client, {
                "indicator": indicator, "county": county, "year": int(year),
                "previous": before})
        return True

    def apply(self, items: Sequence[TargetInput], *, by, client: str | None = None,
              source: str = "import", note: str = "",
              details: dict | None = None) -> ImportOutcome:
        """Store many targets at once (an import): all of them or, on any error, none.
        Items equal to the target in force are counted, not written."""
        self._authorize(by, client)
        checked = [check_input(item) for item in items]
        keys = [(c.indicator, c.county, c.year) for c in checked]
        if len(set(keys)) != len(keys):
            raise TargetError("error.targets.duplicate")
        created = changed = unchanged = 0
        with self._db() as con, appdb.transaction(con):
            for item in checked:
                before = self._current_value(con, item)
                if before == item.value:
                    unchanged += 1
                    continue
                self._insert(con, item, item.value, by, source, note)
                if before is None:
                    created += 1
                else:
                    changed += 1
            outcome = ImportOutcome(created, changed, unchanged)
            self._audit(con, AUDIT_IMPORT, by, client, {
                **(details or {}), "note": note, "rows": len(checked), "created": created,
                "changed": changed, "unchanged": unchanged})
        return outcome


def rows_by_key(rows: Iterable[TargetRow]) -> dict[tuple[str, int | None, int], TargetRow]:
    return {r.key: r for r in rows}
