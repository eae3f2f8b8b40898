"""The 年度目标 page headless (AppTest): set a target, see its 完成率 and the counties ranked,
import a workbook (a bad one changes nothing and says where it is wrong), withdraw a target,
and read the history — each change stored under the user who made it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from bench.screen import write_harness
from targets import TargetStore
from targets import sheet as xl

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "annual_targets.py")
CAO = 371721


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir) -> TargetStore:
    return TargetStore(data_dir / "app.db")


@pytest.fixture
def page(snapshot_file, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    monkeypatch.setenv("HEZE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HEZE_TEST_SIGN_IN", raising=False)
    entry = write_harness(tmp_path)

    def make() -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=120)
        at.run()
        at.switch_page(PAGE).run()
        ok(at)
        return at

    return make


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def selectbox(at: AppTest, label: str):
    found = [s for s in at.selectbox if s.label == label]
    assert found, [s.label for s in at.selectbox]
    return found[0]


def button(at: AppTest, label: str):
    """A button or a form's submit button by its label."""
    found = [b for kind in ("button", "form_submit_button") for b in at.get(kind)
             if getattr(b, "label", "") == label]
    assert found, label
    return found[0]


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(xl.COLUMNS))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_with_no_targets_the_page_says_how_to_set_them(page):
    at = page()
    assert at.title[0].value == "年度目标"
    assert any("2020年尚未设定目标" in i.value for i in at.info)
    assert selectbox(at, "年度").value == 2020  # the data's as-of year


def test_a_target_set_on_the_page_is_stored_and_its_completion_shown(page, store, db):
    at = page()
    selectbox(at, "指标").set_value("returnees").run()
    selectbox(at, "县区").set_value(CAO).run()
    at.number_input[0].set_value(6000)
    at.text_input[0].set_value("年初计划")
    button(at, "保存目标").click().run()
    ok(at)
    row = store.get("returnees", 2020, CAO)
    assert (row.value, row.set_by, row.note, row.source) == (6000, "admin", "年初计划", "app")
    assert any("已保存" in s.value for s in at.success)
    table = at.dataframe[0].value
    done = db.execute("SELECT count(*) FROM returnees WHERE county_code = ? AND returned_on "
                      "BETWEEN '2020-01-01' AND '2020-08-31'", [CAO]).fetchone()[0]
    assert table.iloc[0]["县区"] == "曹县" and table.iloc[0]["完成率"] == done / 6000
    ranking = at.dataframe[1].value
    assert ranking.iloc[0]["县区"] == "曹县" and ranking.iloc[0]["排名"] == 1


def test_an_amount_in_yi_yuan_is_stored_in_wan_yuan(page, store):
    at = page()
    selectbox(at, "指标").set_value("big_investment").run()
    selectbox(at, "单位").set_value("亿元").run()
    at.number_input[0].set_value(80.5)
    button(at, "保存目标").click().run()
    ok(at)
    assert store.get("big_investment", 2020).value == 805_000


def test_a_bad_value_is_refused_with_a_reason_and_nothing_is_stored(page, store):
    at = page()
    button(at, "保存目标").click().run()
    ok(at)
    assert any("目标值须大于0" in e.value for e in at.error)
    assert store.history() == []


def test_a_target_is_withdrawn_only_after_confirming(page, store):
    store.set("returnees", 2020, 35_000, by="admin")
    at = page()
    withdraw = button(at, "撤销该目标")
    assert withdraw.disabled
    at.checkbox[0].check().run()
    button(at, "撤销该目标").click().run()
    ok(at)
    assert store.get("returnees", 2020) is None
    assert [h.value for h in store.history(2020)] == [None, 35_000]


def test_a_workbook_with_a_bad_row_imports_nothing_and_names_the_row(page, store):
    at = page()
    data = workbook([(2020, "返乡创业就业", None, 35000, None),
                     (2020, "领办创办经济实体", "菏泽县", 100, None)])
    at.get("file_uploader")[0].upload("targets.xlsx", data, xl.XLSX_MIME).run()
    ok(at)
    assert any("发现 1 处错误，未导入任何目标" in e.value for e in at.error)
    errors = at.dataframe[-1].value
    assert errors.iloc[0].tolist() == ["3", "县区", "菏泽县", "没有这个县区（留空表示全市）"]
    assert store.history() == []


def test_a_good_workbook_is_previewed_then_imported_on_confirmation(page, store):
    store.set("returnees", 2020, 30_000, by="admin")
    at = page()
    data = workbook([(2020, "返乡创业就业", None, 35000, None),
                     (2020, "返乡创业就业", "曹县", 0.6, "万人")])
    at.get("file_uploader")[0].upload("2020年目标.xlsx", data, xl.XLSX_MIME).run()
    ok(at)
    assert any("新增 1，修改 1" in i.value for i in at.info)
    assert store.get("returnees", 2020).value == 30_000  # nothing before confirming
    button(at, "确认导入").click().run()
    ok(at)
    assert store.get("returnees", 2020).value == 35_000
    assert store.get("returnees", 2020, CAO).value == 6_000
    assert {h.note for h in store.history(2020) if h.source == "import"} == {"2020年目标.xlsx"}
    assert any("已导入：新增 1 个，修改 1 个" in s.value for s in at.success)


def test_the_history_lists_every_change_with_the_value_it_replaced(page, store):
    store.set("jobs", 2020, 50_000, by="admin")
    store.set("jobs", 2020, 55_000, by="wang", note="年中调整")
    at = page()
    history = at.dataframe[-1].value
    assert history[["原目标", "新目标", "设定人", "备注"]].values.tolist()[:2] == [
        ["5万人", "5.5万人", "wang", "年中调整"], ["—", "5万人", "admin", "—"]]


def test_the_bar_under_a_card_shows_completion_and_pace_and_nothing_without_a_target():
    def card():
        from datetime import date

        import streamlit as st

        from pages.targets_ui import draw_completion
        from targets import completion

        draw_completion(None)
        st.divider()
        draw_completion(completion("returnees", 22_000, 35_000, 2020, date(2020, 8, 31)))
        draw_completion(completion("big_station_share", 0.72, 0.70, 2020,
                                   date(2020, 8, 31)))

    at = AppTest.from_function(card).run()
    ok(at)
    bars = at.get("progress")
    assert len(bars) == 2  # none for the card without a target
    assert bars[0].proto.value == 62 and "完成率 62.9%" in bars[0].proto.text
    assert bars[1].proto.value == 100  # 102.9% fills the bar
    captions = [c.value for c in at.caption]
    assert captions[0] == ("2020年目标 3.5万人 · 完成率 62.9% · 时间进度 66.7% · "
                           ":blue[进度正常]")
    assert captions[1].endswith(":green[已达标]") and "完成率 102.9%" in captions[1]


def test_the_page_speaks_english_when_the_session_does(snapshot_file, data_dir, tmp_path,
                                                        monkeypatch, store):
    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    monkeypatch.setenv("HEZE_DATA_DIR", str(data_dir))
    store.set("returnees", 2020, 35_000, by="admin")
    store.set("returnees", 2020, 6_000, county=CAO, by="admin")
    at = AppTest.from_file(str(write_harness(tmp_path)), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    ok(at)
    assert at.title[0].value == "Annual targets"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Indicator", "County", "Annual target", "Done this year",
                                   "Completion", "Pace"]
    assert table["County"].tolist() == ["Whole city", "Cao County"]

