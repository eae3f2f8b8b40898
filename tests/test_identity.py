"""Synthetic identities against known answers: GB 11643 ID numbers checked with the standard's
own examples and an implementation written from the standard (tests/gb11643.py), never with
data/identity.py's constants; names and mobiles by their published forms."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from data import identity
from tests import gb11643

# The standard's examples (GB 11643-1999, appendix): a Beijing Chaoyang number born
# 1949-12-31 whose check character is X, and a Shantou Chaoyang one born 1880-01-01.
PUBLISHED = ["11010519491231002X", "440524188001010014"]


def test_the_weights_derived_from_the_standard_are_its_published_table():
    assert gb11643.weights() == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_the_standards_first_example_worked_by_hand():
    # 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5
    # + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2; (12 − 2) mod 11 = 10, written X.
    assert gb11643.check_character("11010519491231002") == "X"
    assert identity.id_check_char("11010519491231002") == "X"


def test_the_standards_second_example_worked_by_hand():
    # 4·7 + 4·9 + 0 + 5·5 + 2·8 + 4·4 + 1·2 + 8·1 + 8·6 + 0 + 0 + 1·9 + 0 + 1·5 + 0 + 0
    # + 1·2 = 195; 195 mod 11 = 8; (12 − 8) mod 11 = 4.
    assert gb11643.check_character("44052418800101001") == "4"
    assert identity.id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize("number", PUBLISHED)
def test_the_published_examples_are_valid(number):
    assert gb11643.is_valid(number)
    assert identity.is_valid_id_number(number)


@pytest.mark.parametrize("number", PUBLISHED)
def test_any_single_wrong_digit_makes_a_published_number_invalid(number):
    # MOD 11-2 detects every single-character error: so must the validator.
    for position in range(18):
        for ch in "0123456789X":
            if ch == number[position] or (ch == "X" and position < 17):
                continue
            wrong = number[:position] + ch + number[position + 1:]
            assert not identity.is_valid_id_number(wrong), wrong


@pytest.mark.parametrize("number", PUBLISHED)
def test_two_swapped_neighbouring_digits_make_a_number_invalid(number):
    for position in range(16):
        a, b = number[position], number[position + 1]
        if a != b:
            swapped = number[:position] + b + a + number[position + 2:]
            assert not identity.is_valid_id_number(swapped), swapped


@pytest.mark.parametrize("bad", [
    "11010519491231002",        # 17 characters
    "11010519491231002X0",      # 19
    "",
    "1101051949123100AX",       # a letter among the 17 digits
    "11010519491231002x",       # the standard's X is a capital
    "X1010519491231002X",
])
def test_malformed_numbers_are_invalid(bad):
    assert not identity.is_valid_id_number(bad)


def test_the_check_character_agrees_with_the_standard_on_every_check_value():
    rng = random.Random(11643)
    seen = set()
    for _ in range(5_000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        want = gb11643.check_character(first17)
        assert identity.id_check_char(first17) == want, first17
        assert identity.is_valid_id_number(first17 + want)
        seen.add(want)
    assert seen == set("0123456789X")  # the X case and every digit were exercised


# -- the generator's numbers -----------------------------------------------------------------
BIRTHS = [date(1950, 1, 1), date(1969, 12, 31), date(1970, 1, 1), date(1984, 2, 29),
          date(1999, 12, 31), date(2000, 2, 29), date(2000, 3, 1), date(2004, 10, 9),
          date(1990, 11, 30), date(1961, 6, 15)]
REGIONS = [371702, 371721, 371722, 371771]


def people():
    """Generated numbers for known people. Called by each test, not cached in a fixture, so
    that every test exercises the generator itself (mutation testing maps tests to the code
    they call)."""
    rng = np.random.default_rng(20200831)
    n = 6_000
    region = np.array(REGIONS)[np.arange(n) % len(REGIONS)]
    birth = np.array(BIRTHS, dtype="datetime64[D]")[np.arange(n) % len(BIRTHS)]
    male = np.arange(n) % 3 == 0
    return region, birth, male, identity.id_numbers(rng, region, birth, male)


def test_every_generated_id_number_is_valid_by_the_standard():
    *_, numbers = people()
    invalid = [n for n in numbers if not gb11643.is_valid(n)]
    assert invalid[:5] == []
    assert {n[17] for n in numbers} == set("0123456789X")


def test_a_generated_number_is_region_then_birth_date_then_sequence():
    region, birth, male, numbers = people()
    for r, b, m, n in zip(region, birth, male, numbers, strict=True):
        day = b.astype(object)
        assert len(n) == 18 and n[:17].isdigit(), n
        assert n[:6] == str(r), n
        assert n[6:14] == f"{day.year:04d}{day.month:02d}{day.day:02d}", (n, day)
        assert int(n[16]) % 2 == (1 if m else 0), (n, m)  # odd for men, even for women


def test_the_sequence_numbers_run_from_000_to_499_with_every_last_digit():
    *_, numbers = people()
    sequences = {n[14:17] for n in numbers}
    assert len(sequences) > 400
    assert min(sequences) < "010" and "450" < max(sequences) < "500"
    assert {s[2] for s in sequences} == set("0123456789")


def test_the_same_seed_gives_the_same_numbers():
    region, birth, male, numbers = people()
    again = identity.id_numbers(np.random.default_rng(20200831), region, birth, male)
    assert list(again) == list(numbers)


def test_a_check_character_needs_all_17_digits():
    with pytest.raises(ValueError):
        identity.id_check_char("1101051949")


def test_names_are_a_known_surname_and_one_or_two_given_characters():
    rng = np.random.default_rng(7)
    names = identity.names(rng, 4_000)
    surnames, given = set(identity.SURNAMES), set(identity.GIVEN_CHARS)
    assert all(isinstance(n, str) and n[0] in surnames for n in names)
    assert all(set(n[1:]) <= given for n in names)
    assert len({n[1] for n in names}) > 20 and len({n[2] for n in names if len(n) == 3}) > 20
    lengths = [len(n) for n in names]
    assert set(lengths) == {2, 3}
    assert 0.65 < lengths.count(3) / len(lengths) < 0.75  # 70% have two given characters
    # The commonest surnames come first: 王 is drawn far more often than the last one.
    first, last = identity.SURNAMES[0], identity.SURNAMES[-1]
    assert sum(n[0] == first for n in names) > 3 * max(sum(n[0] == last for n in names), 1)


def test_mobiles_are_eleven_digits_with_a_known_prefix():
    rng = np.random.default_rng(8)
    numbers = identity.mobiles(rng, 3_000)
    prefixes = set(identity.MOBILE_PREFIXES)
    assert all(len(m) == 11 and m.isdigit() and m[:3] in prefixes for m in numbers)
    assert any(m[3] == "0" for m in numbers)  # the eight digits after the prefix keep zeros
    assert len({m[:3] for m in numbers}) > 20
    assert len(set(numbers)) > 0.99 * len(numbers)
