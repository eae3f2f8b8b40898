"""The 数据导入 page, headless: templates, the report of a rejected batch with its download,
confirming a valid batch, history, comparing and rolling back."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.importer import pipeline
from tests.test_import import (  # noqa: F401 - fixtures
    AS_OF,
    PROJECT_HEADERS,
    base_store,
    project_row,
    store,
    write_csv,
)

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "data_import.py")


@pytest.fixture
def page(store):  # noqa: F811
    def make(state: dict | None = None, lang: str = "zh") -> AppTest:
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.session_state["lang"] = lang
        at.session_state["user_name"] = "数据管理员"
        if state is not None:
            at.session_state["data_import"] = state
        return at.run()

    return make


def texts(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "caption", "markdown", "success", "error",
                                        "warning", "subheader") for e in at.get(kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_the_page_offers_every_template_and_lists_the_served_snapshot(page, store):  # noqa: F811
    at = page()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith("_projects.xlsx") for label in labels)
    assert any("五库全部" in label for label in labels)
    assert store.current_id() in texts(at)
    assert "数据导入" in texts(at)


def test_a_rejected_batch_shows_every_problem_and_offers_the_bad_rows(page, store, tmp_path):  # noqa: F811
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row(阶段="完工")])
    report = pipeline.check([p], as_of=AS_OF, mode="append", store=store)
    at = page({"report": report, "paths": [p], "mode": "append", "folder": None})
    shown = texts(at)
    assert "发现 1 处错误" in shown
    assert "不是允许的值" in shown and "阶段" in shown
    assert any(b.label == "下载有错误的行（含错误说明）" for b in at.get("download_button"))
    assert not [b for b in at.button if b.key == "confirm"]


def test_confirming_a_valid_batch_builds_and_serves_a_new_snapshot_by_the_user(page, store,  # noqa: F811
                                                                              tmp_path):
    before = store.current_id()
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    report = pipeline.check([p], as_of=AS_OF, mode="append", store=store)
    at = page({"report": report, "paths": [p], "mode": "append", "folder": None})
    assert "检查通过" in texts(at)
    at.button(key="confirm").click().run()
    assert not at.exception
    assert store.current_id() != before
    assert store.manifest(store.current_id()).imported_by == "数据管理员"
    assert "已导入并启用快照" in texts(at)


def test_two_snapshots_compare_and_an_older_one_can_be_served_again(page, store, tmp_path):  # noqa: F811
    first = store.current_id()
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    pipeline.load([p], mode="append", as_of=AS_OF, store=store, by="t", keep=5)
    at = page(lang="en")
    at.button(key="compare").click().run()
    compared = at.dataframe[-1].value
    assert {"Indicator", "County", "First", "Second", "Difference"} <= set(compared.columns)
    assert "Whole city" in set(compared["County"])
    at.selectbox(key="promote_id").select(first).run()
    at.button(key="promote").click().run()
    assert store.current_id() == first
    assert store.history()[-1]["by"] == "数据管理员"
