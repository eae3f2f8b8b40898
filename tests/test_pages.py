"""Every page, run headless by AppTest against the scale-1 snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import Analytics, Filter
from analytics.masking import contains_unmasked
from core.formatting import format_value
from model import indicators as reg

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
FILTERED = {"county": ["曹县"], "industry": ["演出服饰与汉服"], "level": ["县级站"]}
NOTHING = {"county": ["东明县"], "level": ["市级站"], "from": "2015-01-01", "to": "2015-01-03"}


@pytest.fixture
def app(signed_in):
    def make(page: str = "overview", params: dict | None = None,
             role: str = "leader") -> AppTest:
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        return at

    return make


@pytest.fixture(scope="module")
def analytics(snapshot_file):
    import duckdb

    con = duckdb.connect(str(snapshot_file), read_only=True)
    yield Analytics(con)
    con.close()


def sidebar_widget(at: AppTest, kind: str, label: str):
    """The sidebar widget of a kind by its visible label (keys change with the language)."""
    found = [w for w in getattr(at.sidebar, kind) if w.label == label]
    assert found, f"no {kind} labelled {label!r} in the sidebar"
    return found[0]


def shown_table(element):
    """A dataframe as the user reads it: the formatted values when the table is styled, or
    as the grid writes a number column given a printf format ("%,.1f": 1,234.5) and a
    missing value (the placeholder, "—")."""
    import json
    import re

    from streamlit import dataframe_util

    data = element.proto.arrow_data
    if data.HasField("styler") and data.styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(data.styler.display_values)
    frame = element.value
    config = json.loads(element.proto.columns or "{}")
    shown = frame.copy()
    for col in frame.columns:
        fmt = ((config.get(str(col)) or {}).get("type_config") or {}).get("format") or ""
        if m := re.fullmatch(r"%,\.(\d+)f", fmt):
            places = int(m.group(1))
            shown[col] = [element.proto.placeholder if pd.isna(v) else f"{v:,.{places}f}"
                          for v in frame[col]]
    return shown


def page_text(at: AppTest) -> str:
    """Everything a user could read on the page, tables included."""
    parts = [str(e.value) for kind in ("markdown", "caption", "title", "subheader", "header",
                                        "info", "warning", "error", "text")
             for e in at.get(kind)]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    parts += [shown_table(df).to_csv() for df in at.dataframe]
    parts += [table.value.to_csv() for table in at.table]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception_unfiltered(app, page):
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception_when_filtered(app, page):
    at = app(page, FILTERED)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", ["overview", "trends", "stations", "projects", "counties",
                                  "map"])
def test_a_filter_that_matches_nothing_shows_the_empty_state_not_a_chart(app, page):
    at = app(page, NOTHING)
    assert not at.exception
    assert any("没有数据" in i.value for i in at.info), page
    assert not at.get("plotly_chart")


def test_the_cockpit_cards_show_the_analytics_values_for_the_same_filter(app, analytics):
    at = app("overview", {"county": ["曹县"]})
    values = analytics.values(reg.HEADLINE, Filter(counties=[371721]))
    shown = {m.label: m.value for m in at.metric}
    for key in reg.HEADLINE:
        ind = reg.get(key)
        assert shown[ind.name_zh] == format_value(values[key].value, ind.unit,
                                                  decimals=ind.decimals)


def test_the_unfiltered_cockpit_shows_the_published_figures(app):
    shown = {m.label: m.value for m in app("overview").metric}
    assert shown["返乡创业就业"] == "27.6万人"
    assert shown["领办创办经济实体"] == "10.4万家"
    assert shown["过亿元返乡创业项目"] == "201个"
    assert shown["过亿元项目总投资"] == "541.58亿元"
    assert shown["服务站推荐引进占比"] == "70%"
    assert shown["返乡创业服务站"] == "246个"


def test_url_parameters_open_the_same_filtered_view(app):
    at = app("overview", {"county": ["371721", "371722"], "industry": ["hair"],
                          "from": "2018-01-01", "to": "2019-12-31"})
    assert at.session_state["active_filter"] == Filter(
        counties=[371721, 371722], industries=["hair"], start=date(2018, 1, 1),
        end=date(2019, 12, 31))
    assert sidebar_widget(at, "multiselect", "县区").value == [371721, 371722]


def test_an_old_link_with_chinese_labels_opens_the_same_view(app):
    at = app("overview", {"county": ["曹县", "单县"], "industry": ["发制品"],
                          "level": ["县级站"], "from": "2018-01-01", "to": "2019-12-31"})
    assert at.session_state["active_filter"] == Filter(
        counties=[371721, 371722], industries=["hair"], levels=["county"],
        start=date(2018, 1, 1), end=date(2019, 12, 31))
    assert not at.warning[1:], [w.value for w in at.warning]  # nothing was ignored


def test_the_link_is_rewritten_with_codes_whatever_the_language(app):
    at = app("overview", {"county": ["曹县"], "level": ["County-level"], "lang": ["English"]})
    link = {key: value if isinstance(value, list) else [value]
            for key, value in at.query_params.items()}
    assert link == {"county": ["371721"], "level": ["county"], "lang": ["en"]}


def test_the_filter_holds_when_switching_pages(app):
    at = app("overview")
    sidebar_widget(at, "multiselect", "县区").select(371722).run()
    at.switch_page("pages/stations.py").run()
    assert at.session_state["active_filter"].counties == (371722,)


def test_the_reset_button_clears_every_filter(app):
    at = app("overview", FILTERED)
    assert at.session_state["active_filter"] != Filter()
    at.button[0].click().run()
    assert at.session_state["active_filter"] == Filter()


def test_the_english_switch_changes_the_labels_and_keeps_the_filter(app):
    at = app("overview", {"county": ["曹县"]})
    at.radio(key="lang_pick").set_value("en").run()
    labels = {m.label for m in at.metric}
    assert {reg.get(k).name_en for k in reg.HEADLINE} <= labels
    assert at.session_state["active_filter"].counties == (371721,)
    assert "Returnees" in labels and "返乡创业就业" not in labels


def test_the_demo_banner_says_the_data_is_synthetic(app):
    assert any("演示数据" in w.value for w in app("overview").warning)


def test_a_bad_url_value_is_dropped_and_named_and_the_rest_applies(app):
    at = app("overview", {"county": ["不存在的县", "371722"], "from": ["2030-13-45"]})
    assert not at.exception
    assert at.session_state["active_filter"].counties == (371722,)
    warnings = " ".join(w.value for w in at.warning)
    assert "不存在的县" in warnings and "2030-13-45" in warnings


@pytest.mark.parametrize("page", PAGES)
def test_no_unmasked_id_or_mobile_number_appears_on_any_page(app, page):
    at = app(page)
    assert not contains_unmasked(page_text(at))


def test_the_station_card_shows_the_head_masked(app):
    at = app("stations")
    text = page_text(at)
    assert "站长:" in text or "站长：" in text
    assert "****" in text.replace("\\*", "*")  # the head's mobile, masked (escaped Markdown)
