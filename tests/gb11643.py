"""GB 11643-1999 check character, written from the standard and not from data/identity.py.

The standard's check is ISO 7064 MOD 11-2: position i, counted from the right with the check
character at i = 1, weighs 2^(i-1) mod 11; the check value a1 satisfies
(sum of a_i * W_i over i = 2..18 + a1) ≡ 1 (mod 11), and a1 = 10 is written X.
"""

from __future__ import annotations


def weights() -> list[int]:
    """W_18 .. W_2, for the 17 digits read left to right."""
    return [pow(2, i - 1, 11) for i in range(18, 1, -1)]


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, weights(), strict=True))
    value = (12 - total % 11) % 11  # the a1 with total + a1 ≡ 1 (mod 11)
    return "X" if value == 10 else str(value)


def is_valid(number: str) -> bool:
    return (len(number) == 18 and number[:17].isascii() and number[:17].isdigit()
            and check_character(number[:17]) == number[17])
