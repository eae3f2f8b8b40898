"""The view models below the UI (presentation/): a headline card built in one call from the
registry and an analytics comparison shows the published figures (27.6万人, 541.58亿元, 70%)
and the delta the way the cockpit draws it; tables and charts are built the same way; and
nothing of presentation imports streamlit."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics import Analytics
from analytics.compare import Base, Comparison, headline
from model import indicators as reg
from presentation import charts as build
from presentation import kpi, screen, tables
from tests.published import PUBLISHED

ROOT = Path(__file__).resolve().parents[1]
BASE = Base("as_of", None, date(2019, 8, 31))


@pytest.fixture(scope="module")
def comparisons(db):
    a = Analytics(db)
    return a, headline(a, reg.HEADLINE)


def test_presentation_imports_no_streamlit():
    modules = sorted(p.stem for p in (ROOT / "presentation").glob("*.py"))
    code = ("import sys\n"
            + "".join(f"import presentation.{m}\n" for m in modules if m != "__init__")
            + "print('streamlit' in sys.modules or any(n.startswith('streamlit.') "
              "for n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("key", "shown"), [
    ("returnees", "27.6万人"), ("big_investment", "541.58亿元"), ("big_projects", "201个"),
])
def test_a_headline_card_shows_the_published_figure(comparisons, key, shown):
    a, values = comparisons
    card = kpi.kpi_card(key, values[key], "zh", a.snapshot.as_of)
    assert card.value_text == shown == PUBLISHED[key].text.removeprefix("约")
    assert PUBLISHED[key].met_by(values[key].value)
    assert card.label == reg.get(key).name("zh")
    assert card.published_matches is True
    titles = [title for title, _ in card.note]
    assert titles == ["口径", "数据截至", "公开报道"]
    assert card.note[2][1].startswith(PUBLISHED[key].text)
    assert card.note[2][1].endswith("— 与公开数据一致")


def test_the_wall_splits_the_value_for_its_large_type(comparisons):
    a, values = comparisons
    card = kpi.kpi_card("returnees", values["returnees"], "zh", a.snapshot.as_of)
    assert (card.wall_number, card.wall_unit) == ("27.6", "万人")
    en = kpi.kpi_card("returnees", values["returnees"], "en", a.snapshot.as_of)
    assert (en.wall_number, en.wall_unit) == ("276K", "people")


def test_the_delta_is_a_rate_and_the_change_red_up_green_down_grey_when_flat():
    up = kpi.kpi_card("returnees", Comparison("returnees", 110, 100, BASE), "zh",
                      date(2020, 8, 31))
    assert (up.delta_text, up.delta_colour, up.delta_direction) == (
        "+10%（+10人）", "inverse", "up")
    assert up.base == "较2019年8月底" and up.wall_delta == "+10%"
    down = kpi.kpi_card("returnees", Comparison("returnees", 90, 100, BASE), "zh",
                        date(2020, 8, 31))
    assert (down.delta_text, down.delta_direction) == ("-10%（-10人）", "down")
    flat = kpi.kpi_card("returnees", Comparison("returnees", 100, 100, BASE), "zh",
                        date(2020, 8, 31))
    assert (flat.delta_text, flat.delta_colour, flat.delta_direction) == ("持平", "off", "flat")
    none = kpi.kpi_card("returnees", Comparison("returnees", 100, None, BASE), "zh",
                        date(2020, 8, 31))
    assert (none.delta_text, none.base, none.delta_direction) == (None, None, None)
    assert kpi.base_caption([up, none], "zh") == "同比：较2019年8月底"
    assert kpi.base_caption([none], "zh") is None


def test_a_sparkline_needs_two_finite_values_and_draws_a_level_series_across_the_middle():
    assert kpi.spark_points([]) is None and kpi.spark_points([3.0]) is None
    assert kpi.spark_points([float("nan"), 2.0, float("inf"), None]) is None
    width, height = kpi.SPARK_BOX
    rising = kpi.spark_points([1, float("nan"), 2, 3])
    assert [x for x, _ in rising] == [0, width / 2, width]  # the NaN is left out
    assert rising[0][1] == height - kpi.SPARK_PAD and rising[-1][1] == kpi.SPARK_PAD
    assert {y for _, y in kpi.spark_points([5, 5, 5])} == {height / 2}


def test_a_cards_sparkline_is_drawn_in_its_delta_colour_or_not_at_all():
    def card(now, before, spark):
        return kpi.kpi_card("returnees", Comparison("returnees", now, before, BASE), "zh",
                            date(2020, 8, 31), spark)

    up, down = card(110, 100, [1, 2, 3]), card(90, 100, [3, 2, 1])
    flat, unknown = card(100, 100, [1, 1]), card(100, None, [1, 2])
    assert [kpi.spark_tone(c) for c in (up, down, flat, unknown)] == [
        "red", "green", "grey", "grey"]
    svg = kpi.sparkline_svg(up)
    assert svg.startswith('<svg class="heze-spark"') and svg.count("<polyline") == 1
    assert kpi.SPARK_TONES["red"][0] in svg and kpi.SPARK_TONES["red"][1] in svg
    assert kpi.sparkline_svg(card(110, 100, [float("nan"), 4])) is None
    assert kpi.sparkline_svg(card(110, 100, None)) is None


def test_the_walls_strip_shows_each_card_with_its_delta(comparisons):
    a, values = comparisons
    cards = kpi.kpi_cards(reg.HEADLINE, values, "zh", a.snapshot.as_of)
    html = screen.headline_html(cards, {}, "zh")
    assert 'data-key="returnees"' in html and 'class="scr-num">27.6<' in html
    assert 'class="scr-bar"' not in html  # no target: no bar
    assert html.count('class="scr-delta up"') == sum(
        1 for c in cards if c.delta_direction == "up")


def test_a_table_is_shown_with_headers_masks_and_dashes():
    df = pd.DataFrame({"name": ["张三丰"], "mobile": ["13812345678"], "when": [date(2020, 8, 31)],
                       "note": [None], "n": [1234.5]})
    shown = tables.display_frame(df, {"name": "name", "mobile": "mobile", "when": "date",
                                      "note": "Note", "n": "N"}, "zh")
    assert list(shown.columns)[-2:] == ["Note", "N"]
    row = shown.iloc[0].tolist()
    assert row[2] == "2020-08-31" and row[3] == "—" and row[4] == 1234.5
    assert "*" in row[0] and row[1] == "138****5678"
    widths = tables.widths(shown)
    assert set(widths) == set(shown.columns) and all(w >= 50 for w in widths.values())


def test_a_chart_is_labelled_in_the_language_given():
    fig = build.bars(["A", "B"], [276_000, 104_000], unit="person", name="返乡", title="T",
                     lang="zh")
    assert fig["data"][0]["text"] == ["27.6万人", "10.4万人"]
    assert fig["layout"]["xaxis"]["type"] == "category"
    en = build.bars(["A"], [276_000], unit="person", name="x", title="T", lang="en")
    assert en["data"][0]["text"][0].endswith("people")


def test_a_comparison_table_shows_money_in_yi_yuan_and_people_whole():
    frame = pd.DataFrame({"returnees": [276_000.0], "big_investment": [5_415_800.0]})
    shown, headers = tables.in_display_units(frame, ("returnees", "big_investment"), "zh")
    assert shown["returnees__shown"].iloc[0] == 276_000  # people stay whole numbers
    assert shown["big_investment__shown"].iloc[0] == pytest.approx(541.58)
    assert headers["returnees__shown"] == "返乡创业就业（人）"
    assert headers["big_investment__shown"].endswith("（亿元）")


def test_a_target_is_shown_in_its_indicators_unit():
    from presentation.targets import shown_value

    assert shown_value("returnees", 276_000, "zh") == "27.6万人"
    assert shown_value("returnees", None, "zh") == shown_value("returnees", float("nan"),
                                                               "zh") == "—"


def test_a_printed_table_writes_every_row_as_the_grid_does():
    import pandas as pd

    from presentation.tables import print_html

    shown = pd.DataFrame({"园区": ["曹县<庄寨>", "单县"], "入驻实体": [1449, 801],
                          "面积": [85000.5, None], "揭牌日期": ["2016-10-15", "—"]})
    html = print_html(shown)
    assert html.startswith('<table class="heze-print-table"><thead><tr><th>园区</th>')
    assert html.count("<tr>") == 3  # the header and both rows
    assert "曹县&lt;庄寨&gt;" in html  # text is text, never markup
    assert '<td class="num">1,449</td>' in html and '<td class="num">—</td>' in html
    assert '<td class="num">85,000.5</td>' in html
    assert '<td class="date">2016-10-15</td>' in html and '<td class="date">—</td>' in html


def test_the_maps_shrink_their_marks_on_a_phone_and_keep_full_size_on_a_desktop():
    from presentation.map_layers import map_sizes

    # A 1280 px desktop content width: full-size marks, both maps at their tallest.
    assert map_sizes(1280) == (640, 480, 1.0)
    # Exactly the full-size width still draws full size.
    assert map_sizes(900)[2] == 1.0
    # A 390 px phone (about 358 px of content): 40% marks, never smaller, and maps no
    # shorter than 300 and 280 px.
    national, heze, marks = map_sizes(358)
    assert (national, heze, marks) == (300, 280, 0.4)
    assert map_sizes(450)[2] == 0.5


def test_a_wide_screen_puts_the_maps_side_by_side_each_sized_for_its_column():
    from presentation.map_layers import OWN_COUNTY_SHARES, map_layout

    # A 1280 px projector (820 px of content) and a phone (358 px): stacked, each map as
    # wide as the content, as tall as before.
    projector = map_layout(820)
    assert not projector.side_by_side
    assert (projector.national, projector.heze, projector.marks) == (
        (820, 639), (820, 480), 820 / 900)
    phone = map_layout(358)
    assert not phone.side_by_side
    assert (phone.national, phone.heze, phone.marks) == ((358, 300), (358, 280), 0.4)
    assert not map_layout(1399).side_by_side
    # A 1920 monitor with the sidebar open (1460 px of content): side by side, 32 px apart,
    # in columns of 3:2 of the 1428 px left (856.8 and 571.2), both maps 640 px tall.
    wall = map_layout(1460)
    assert wall.side_by_side and map_layout(1400).side_by_side
    assert (wall.national, wall.heze) == ((856, 640), (572, 640))
    assert wall.marks == 856 / 900
    # County staff: their stations' table (815 px of columns in English) beside the map,
    # in 2:3.
    county = map_layout(1460, OWN_COUNTY_SHARES)
    assert (county.national, county.heze) == ((571, 640), (857, 640))
