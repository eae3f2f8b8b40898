"""Numbers, dates and periods as users read them, against answers worked out by hand.

Chinese: below 1万 the number itself with separators; from 1万 in 万 with one decimal; from
1亿 in 亿 with two. The unit is the one the *rounded* figure belongs to (99,999,999 is 1亿,
never "10,000万"), and rounding is 四舍五入 on the digits as written: 1.15万 shows as 1.2万.
English: thousands separators below a million, then million and billion.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.formatting import (
    chinese_number,
    colour_ramp,
    english_number,
    format_change,
    format_date,
    format_value,
    period_label,
    pixel_scale,
    unit_name,
)

# value -> how a Chinese reader expects it, at the default one decimal
CHINESE = [
    (0, "0"),
    (7, "7"),
    (8765, "8,765"),
    (9999, "9,999"),            # the last number written out
    (10_000, "1万"),            # the first in 万; trailing ".0" dropped
    (10_001, "1万"),
    (11_500, "1.2万"),          # 1.15 rounds half up (as a float it is 1.1499…)
    (12_345, "1.2万"),
    (99_499, "9.9万"),
    (99_500, "10万"),           # 9.95 rounds up to 10.0
    (276_000, "27.6万"),        # the published returnees
    (275_500, "27.6万"),
    (275_499, "27.5万"),
    (272_500, "27.3万"),        # an exact half: up, not to even
    (503_000, "50.3万"),
    (9_999_000, "999.9万"),
    (12_345_678, "1,234.6万"),  # separators inside 万 too
    (99_994_999, "9,999.5万"),
    (99_999_499, "9,999.9万"),
    (99_999_500, "1亿"),        # 9,999.95万 rounds to 10,000万, which is 1亿
    (99_999_999, "1亿"),
    (100_000_000, "1亿"),
    (100_000_001, "1亿"),
    (123_456_789, "1.23亿"),    # two decimals in 亿
    (541_580_000_000, "5,415.8亿"),
    (-1, "-1"),
    (-9_999, "-9,999"),
    (-10_000, "-1万"),
    (-11_500, "-1.2万"),        # halves away from zero on both sides
    (-123_456_789, "-1.23亿"),
    (2.5, "2.5"),               # not a whole number: one decimal
    (2.25, "2.3"),
    (9_999.96, "1万"),          # rounds to 10,000, so it is shown in 万
    (-0.04, "0"),               # rounds to zero: no minus sign before it
]


@pytest.mark.parametrize(("value", "text"), CHINESE, ids=[str(v) for v, _ in CHINESE])
def test_chinese_numbers_switch_unit_after_rounding_and_round_half_up(value, text):
    assert chinese_number(value) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (276_000, 0, "28万"),
    (276_000, 2, "27.6万"),
    (275_550, 2, "27.56万"),
    (5_415_800 * 10_000, 2, "541.58亿"),   # the published investment, in yuan
    (5_415_849 * 10_000, 2, "541.58亿"),
    (5_415_850 * 10_000, 2, "541.59亿"),
    (123_456_789, 3, "1.235亿"),
    (123_456_789, 0, "1.23亿"),             # 亿 keeps at least two decimals
])
def test_chinese_numbers_keep_the_decimals_asked_for(value, decimals, text):
    assert chinese_number(value, decimals) == text


@pytest.mark.parametrize("kind", [int, float, np.int64, np.float64])
def test_chinese_numbers_read_the_same_from_every_numeric_type(kind):
    assert chinese_number(kind(276_000)) == "27.6万"
    assert chinese_number(kind(99_999_999)) == "1亿"
    assert chinese_number(kind(9_999)) == "9,999"


ENGLISH = [
    (0, "0"),
    (999, "999"),
    (276_000, "276,000"),
    (999_999, "999,999"),
    (1_000_000, "1 million"),
    (1_050_000, "1.1 million"),     # 1.05 rounds half up
    (1_234_567, "1.2 million"),
    (999_949_999, "999.9 million"),
    (999_950_000, "1 billion"),     # 999.95 million rounds to 1,000 million: 1 billion
    (1_000_000_000, "1 billion"),
    (54_158_000_000, "54.16 billion"),
    (-1_234_567, "-1.2 million"),
    (999_999.96, "1 million"),      # rounds to 1,000,000
    (12.25, "12.3"),
    (1_005_000_000, "1.01 billion"),  # two decimals in billions, half up
    (-0.04, "0"),
]


@pytest.mark.parametrize(("value", "text"), ENGLISH, ids=[str(v) for v, _ in ENGLISH])
def test_english_numbers_switch_unit_after_rounding(value, text):
    assert english_number(value) == text


@pytest.mark.parametrize(("value", "unit", "lang", "text"), [
    (276_000, "person", "zh", "27.6万人"),
    (104_000, "entity", "zh", "10.4万家"),
    (246, "station", "zh", "246个"),
    (201, "project", "zh", "201个"),
    (12, "park", "zh", "12个"),
    (35, "event", "zh", "35场"),
    (0, "person", "zh", "0人"),
    (276_000, "person", "en", "276,000 people"),
    (1_234_567, "person", "en", "1.2 million people"),
    (104_000, "entity", "en", "104,000 businesses"),
    (0, "event", "en", "0 events"),
    (999_999, "person", "en", "999,999 people"),
    (1_000_000, "person", "en", "1 million people"),
    (2.5, "person", "en", "2.5 people"),      # as in Chinese, not rounded to even
    (2.5, "person", "zh", "2.5人"),
    (-1_500, "person", "en", "-1,500 people"),
    # money: investment is stored in 万元, donations in yuan
    (5_415_800, "wan_yuan", "zh", "541.58亿元"),
    (110_000, "wan_yuan", "zh", "11亿元"),
    (9_999, "wan_yuan", "zh", "9,999万元"),
    (9_999.95, "wan_yuan", "zh", "1亿元"),     # just under 1亿 rounds to 1亿, not 10,000万
    (10_000, "wan_yuan", "zh", "1亿元"),
    (0.5, "wan_yuan", "zh", "5,000元"),
    (6_300_000, "yuan", "zh", "630万元"),
    (6_325_000, "yuan", "zh", "632.5万元"),
    (800, "yuan", "zh", "800元"),
    (5_415_800, "wan_yuan", "en", "54.16 billion yuan"),
    (6_300_000, "yuan", "en", "6.3 million yuan"),
    (6_325_000, "yuan", "en", "6.33 million yuan"),   # money keeps two decimals
    (800, "yuan", "en", "800 yuan"),
    # ratios: one decimal unless told
    (0.7, "ratio", "zh", "70%"),
    (141 / 201, "ratio", "zh", "70.1%"),
    (0.0, "ratio", "zh", "0%"),
    (1.0, "ratio", "en", "100%"),
    (0.60, "ratio", "en", "60%"),
    (-0.125, "ratio", "zh", "-12.5%"),
])
def test_values_carry_their_unit(value, unit, lang, text):
    assert format_value(value, unit, lang) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (141 / 201, 0, "70%"),
    (140 / 201, 0, "70%"),   # 69.65% rounds to 70 as well
    (139 / 201, 0, "69%"),
    (0.125, 0, "13%"),       # an exact half rounds up
    (29 / 200, 0, "15%"),    # 14.5% (as a float 0.14499…)
    (0.12345, 2, "12.35%"),
])
def test_ratios_round_half_up_at_the_decimals_asked_for(value, decimals, text):
    assert format_value(value, "ratio", decimals=decimals) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1_234_567, 0, "1 million people"),
    (1_234_567, 2, "1.23 million people"),
])
def test_english_counts_take_the_indicators_decimals(value, decimals, text):
    assert format_value(value, "person", "en", decimals=decimals) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (276_000, 0, "28万人"),
    (276_000, 2, "27.6万人"),
    (503_000, None, "50.3万人"),
])
def test_counts_take_the_indicators_decimals(value, decimals, text):
    assert format_value(value, "person", decimals=decimals) == text


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan])
@pytest.mark.parametrize("unit", ["person", "wan_yuan", "ratio"])
def test_a_missing_value_is_a_dash(missing, unit):
    assert format_value(missing, unit) == "—"
    assert format_value(missing, unit, "en") == "—"


@pytest.mark.parametrize(("change", "unit", "lang", "text"), [
    (12_345, "person", "zh", "+1.2万人"),
    (-12_345, "person", "zh", "−1.2万人"),   # a real minus sign, then the size
    (0, "person", "zh", "+0人"),
    (-1, "project", "zh", "−1个"),
    (1_500, "person", "en", "+1,500 people"),
    (-2_000_000, "person", "en", "−2 million people"),
    (110_000, "wan_yuan", "zh", "+11亿元"),
    (-500, "wan_yuan", "zh", "−500万元"),
    (0.0123, "ratio", "zh", "+1.2个百分点"),
    (-0.0155, "ratio", "zh", "−1.6个百分点"),
    (-0.0155, "ratio", "en", "−1.6 pts"),
    (0.0, "ratio", "en", "+0 pts"),
])
def test_a_change_has_a_sign_and_ratios_change_in_points(change, unit, lang, text):
    assert format_change(change, unit, lang) == text


def test_a_change_is_in_chinese_unless_asked_otherwise():
    assert format_change(1_500, "person") == "+1,500人"
    assert format_change(0.1, "ratio") == "+10个百分点"


def test_no_change_known_is_no_text():
    assert format_change(None, "person") == ""
    assert format_change(None, "ratio", "en") == ""


@pytest.mark.parametrize(("day", "zh", "en"), [
    (date(2020, 8, 31), "2020年8月31日", "2020-08-31"),
    (date(2015, 1, 1), "2015年1月1日", "2015-01-01"),
    (date(2019, 12, 9), "2019年12月9日", "2019-12-09"),
])
def test_dates_in_chinese_without_leading_zeros_and_iso_in_english(day, zh, en):
    assert format_date(day) == zh
    assert format_date(day, "en") == en


def test_no_date_is_a_dash():
    assert format_date(None) == "—"
    assert format_date(None, "en") == "—"


@pytest.mark.parametrize(("day", "grain", "zh", "en"), [
    (date(2020, 1, 1), "year", "2020年", "2020"),
    (date(2020, 1, 1), "quarter", "2020年第1季度", "2020 Q1"),
    (date(2020, 3, 31), "quarter", "2020年第1季度", "2020 Q1"),
    (date(2020, 4, 1), "quarter", "2020年第2季度", "2020 Q2"),
    (date(2020, 6, 30), "quarter", "2020年第2季度", "2020 Q2"),
    (date(2020, 7, 1), "quarter", "2020年第3季度", "2020 Q3"),
    (date(2020, 9, 30), "quarter", "2020年第3季度", "2020 Q3"),
    (date(2020, 10, 1), "quarter", "2020年第4季度", "2020 Q4"),
    (date(2020, 12, 31), "quarter", "2020年第4季度", "2020 Q4"),
    (date(2020, 8, 1), "month", "2020年8月", "2020-08"),
    (date(2019, 12, 1), "month", "2019年12月", "2019-12"),
])
def test_periods_are_labelled_by_year_quarter_and_month(day, grain, zh, en):
    assert period_label(day, grain) == zh
    assert period_label(day, grain, "en") == en
    assert period_label(pd.Timestamp(day), grain) == zh
    assert period_label(day.isoformat() + "T00:00:00", grain, "en") == en


@pytest.mark.parametrize(("unit", "zh", "en"), [
    ("person", "人", "people"), ("entity", "家", "businesses"), ("wan_yuan", "元", "yuan"),
    ("ratio", "%", "%"), ("event", "场", "events"),
])
def test_unit_names_for_axes(unit, zh, en):
    assert unit_name(unit) == zh
    assert unit_name(unit, "en") == en


def test_the_largest_value_is_drawn_at_the_largest_size():
    assert pixel_scale(18, [0, 9, 36]) == 0.5
    assert pixel_scale(18, [0.5]) == 18  # below one: as if one, so nothing is blown up
    assert pixel_scale(18, [0, 0]) == 18
    assert pixel_scale(6, []) == 6


def test_colours_run_from_low_to_high_by_share_of_the_largest():
    low, high = (0, 0, 0), (100, 200, 50)
    assert colour_ramp([0, 5, 10], low, high) == [
        [0, 0, 0, 235], [50, 100, 25, 235], [100, 200, 50, 235]]
    assert colour_ramp([1, 3], low, high, alpha=255) == [[33, 67, 17, 255],
                                                          [100, 200, 50, 255]]
    assert colour_ramp([None, float("nan"), 4], (10, 10, 10), (20, 30, 40)) == [
        [10, 10, 10, 235], [10, 10, 10, 235], [20, 30, 40, 235]]
    assert colour_ramp([0, 0], (1, 2, 3), (9, 9, 9)) == [[1, 2, 3, 235], [1, 2, 3, 235]]
    assert colour_ramp([], low, high) == []
    # values below one are shares of the largest too
    assert colour_ramp([0.5, 0.25], (0, 0, 0), (100, 100, 100)) == [[100, 100, 100, 235],
                                                                    [50, 50, 50, 235]]


def test_colours_of_different_channel_counts_are_refused():
    with pytest.raises(ValueError):
        colour_ramp([1], (0, 0, 0), (255, 255))


@pytest.mark.parametrize(("value", "unit", "lang", "shown"), [
    (9_999, "person", "en", "9,999 people"),        # below 10,000: as everywhere
    (10_000, "person", "en", "10K people"),         # on the boundary
    (275_959, "person", "en", "276K people"),
    (999_499, "person", "en", "999K people"),
    (999_500, "person", "en", "1M people"),         # rounds up to a million
    (2_760_000, "person", "en", "2.8M people"),
    (275_959, "person", "zh", "27.6万人"),           # Chinese: unchanged
    (0.7, "ratio", "en", "70%"),
    (5_415_800, "wan_yuan", "en", "54.16B yuan"),   # money from a billion in billions
    (99_990, "wan_yuan", "en", "999.9 million yuan"),  # below it: as everywhere
    (100_000, "wan_yuan", "en", "1B yuan"),         # on the boundary
    (5_415_800, "wan_yuan", "zh", "541.58亿元"),
])
def test_a_wall_card_writes_english_counts_in_thousands(value, unit, lang, shown):
    from core.formatting import headline_value

    assert headline_value(value, unit, lang) == shown


@pytest.mark.parametrize(("values", "unit", "lang", "shown"), [
    # English money from a billion: every bar in billions, short enough for a narrow panel
    ([1_075_000, 220_000, 85_000, None], "wan_yuan", "en",
     ["10.75B yuan", "2.2B yuan", "0.85B yuan", "—"]),
    ([99_000, 8_500], "wan_yuan", "en", ["990 million yuan", "85 million yuan"]),  # below
    ([107_500, 8_500], "wan_yuan", "zh", ["10.75亿元", "0.85亿元"]),  # Chinese: unchanged
    # English counts from 10,000 in the largest's thousands (or millions), as a card
    ([44_015, 8_316, 950, None], "person", "en",
     ["44K people", "8.3K people", "0.95K people", "—"]),
    ([9_999, 8_316], "person", "en", ["9,999 people", "8,316 people"]),  # below: in full
    ([10_000, 512], "person", "en", ["10K people", "0.51K people"]),     # on the boundary
    ([2_760_000, 44_015], "person", "en", ["2.8M people", "0.044M people"]),
    ([999_950, 1_000], "person", "en", ["1M people", "0.001M people"]),  # rounds to a million
    ([44_015, 8_316], "person", "zh", ["4.4万人", "0.83万人"]),  # Chinese: unchanged
    ([0.7, 0.05], "ratio", "en", ["70%", "5%"]),
])
def test_a_wall_panel_writes_english_money_in_billions(values, unit, lang, shown):
    from core.formatting import short_values

    assert short_values(values, unit, lang) == shown
