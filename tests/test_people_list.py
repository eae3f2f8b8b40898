"""The people list: it says how many it shows and how many the downloads hold, its search
finds what the masked list shows and nothing the mask hides, and a data administrator finds
any person in scope for a reveal by name, ID number or record number. Expected counts come
from SQL on the snapshot, not from the code under test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import people
from analytics.queries import Analytics
from tests.conftest import scalar
from tests.test_pages import page_text

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CAOXIAN = 371721


@pytest.fixture(scope="module")
def everyone(db):
    return Analytics(db)


@pytest.fixture(scope="module")
def caoxian(db):
    return Analytics(db, county_scope=[CAOXIAN])


@pytest.fixture
def app(signed_in):
    def make(role: str, search: str | None = None) -> AppTest:
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        at.run()
        at.switch_page("pages/people.py").run()
        if search is not None:
            next(w for w in at.text_input if w.key == "people_search").input(search).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def a_caoxian_person(db) -> tuple:
    return db.execute("SELECT returnee_id, name, id_number, mobile FROM returnees "
                      "WHERE county_code = ? ORDER BY returnee_id LIMIT 1 OFFSET 777",
                      [CAOXIAN]).fetchone()


def test_the_download_holds_every_row_of_a_county_not_the_500_drawn(caoxian, db):
    in_caoxian = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ?", [CAOXIAN])
    assert in_caoxian > people.LIST_LIMIT  # 曹县 has about 4.4万
    assert people.returnee_count(caoxian) == in_caoxian
    assert len(people.returnee_list(caoxian, people.EXPORT_LIMIT)) == in_caoxian
    assert len(people.returnee_list(caoxian)) == people.LIST_LIMIT


def test_the_page_says_the_downloads_hold_every_row_up_to_the_limit_exactly(app, db,
                                                                           monkeypatch):
    in_caoxian = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ?", [CAOXIAN])
    monkeypatch.setattr(people, "EXPORT_LIMIT", in_caoxian)  # exactly on the limit
    text = page_text(app("county"))
    assert "下载的 CSV / Excel 含全部" in text and "最新的" not in text
    monkeypatch.setattr(people, "EXPORT_LIMIT", in_caoxian - 1)  # one over it
    text = page_text(app("county"))
    assert "含全部" not in text and "一个文件最多" in text


def test_a_masked_id_as_the_list_shows_it_finds_that_person(caoxian, db):
    rid, _name, id_number, _mobile = a_caoxian_person(db)
    masked = id_number[:6] + "*" * 8 + id_number[-4:]
    found = people.returnee_list(caoxian, 50, search=masked)
    expected = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ? AND "
                          "id_number[1:6] = ? AND id_number[15:18] = ?",
                      [CAOXIAN, id_number[:6], id_number[-4:]])
    assert rid in set(found["returnee_id"]) and len(found) == expected
    assert set(found["id_number"]) == {masked}  # still masked


def test_words_must_all_match_and_full_width_digits_are_read(caoxian, db):
    rid, name, id_number, mobile = a_caoxian_person(db)
    query = f"{name[0]}*{'*' * (len(name) - 2)} {mobile[-4:]}".translate(
        str.maketrans("0123456789", "０１２３４５６７８９"))
    found = people.returnee_list(caoxian, 50, search=query)
    expected = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ? AND "
                          "name[1:1] = ? AND length(name) = ? AND (mobile[8:11] = ? OR "
                          "id_number[15:18] = ?)",
                      [CAOXIAN, name[0], len(name), mobile[-4:], mobile[-4:]])
    assert rid in set(found["returnee_id"]) and len(found) == expected


def test_the_search_cannot_find_what_the_mask_hides(caoxian, db):
    rid, name, id_number, mobile = a_caoxian_person(db)
    for hidden in (id_number[6:14], mobile[3:7], name, id_number):  # birth date, middle, …
        found = people.returnee_list(caoxian, 50, search=hidden)
        assert rid not in set(found["returnee_id"]), hidden


def test_a_county_user_cannot_search_beyond_their_county(caoxian, db):
    outsider = db.execute("SELECT returnee_id, id_number FROM returnees WHERE county_code <> ? "
                          "LIMIT 1", [CAOXIAN]).fetchone()
    assert people.returnee_list(caoxian, 50, search=str(outsider[0])).empty
    assert people.find_person(caoxian, outsider[1]).empty


def test_a_data_administrator_finds_a_person_by_full_name_id_or_record(everyone, db):
    rid, name, id_number, _mobile = a_caoxian_person(db)
    by_name = people.find_person(everyone, name, limit=1000)
    same_name = scalar(db, "SELECT count(*) FROM returnees WHERE name = ?", [name])
    assert rid in set(by_name["returnee_id"]) and len(by_name) >= min(same_name, 1000)
    assert set(people.find_person(everyone, id_number.lower())["returnee_id"]) == {rid}
    assert rid in set(people.find_person(everyone, str(rid))["returnee_id"])
    assert not re.search(r"\d{17}", people.find_person(everyone, id_number).to_csv())


def test_the_page_searches_and_says_how_many_match(app, db):
    rid, _name, id_number, _mobile = a_caoxian_person(db)
    at = app("county", search=id_number[-4:])
    expected = scalar(db, "SELECT count(*) FROM returnees WHERE county_code = ? AND "
                          "(id_number[15:18] = ? OR mobile[8:11] = ?)",
                      [CAOXIAN, id_number[-4:], id_number[-4:]])
    table = at.dataframe[0].value
    assert len(table) == min(expected, people.LIST_LIMIT) and str(rid) in set(table["编号"])
    assert f"找到{expected:,}人".replace(",", "") in page_text(at).replace(",", "")


def test_a_search_spelling_an_image_is_shown_as_text(app):
    at = app("county", search="![x](http://203.0.113.9/x.png)")
    shown = "\n".join(str(c.value) for c in at.caption) + "\n".join(
        str(i.value) for i in at.info)
    assert "![x](" not in shown and "没有找到" in page_text(at)


def test_the_reveal_form_lists_the_person_found_by_full_name(app, db):
    rid, name, _id, _mobile = a_caoxian_person(db)
    at = app("data_admin")
    next(w for w in at.text_input if w.key == "reveal_find").input(name).run()
    options = next(s for s in at.selectbox if s.label == "编号").options
    assert any(o.startswith(f"{rid} · ") for o in options)
    assert all(name not in o for o in options)  # listed masked
