"""The schema is its own data dictionary: every table and column is described."""

from pathlib import Path

from data.aggregates import table_names as aggregate_tables
from data.snapshot import TABLES

# The data document lists every table, the aggregates included.
DATA_DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-and-import.md").read_text(
    encoding="utf-8")


def test_every_column_of_every_table_has_a_comment(db):
    missing = db.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE NOT internal AND (comment IS NULL OR trim(comment) = '')").fetchall()
    assert missing == []


def test_every_table_has_a_comment_in_both_languages(db):
    rows = dict(db.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert set(rows) == set(TABLES) | set(aggregate_tables())
    for name, comment in rows.items():
        assert comment and "/" in comment, name


def test_the_data_document_names_every_table_of_the_schema(db):
    names = [r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    for name in names:
        assert f"`{name}`" in DATA_DOC, name
