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
    assert "合计行是表中各县区之和，不参加排名" in captions(at)


def test_one_chart_writes_its_numbers_one_way(app):
    import json

    at = app("overview")
    by_year = json.loads(at.get("plotly_chart")[0].proto.spec)
    returnees, entities = by_year["data"]
    # 2015: 8,467 businesses beside 1.4万 in 2016: one magnitude, the chart's largest.
    assert entities["text"][0] == "0.85万家" and entities["text"][1] == "1.4万家"
    assert all(t.endswith("万人") for t in returnees["text"])
    # The axis in 万 as well (its top: 70,579 × 1.18), not 20,000 40,000 …
    axis = by_year["layout"]["yaxis"]
    assert axis["ticktext"] == ["0", "2万", "4万", "6万", "8万"]
    assert axis["tickvals"] == [0, 20_000, 40_000, 60_000, 80_000]


def test_the_glossary_counts_have_thousands_separators(app):
    from tests.test_pages import shown_table

    at = app("definitions")
    rows = shown_table(at.dataframe[-1])
    assert "420,000" in rows.iloc[:, -1].tolist()  # the outside register, not 420000


def test_values_side_by_side_share_the_largest_ones_magnitude():
    from core.formatting import axis_ticks, format_values

    assert format_values([8_467, 14_000, 995], "entity") == ["0.85万家", "1.4万家", "0.1万家"]
    assert format_values([8_467, 9_000], "entity") == ["8,467家", "9,000家"]
    assert format_values([1_074_900, 4_000], "wan_yuan") == ["107.49亿元", "0.4亿元"]
    assert format_values([8_467, 1_400_000], "person", "en") == ["8,467 people",
                                                                 "1.4 million people"]
    assert axis_ticks(8_000) is None
    assert axis_ticks(61_360) == ([0, 20_000, 40_000, 60_000], ["0", "2万", "4万", "6万"])
    assert axis_ticks(14_108) == ([0, 5_000, 10_000], ["0", "0.5万", "1万"])  # not 5,000


def test_a_rise_is_red_and_a_fall_green_on_the_cockpit_as_on_the_wall(app):
    from streamlit.proto.Metric_pb2 import Metric

    from presentation import screen

    at = app("overview")
    rises = [m for m in at.metric if m.proto.delta.startswith("+")]
    assert len(rises) == 7  # every headline figure rose over the year
    assert all(m.proto.color == Metric.MetricColor.RED for m in rises)
    assert all(m.proto.direction == Metric.MetricDirection.UP for m in rises)
    # The wall: 同比 up in red, down in green (the Chinese markets' convention).
    up, down = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (screen.UP, screen.DOWN))
    assert up[0] > max(up[1:]) and down[1] > max(down[0], down[2])


def test_the_glossary_names_each_database_in_chinese(app):
    at = app("definitions")
    names = at.dataframe[-1].value.iloc[:, 0].tolist()
    assert names[:2] == ["服务站信息库", "在外人员信息库"]
    assert not {"stations", "outside_people"} & set(names)


def test_the_audit_log_reads_in_words_not_codes_and_json(app, app_data_dir):
    from access.service import Access

    acc = Access(app_data_dir / "app.db")
    admin = acc.get_user("admin")
    acc.log_export(admin, what="stations", fmt="xlsx", filter="全部", rows=246)
    acc.log_export(admin, what="big_projects", fmt="csv", filter="全部", rows=201)
    acc.log_export(admin, what="station_17_events", fmt="csv", filter="全部", rows=9)
    acc.record("target_import", admin, rows=2, created=2, changed=0, unchanged=0)
    at = app("audit", role="admin")
    table = at.dataframe[0].value
    # Other tests of this session log entries too: look for these, in any order.
    exports = table.loc[table["操作"] == "导出", "详情"].tolist()
    assert "内容：服务站信息库；格式：xlsx；筛选条件：全部；行数：246" in exports
    assert "内容：过亿元项目清单；格式：csv；筛选条件：全部；行数：201" in exports
    assert "内容：服务站近期活动（服务站编号 17）；格式：csv；筛选条件：全部；行数：9" in exports
    targets = table.loc[table["操作"] == "导入目标", "详情"].tolist()
    assert "行数：2；新增：2；修改：0；未变：0" in targets
    assert "target_import" not in table["操作"].tolist()


def test_a_download_is_named_for_what_it_holds_the_filter_and_the_date(app, monkeypatch):
    from streamlit.elements.widgets.button import ButtonMixin

    names = []
    original = ButtonMixin.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        names.append(file_name)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", record)
    app("stations", params={"county": "371721"})
    assert "服务站排行_曹县_2020-08-31.xlsx" in names and "服务站排行_曹县_2020-08-31.csv" in names
    assert not [n for n in names if n and n.startswith("stations")]
