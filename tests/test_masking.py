"""Person-level data as it may be shown: 张*, 371722********123X, 138****5678 — known answers
for names of one, two, three and four characters, ID numbers with an X, mobiles, and
missing values; and the check that finds an unmasked number in any text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.masking import (
    PERSON_COLUMNS,
    contains_unmasked,
    mask_frame,
    mask_id_number,
    mask_mobile,
    mask_name,
)

MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT]


@pytest.mark.parametrize(("name", "masked"), [
    ("张", "张*"),          # one character: still a star, or the name would show whole
    ("张三", "张*"),
    ("王小明", "王**"),
    ("欧阳娜娜", "欧***"),
    ("Li", "L*"),
])
def test_a_name_keeps_only_its_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("missing", MISSING + [""], ids=repr)
def test_no_name_stays_no_name(missing):
    assert mask_name(missing) is None


@pytest.mark.parametrize(("number", "masked"), [
    ("37172219900101123X", "371722********123X"),   # the documents' own example form
    ("11010519491231002X", "110105********002X"),
    ("440524188001010014", "440524********0014"),
    ("371722199001011237", "371722********1237"),
    ("371722900101123", "371722*****1123"),         # an old 15-digit number: 6 + 5 + 4
    ("12345678901", "123456*8901"),                 # eleven characters: one star
])
def test_an_id_number_shows_its_region_and_last_four_only(number, masked):
    assert mask_id_number(number) == masked
    assert len(mask_id_number(number)) == len(number)


@pytest.mark.parametrize("short", ["1234567890", "12345", "X"])
def test_an_id_number_too_short_to_hide_the_middle_is_all_stars(short):
    assert mask_id_number(short) == "********"


@pytest.mark.parametrize("missing", MISSING, ids=repr)
def test_no_id_number_stays_none(missing):
    assert mask_id_number(missing) is None


@pytest.mark.parametrize(("number", "masked"), [
    ("13812345678", "138****5678"),
    ("19900001111", "199****1111"),
    ("+8613812345678", "+86****5678"),
])
def test_a_mobile_shows_its_first_three_and_last_four_digits(number, masked):
    assert mask_mobile(number) == masked


@pytest.mark.parametrize("short", ["1381234567", "110", ""])
def test_a_mobile_too_short_is_all_stars(short):
    assert mask_mobile(short) == "*******"


@pytest.mark.parametrize("missing", MISSING, ids=repr)
def test_no_mobile_stays_none(missing):
    assert mask_mobile(missing) is None


def test_numbers_given_as_integers_are_masked_like_text():
    assert mask_id_number(371722199001011237) == "371722********1237"
    assert mask_mobile(13812345678) == "138****5678"


def test_mask_frame_masks_every_person_column_and_nothing_else():
    raw = pd.DataFrame({
        "name": ["王小明", None], "head_name": ["张三", "李"], "honorary_head": ["欧阳娜娜", None],
        "id_number": ["37172219900101123X", None], "mobile": ["13812345678", np.nan],
        "head_mobile": ["13900001111", "13700002222"], "station": ["北京站", "上海站"],
        "members": [120, 45],
    })
    before = raw.copy()
    masked = mask_frame(raw)
    masked = masked.astype(object).where(masked.notna(), None)  # NaN or None: both missing
    assert masked.to_dict("list") == {
        "name": ["王**", None], "head_name": ["张*", "李*"], "honorary_head": ["欧***", None],
        "id_number": ["371722********123X", None], "mobile": ["138****5678", None],
        "head_mobile": ["139****1111", "137****2222"], "station": ["北京站", "上海站"],
        "members": [120, 45],
    }
    pd.testing.assert_frame_equal(raw, before)  # the caller's frame is left as it was
    assert set(PERSON_COLUMNS) == {"name", "head_name", "honorary_head", "id_number", "mobile",
                                   "head_mobile"}


def test_mask_frame_leaves_a_frame_without_person_columns_alone():
    df = pd.DataFrame({"county": ["曹县"], "returnees": [3]})
    pd.testing.assert_frame_equal(mask_frame(df), df)


@pytest.mark.parametrize("text", [
    "37172219900101123X",
    "身份证号37172219900101123X",          # right after Chinese characters
    "身份证号：371722199001011237。",
    "a,37172219900101123x,b",             # a lower-case x
    "13812345678",
    "手机13812345678联系",
    "name,mobile\r\n王**,13812345678\r\n",
])
def test_an_unmasked_id_number_or_mobile_is_found_anywhere(text):
    assert contains_unmasked(text)


@pytest.mark.parametrize("text", [
    "371722********123X",
    "138****5678",
    "4371722199001011237",                 # 19 digits: not an ID number
    "213812345678",                        # 12 digits: not a mobile
    "23812345678",                         # does not start with 1
    "投资 5,415,800 万元，201 个项目",
    "",
])
def test_masked_numbers_and_other_figures_are_not_taken_for_personal_data(text):
    assert not contains_unmasked(text)
