"""The 年度目标 page tells the truth about its targets (AppTest): county targets that add
up to more than the city's are named, 完成率 bars run from 0 to 100% in the colour of their
pace, and every 完成率 has one decimal."""

from __future__ import annotations

import io
import json

from openpyxl import Workbook

from targets import sheet as xl
from tests import test_targets_page as targets_page

# The targets page's own fixtures: a data directory, its target store, the page in AppTest.
data_dir, store, page, ok = (targets_page.data_dir, targets_page.store, targets_page.page,
                             targets_page.ok)

# 2020 up to 31 Aug (66.7% of the year): 曹县 8,310 returnees, 单县 6,289, 牡丹区 6,320.
COUNTIES = {371721: 11_400, 371722: 9_500, 371702: 21_000}  # 72.9% ahead, 66.2%, 30.1%
GREEN, BLUE, RED = "#2e9d5b", "#2f6fdf", "#d62728"


def warnings(at) -> list[str]:
    return [w.value for w in at.warning if "banner" not in w.value]  # the harness banner


def test_county_targets_above_the_city_target_are_named_and_bars_show_the_pace(page, store):
    store.set("returnees", 2020, 80_000, by="admin")
    for county, value in COUNTIES.items():
        store.set("returnees", 2020, value, county=county, by="admin")
    at = page()
    assert not warnings(at)  # 41,900 of 80,000: no warning
    store.set("returnees", 2020, 50_000, county=371725, by="admin")  # 郓城县: 13.2%, behind
    at = page()
    # 11,400 + 9,500 + 21,000 + 50,000 = 91,900 > 80,000
    assert warnings(at) == ["2020年返乡创业就业：各县区目标合计9.2万人，超过全市目标8万人，请核对。"]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    bar = chart["data"][0]
    assert bar["y"] == ["曹县", "单县", "牡丹区", "郓城县"]
    assert bar["marker"]["color"] == [GREEN, BLUE, RED, RED]
    assert chart["layout"]["xaxis"]["range"][0] == 0
    assert chart["layout"]["xaxis"]["range"][1] >= 100  # 72.9% is not a full bar
    from tests.test_pages import shown_table

    ranking = shown_table(at.dataframe[1])
    assert ranking["完成率"].tolist() == ["72.9%", "66.2%", "30.1%", "13.2%"]


def test_an_import_that_puts_the_counties_above_the_city_says_so_before_confirming(
        page, store):
    store.set("returnees", 2020, 80_000, by="admin")
    wb = Workbook()
    ws = wb.active
    ws.append(list(xl.COLUMNS))
    ws.append([2020, "返乡创业就业", "曹县", 45.9, "万人"])
    out = io.BytesIO()
    wb.save(out)
    at = page()
    at.get("file_uploader")[0].upload("targets.xlsx", out.getvalue(), xl.XLSX_MIME).run()
    ok(at)
    assert "导入后，2020年返乡创业就业各县区目标合计45.9万人，将超过全市目标8万人。" in warnings(at)
