"""The published-figure rules themselves: each accepts what the report's wording allows and
nothing else, so a generator that matches the report passes and one that does not fails."""

from __future__ import annotations

import pytest

from tests.published import PUBLISHED, Figure


@pytest.mark.parametrize(("key", "meets", "misses"), [
    ("stations", [246], [245, 247]),
    ("returnees", [275_500, 276_000, 276_499], [275_499, 276_500]),
    ("entities", [103_500, 104_499], [103_499, 104_500]),
    ("jobs", [500_000, 503_000, 580_000], [499_999]),
    ("big_projects", [201], [200, 202]),
    ("big_investment", [5_415_750, 5_415_800, 5_415_849], [5_415_749, 5_415_850]),
    ("big_station_share", [141 / 201, 140 / 201, 0.695, 0.7049], [139 / 201, 142 / 201, 0.705]),
    ("donations", [6_250_000, 6_300_000, 6_349_999], [6_249_999, 6_350_000]),
])
def test_each_published_figure_accepts_what_its_wording_allows(key, meets, misses):
    figure = PUBLISHED[key]
    assert [v for v in meets if not figure.met_by(v)] == []
    assert [v for v in misses if figure.met_by(v)] == []


def test_an_unknown_rule_is_refused():
    with pytest.raises(AssertionError):
        Figure("x", 1, "roughly").met_by(1)
