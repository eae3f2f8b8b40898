"""The indicator registry as the glossary shows it: names and definitions in the language
asked for, formulas in words a reader of SQL recognises, and the published-figure rules at
their edges."""

from __future__ import annotations

import pytest

from model import indicators as reg


def test_names_and_definitions_come_in_chinese_unless_english_is_asked_for():
    jobs = reg.get("jobs")
    assert jobs.name() == jobs.name("zh") == "带动就业"
    assert jobs.name("en") == "Jobs driven"
    assert jobs.definition() == jobs.definition("zh") == "返乡创业经济实体带动就业的人数之和。"
    assert jobs.definition("en") == "Jobs provided by the businesses returnees founded."


@pytest.mark.parametrize(("key", "formula"), [
    ("returnees", "count(*) FROM returnees"),
    ("jobs", "sum(e.jobs) FROM entities"),
    ("stations_city", "count(*) FROM stations WHERE s.level = 'city'"),
    ("big_investment", "sum(pr.investment) FROM projects "
                       "WHERE pr.landed_on IS NOT NULL AND pr.investment >= 10000"),
    ("big_station_share",
     "count(*) FROM projects WHERE pr.landed_on IS NOT NULL AND pr.investment >= 10000 "
     "AND pr.station_id IS NOT NULL ÷ "
     "count(*) FROM projects WHERE pr.landed_on IS NOT NULL AND pr.investment >= 10000"),
])
def test_the_formula_in_words(key, formula):
    assert reg.get(key).formula() == formula
    assert reg.get(key).formula("en") == formula


def test_an_unknown_indicator_is_named_in_both_languages():
    with pytest.raises(KeyError, match="未知指标 / unknown indicator: nonsense"):
        reg.get("nonsense")


def test_indicators_are_grouped_by_their_fact_in_the_order_asked():
    grouped = reg.by_fact(["jobs", "returnees", "entities", "big_projects"])
    assert {fact: [i.key for i in inds] for fact, inds in grouped.items()} == {
        "entities": ["jobs", "entities"], "returnees": ["returnees"],
        "projects": ["big_projects"]}


def test_published_rules_at_their_edges():
    assert reg.Published(500_000, "", "", rule="at_least").matches(500_000)
    # "rounded": within half the last shown digit, both ends included (27.6万 ± 500)
    assert reg.Published(276_000, "", "", rule="rounded", step=1_000).matches(276_500)
    assert reg.Published(276_000, "", "", rule="rounded", step=1_000).matches(275_500)
    assert not reg.Published(276_000, "", "", rule="rounded", step=1_000).matches(276_501)
    assert not reg.Published(276_000, "", "", rule="rounded", step=1_000).matches(275_499)
    assert reg.Published(0.70, "", "", rule="rounded", step=0.01).matches(140 / 201)
    assert not reg.Published(0.70, "", "", rule="rounded", step=0.01).matches(0.7051)
    assert reg.Published(246, "", "").matches(246.0)
