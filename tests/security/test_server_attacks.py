"""Attacks on the server side: the login modes, the client address, lockout, the websocket
Origin, lookalike user names, the session cookie and the audit log. Each test is one attack
that once got through; where only a running server shows it, it is made against one
(started once for the module through ``python -m ops.serve``, as the service starts it)."""

from __future__ import annotations

import sqlite3

import pytest

import appdb


# -- 13: the audit log is append-only, INSERT OR REPLACE included ---------------------------
@pytest.mark.parametrize("table, columns", [
    ("audit_log", "(id, at, user_name, action) VALUES (1, 't2', 'someone-else', 'login')"),
    ("targets", "(id, indicator, year, value, set_by, set_at, source) "
                "VALUES (1, 'returnees', 2026, 1, 'someone-else', 't2', 'cli')"),
])
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE INTO", "REPLACE INTO"])
def test_an_audit_entry_cannot_be_overwritten_by_a_replace(tmp_path, table, columns, verb):
    path = tmp_path / "app.db"
    con = appdb.connect(path)
    if table == "audit_log":
        con.execute("INSERT INTO audit_log (at, user_name, action) VALUES ('t1', 'zhang', "
                    "'reveal')")
    else:
        con.execute("INSERT INTO targets (indicator, year, value, set_by, set_at, source) "
                    "VALUES ('returnees', 2026, 5000, 'zhang', 't1', 'app')")
    con.close()
    attacker = sqlite3.connect(path)  # a plain connection, as the sqlite3 shell would open
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        attacker.execute(f"{verb} {table} {columns}")
    attacker.commit()
    assert attacker.execute(f"SELECT count(*), min(id) FROM {table}").fetchone() == (1, 1)
    if table == "audit_log":
        assert attacker.execute("SELECT user_name FROM audit_log").fetchone() == ("zhang",)
    # Adding stays possible, also through REPLACE when it replaces nothing.
    attacker.execute(f"{verb} {table} {columns.replace('(1,', '(2,')}")
    attacker.commit()
    assert attacker.execute(f"SELECT count(*) FROM {table}").fetchone() == (2,)
    attacker.close()


def test_an_audit_entry_with_an_id_below_one_cannot_block_later_entries(tmp_path):
    path = tmp_path / "app.db"
    appdb.connect(path).close()
    attacker = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        attacker.execute("INSERT INTO audit_log (id, at, action) VALUES (-1, 't', 'login')")
    attacker.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'login')")
    attacker.commit()
    assert attacker.execute("SELECT id FROM audit_log").fetchall() == [(1,)]
    attacker.close()
