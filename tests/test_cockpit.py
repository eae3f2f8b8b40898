"""The cockpit reads right: rankings sort as numbers, comparisons survive a county filter,
colours and stage order never move, a partial year says so, 同比 names its base and with a
period compares the same period a year before. Expected values are computed here from the
snapshot with plain SQL, not through the analytics layer."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.formatting import format_rate, format_value
from tests.conftest import scalar
from tests.test_pages import page_text, shown_table

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
CAO = 371721
STAGES_ZH = ["洽谈", "签约", "在建", "投产"]


@pytest.fixture
def app(signed_in):
    def make(page: str = "overview", params: dict | None = None, role: str = "leader"):
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def _numbers(values) -> list:
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def chart(at: AppTest, title: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text") == title:
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def table_with(at: AppTest, header: str) -> pd.DataFrame:
    for element in at.dataframe:
        if header in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {header!r}")


# -- tables that rank ------------------------------------------------------------------------
def test_the_county_table_ranks_by_number_and_ends_with_the_city_total(app, db):
    at = app("counties")
    df = table_with(at, "返乡创业就业（人）")
    counties, total = df.iloc[:-1], df.iloc[-1]
    values = counties["返乡创业就业（人）"]
    assert pd.api.types.is_numeric_dtype(values)  # sorted as numbers, not as "1.3万家" text
    assert values.tolist() == sorted(values.tolist(), reverse=True)
    assert counties["排名"].tolist() == list(range(1, 12))
    assert total["县区"] == "合计"
    assert total["返乡创业就业（人）"] == scalar(db, "SELECT count(*) FROM returnees")
    assert "返乡创业服务站（个）" not in df.columns  # the same as 县级服务站 here
    shown = shown_table(next(e for e in at.dataframe if "排名" in e.value.columns))
    assert shown["排名"].iloc[-1] == "—"


def test_the_station_ranking_sorts_by_the_measure_it_names(app, db):
    at = app("stations")
    assert any("按推荐返乡人数从高到低排序" in c.value for c in at.caption)
    df = table_with(at, "推荐返乡人数（人）")
    referred = df["推荐返乡人数（人）"].tolist()
    assert referred == sorted(referred, reverse=True)
    top = db.execute("SELECT count(*) FROM returnees WHERE station_id IS NOT NULL "
                     "GROUP BY station_id ORDER BY 1 DESC LIMIT 1").fetchone()[0]
    assert referred[0] == top
    ranks = df["排名"].tolist()
    for i in range(1, len(ranks)):  # ties share a rank; otherwise the rank is the position
        assert ranks[i] == (ranks[i - 1] if referred[i] == referred[i - 1] else i + 1)


def test_choosing_another_measure_reorders_the_ranking(app):
    at = app("stations")
    box = next(s for s in at.selectbox if s.label == "排序指标")
    box.set_value("projects_recommended").run()
    df = table_with(at, "推荐项目（个）")
    assert df.columns[:3].tolist() == ["排名", "服务站", "推荐项目（个）"]
    counts = df["推荐项目（个）"].tolist()
    assert counts == sorted(counts, reverse=True)


# -- comparisons that survive a county filter -------------------------------------------------
def test_a_county_filter_highlights_the_county_with_its_rank_and_share(app, db):
    at = app("counties", {"county": str(CAO)})
    by_county = dict(db.execute("SELECT county_code, count(*) FROM returnees GROUP BY 1")
                     .fetchall())
    rank = 1 + sum(v > by_county[CAO] for v in by_county.values())
    share = by_county[CAO] / sum(by_county.values())
    expected = f"曹县第{rank}名/11，占全市{format_rate(share).lstrip('+')}"
    assert any(expected in c.value for c in at.caption), [c.value for c in at.caption]
    spec = chart(at, "返乡创业就业 · 按县区")
    bars = spec["data"][0]
    colours = dict(zip(bars["y"], bars["marker"]["color"], strict=True))
    assert len(colours) == 11  # every county is still there
    assert colours["曹县"] != colours["单县"] and len(set(colours.values())) == 2


def test_the_overview_county_chart_keeps_every_county_under_a_filter(app):
    at = app("overview", {"county": str(CAO)})
    bars = chart(at, "各县区过亿元项目")["data"][0]
    assert len(bars["y"]) == 11 and all(v > 0 for v in _numbers(bars["x"]))


# -- 同比 --------------------------------------------------------------------------------------
def test_cards_name_their_base_a_year_before_the_data_date(app):
    at = app("overview")
    assert any("同比：较2019年8月底" in c.value for c in at.caption)


def test_with_a_period_cards_compare_the_same_period_a_year_before(app, db):
    at = app("overview", {"from": "2020-01-01", "to": "2020-08-31"})
    assert any("较上年同期（2019年1月1日–2019年8月31日）" in c.value for c in at.caption)
    now = scalar(db, "SELECT count(*) FROM returnees WHERE returned_on BETWEEN "
                     "DATE '2020-01-01' AND DATE '2020-08-31'")
    before = scalar(db, "SELECT count(*) FROM returnees WHERE returned_on BETWEEN "
                        "DATE '2019-01-01' AND DATE '2019-08-31'")
    card = next(m for m in at.metric if m.label == "返乡创业就业")
    assert card.value == format_value(now, "person")
    change = format_value(abs(now - before), "person")
    sign = "+" if now >= before else "-"
    assert card.proto.delta == f"{format_rate((now - before) / before)}（{sign}{change}）"


def test_no_change_is_grey_without_an_arrow(signed_in):
    from datetime import date

    from analytics.compare import Base, Comparison
    from pages.cards import change_text

    same = Comparison("returnees", 100, 100, Base("as_of", None, date(2019, 8, 31)))
    text, colour = change_text(same)
    assert (text, colour) == ("持平", "off")
    up = Comparison("returnees", 110, 100, Base("as_of", None, date(2019, 8, 31)))
    assert change_text(up) == ("+10%（+10人）", "inverse")  # a rise in red
    down = Comparison("returnees", 90, 100, Base("as_of", None, date(2019, 8, 31)))
    assert change_text(down) == ("-10%（-10人）", "inverse")  # ASCII minus: a green ↓


# -- charts that do not mislead --------------------------------------------------------------
@pytest.mark.parametrize("params", [{}, {"county": "371771"},
                                    {"county": "371702", "industry": "construction"}])
def test_project_stages_are_always_in_pipeline_order(app, params):
    bars = chart(app("projects", params), "按项目阶段")["data"][0]
    assert bars["x"] == STAGES_ZH


@pytest.mark.parametrize(("params", "first", "last"), [
    ({}, "2015年", "2020年<br>1–8月"),
    ({"to": "2019-12-31"}, "2015年", "2019年"),
    ({"from": "2019-03-01"}, "2019年<br>3–12月", "2020年<br>1–8月")])
def test_a_year_the_data_covers_in_part_says_which_months(app, params, first, last):
    spec = chart(app("overview", params), "历年返乡创业就业人数与新增经济实体")
    years = spec["data"][0]["x"]
    assert (years[0], years[-1]) == (first, last)
    opacity = spec["data"][0]["marker"]["opacity"]
    assert (opacity[-1] < 1) == ("<br>" in last)  # drawn faded only when partial


def test_industry_colours_do_not_change_with_the_filter(app):
    def colours(at):
        bars = chart(at, "经济实体产业构成")["data"][0]
        return dict(zip(bars["y"], bars["marker"]["color"], strict=True))

    everywhere, cao = colours(app("overview")), colours(app("overview", {"county": str(CAO)}))
    shared_names = set(everywhere) & set(cao)
    assert len(shared_names) >= 10
    assert {n: everywhere[n] for n in shared_names} == {n: cao[n] for n in shared_names}
    assert len(set(everywhere.values())) == len(everywhere)  # one colour per industry


def test_county_colours_on_trends_are_distinct_and_do_not_change_with_the_filter(app):
    def colours(params):
        at = app("trends", params)
        next(s for s in at.selectbox if s.label == "拆分").set_value("county").run()
        spec = chart(at, "返乡创业就业 · 当期 · 年")
        return {trace["name"]: trace["marker"]["color"] for trace in spec["data"]}

    everywhere, hair = colours({}), colours({"industry": "hair"})
    assert len(everywhere) == 11 and len(set(everywhere.values())) == 11
    assert {n: everywhere[n] for n in hair} == hair


def test_bars_carry_their_values_and_money_is_in_yi_yuan(app):
    at = app("projects")
    spec = chart(at, "过亿元项目总投资 · 按县区")
    bars = spec["data"][0]
    assert all(text.endswith("亿元") for text in bars["text"])
    assert spec["layout"]["xaxis"]["title"]["text"] == "亿元"
    assert all("过亿元项目总投资：" in hover for hover in bars["customdata"])


def test_the_funnel_counts_the_outside_register_and_leaves_jobs_out(app, db):
    at = app("overview")
    bars = chart(at, "在外登记人员返乡转化")["data"][0]
    assert bars["y"] == ["在外登记", "有返乡意向", "已返乡", "创办实体"]
    registered = scalar(db, "SELECT count(*) FROM outside_people")
    assert _numbers(bars["x"])[0] == registered
    note = next(c.value for c in at.caption if c.value.startswith("口径"))
    assert format_value(registered, "person") in note and "27.6万人" in note


# -- no None, NaT, nan or codes on a Chinese page --------------------------------------------
LEAKS = re.compile(r"\b(None|NaT|nan|NaN|<NA>|operating|negotiating|incubator|enterprise|"
                   r"family_farm|returnees_referred)\b")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", [{}, {"county": str(CAO)},
                                    {"county": "371771", "industry": "construction"}])
def test_no_page_shows_none_nat_nan_or_a_raw_code(app, page, params):
    text = page_text(app(page, params))
    assert not LEAKS.findall(text), LEAKS.findall(text)[:5]


def test_the_definitions_speak_plainly_and_keep_sql_for_analysts(app):
    at = app("definitions")
    glossary = at.dataframe[0].value
    assert "计算方法" not in glossary.columns
    assert not glossary.apply(lambda col: col.astype(str).str.contains("count\\(")).any().any()
    assert at.expander and "供数据分析人员参考" in at.expander[0].label


# -- exports -----------------------------------------------------------------------------------
def test_an_xlsx_export_has_a_title_the_filter_a_frozen_header_and_number_formats():
    from analytics.export import xlsx_bytes

    frame = pd.DataFrame({"县区": ["曹县", "单县"], "返乡创业就业（人）": [44015, 33288],
                          "过亿元项目总投资（亿元）": [76.28, 107.49]})
    meta = {"筛选条件": "县区: 曹县", "数据截至": "2020-08-31"}
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, meta, title="县区对比")))["数据"]
    assert sheet["A1"].value == "县区对比"
    assert "筛选条件：县区: 曹县" in sheet["A2"].value and "2020-08-31" in sheet["A2"].value
    assert [c.value for c in sheet[4]] == list(frame.columns)
    assert sheet.freeze_panes == "A5"
    assert sheet["B5"].value == 44015 and sheet["B5"].number_format == "#,##0"
    assert sheet["C5"].number_format == "#,##0.00"
    assert sheet.column_dimensions["C"].width >= 20


BIG_PROJECTS = 201  # tests/published.py: 201 landed projects over 100 million yuan


@pytest.mark.parametrize("limit, cut", [(BIG_PROJECTS - 1, True), (BIG_PROJECTS, False)])
def test_a_long_table_shows_its_first_rows_says_so_and_its_download_holds_every_row(
        app, monkeypatch, request, limit, cut):
    import csv

    from streamlit.runtime.media_file_manager import MediaFileManager

    import pages.tables as shared

    files = {}
    register = MediaFileManager.add_deferred

    def keep(self, make, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = make
        return register(self, make, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    monkeypatch.setattr(shared, "TABLE_ROWS", limit)
    # The table is a shared view (pages.serving.built), made for the limit it was built with.
    from pages import serving

    serving._built.clear()
    request.addfinalizer(serving._built.clear)
    at = app("projects")
    assert len(table_with(at, "项目名称")) == (limit if cut else BIG_PROJECTS)
    note = f"表中列出前{limit:,}行（共{BIG_PROJECTS:,}行）"
    assert any(note in c.value for c in at.caption) is cut
    # Named for what it holds, the filter and the data's date.
    made = files["过亿元返乡创业项目清单_全市_2020-08-31.csv"]()
    lines = list(csv.reader(io.StringIO(made.decode("utf-8-sig"))))
    header = next(i for i, row in enumerate(lines) if row and row[0] == "项目名称")
    assert len(lines) - header - 1 == BIG_PROJECTS


SHAN = 371722


def done_this_year(db, county: int) -> int:
    return db.execute("SELECT count(*) FROM returnees WHERE county_code = ? AND returned_on "
                      "BETWEEN '2020-01-01' AND '2020-08-31'", [county]).fetchone()[0]


def test_the_counties_page_ranks_counties_by_completion_only_where_a_target_is_set(
        app, app_data_dir, db):
    from targets import TargetStore

    store = TargetStore(app_data_dir / "app.db")
    at = app("counties")
    assert not any(s.value == "各县区年度目标完成率" for s in at.subheader)  # nothing invented

    cao, shan = done_this_year(db, CAO), done_this_year(db, SHAN)
    store.set("returnees", 2020, cao, county=CAO, by="admin")         # exactly 100%
    store.set("returnees", 2020, shan * 10, county=SHAN, by="admin")  # 10%
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "各县区年度目标完成率" for s in at.subheader)
    ranking = next(d.value for d in at.dataframe if "完成率" in d.value.columns)
    assert list(ranking["县区"]) == ["曹县", "单县"]
    assert list(ranking["排名"]) == [1, 2]
    assert list(ranking["完成率"]) == [1.0, pytest.approx(0.1)]
    unset = next(c.value for c in at.caption if c.value.startswith("未设目标："))
    assert "郓城县" in unset and "曹县" not in unset
