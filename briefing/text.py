"""The briefing's own words: the catalogue's ``briefing.*`` messages (core.i18n).

Every sentence the briefing prints is a template there; the numbers and names that fill
them are computed (content.py). Nothing in the catalogue is a figure.
"""

from __future__ import annotations

from core.errors import BilingualError
from core.i18n import text

# The months' names in English (January …), as the catalogue has them.
MONTHS_EN = tuple(text(f"briefing.month.{month}", "en") for month in range(1, 13))


def s(key: str, lang: str = "zh", **values) -> str:
    return text(f"briefing.{key}", lang, **values)


class BriefingError(BilingualError, ValueError):
    """Input or environment the briefing cannot work with; the message names it in both
    languages: ``BriefingError("bad_month", value=…)`` is the catalogue's
    ``error.briefing.bad_month``."""

    def __init__(self, key: str, **values):
        super().__init__(f"error.briefing.{key}", **values)
