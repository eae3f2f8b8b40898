"""What the pages show where a value is missing or a rule applies, run headless by AppTest
against the scale-1 snapshot: no "None" in a table, and a caption saying why a cell is empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(signed_in):
    def make(page: str, params: dict | None = None, role: str = "leader") -> AppTest:
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        return at

    return make


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_a_park_without_an_incubation_period_reads_a_dash_and_says_why(app):
    at = app("parks")
    ranking = at.dataframe[0]
    # The grid draws its placeholder for a missing number, "None" without one.
    assert ranking.proto.placeholder == "—"
    years = ranking.value["孵化期（年）"]
    # The snapshot's 14 parks: the 4 incubation bases have 3 years, the other 10 none.
    assert years.isna().sum() == 10 and sorted(years.dropna()) == [3, 3, 3, 3]
    assert "孵化期只适用于孵化基地" in captions(at)


def test_the_county_total_row_takes_no_rank_reads_a_dash_and_says_why(app):
    at = app("counties")
    table = at.dataframe[0]
    assert table.proto.placeholder == "—"
    total = table.value[table.value["县区"] == "合计"]
    assert len(total) == 1 and total["排名"].isna().all()
    assert "合计行是全市合计，不参加排名" in captions(at)
