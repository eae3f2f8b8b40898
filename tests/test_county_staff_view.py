"""County staff see their own county, not an empty comparison: on 县区 every indicator of
their county, the chosen one year by year and by industry, and — only when the city allows it
(access.county_rank) — their rank among all counties, never another county's figure. Expected
values come from SQL on the snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import compare
from analytics.queries import Analytics
from tests.conftest import scalar
from tests.test_pages import page_text

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CAOXIAN = 371721


@pytest.fixture
def counties_page(signed_in, monkeypatch, tmp_path):
    def make(role: str, rank: bool | None = None) -> AppTest:
        if rank is not None:
            config = tmp_path / "heze.toml"
            config.write_text(f"[access]\ncounty_rank = {'true' if rank else 'false'}\n",
                              encoding="utf-8")
            monkeypatch.setenv("HEZE_CONFIG", str(config))
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        at.run()
        at.switch_page("pages/counties.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def returnees_by_county(db) -> dict[int, int]:
    return dict(db.execute("SELECT county_code, count(*) FROM returnees GROUP BY 1").fetchall())


def test_the_rank_is_the_countys_place_among_all_counties(db):
    counts = returnees_by_county(db)
    expected = 1 + sum(1 for v in counts.values() if v > counts[CAOXIAN])
    standing = compare.county_standing(Analytics(db), ["returnees"], CAOXIAN)
    assert standing.to_dict("records") == [{"key": "returnees", "rank": expected,
                                             "of": len(counts)}]
    assert set(standing.columns) == {"key", "rank", "of"}  # no other county's figure


def test_county_staff_see_their_county_not_a_one_bar_comparison(counties_page, db):
    at = counties_page("county")
    text = page_text(at)
    assert "您的数据范围是曹县" in text and "合计" not in text
    table = at.dataframe[0].value
    returnees = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ?", [CAOXIAN])
    row = table[table["指标"] == "返乡创业就业"]
    assert row["数值"].iloc[0] == f"{returnees / 1e4:.1f}万人"
    assert "排名未向县区用户开放" in text and not any("排名" in c for c in table.columns)
    charts = [c.spec for c in at.get("plotly_chart")] if at.get("plotly_chart") else []
    titles = " ".join(str(c) for c in charts) + text
    assert "曹县" in titles


def test_with_the_citys_leave_county_staff_see_their_rank_and_no_other_figure(counties_page,
                                                                            db):
    at = counties_page("county", rank=True)
    table = at.dataframe[0].value
    counts = returnees_by_county(db)
    expected = 1 + sum(1 for v in counts.values() if v > counts[CAOXIAN])
    rank_col = next(c for c in table.columns if "排名" in c)
    assert f"{len(counts)}个县区" in rank_col
    assert table.loc[table["指标"] == "返乡创业就业", rank_col].iloc[0] == f"第{expected}名"
    others = {v for code, v in counts.items() if code != CAOXIAN}
    assert not any(str(v) in page_text(at) for v in others if v > 999)


def test_a_leader_still_compares_every_county(counties_page):
    text = page_text(counties_page("leader"))
    assert "合计" in text and "您的数据范围" not in text


def test_county_staff_get_their_stations_instead_of_a_heze_map_of_one_county(signed_in, db):
    at = signed_in(AppTest.from_file(APP, default_timeout=120), "county")
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("deck_gl_json_chart")) == 1  # the national map; no Heze box of one
    text = page_text(at)
    assert "点击县区" not in text and "向曹县输送返乡人员和项目的服务站" in text
    table = at.dataframe[0].value
    expected = dict(db.execute(
        "SELECT s.name_zh, count(*) FROM returnees r JOIN stations s USING (station_id) "
        "WHERE r.county_code = ? GROUP BY 1", [CAOXIAN]).fetchall())
    sent = table.set_index("服务站")["输送返乡人数"]  # to 曹县, as the title says
    top = max(expected, key=lambda k: (expected[k], k))
    assert sent.iloc[0] == expected[top] and sent.sum() == sum(expected.values())


@pytest.mark.parametrize(("page", "indicator"), [("overview", "过亿元返乡创业项目"),
                                                 ("projects", "过亿元项目总投资")])
def test_county_staff_see_their_county_by_year_instead_of_a_one_bar_county_chart(
        signed_in, page, indicator):
    import json

    at = signed_in(AppTest.from_file(APP, default_timeout=120), "county")
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for fig in figures:
        for trace in fig["data"]:
            assert trace.get("y") != ["曹县"] and trace.get("x") != ["曹县"], "one-bar chart"
    titles = [fig["layout"].get("title", {}).get("text", "") for fig in figures]
    assert f"曹县{indicator} · 逐年" in titles
