"""The dashboard's labels: its UI strings (``ui.*``), the labels of the coded values stored in
the database (``code.<dimension>.<code>``) and the five databases' descriptions (``db.*``),
all in the message catalogue (core.i18n).

Pages look labels up here (or in the indicator registry); nothing on screen is typed
into a page.
"""

from __future__ import annotations

from core.i18n import LANGS, Pairs, text

__all__ = ["LANGS", "CODES", "UI", "DATABASES", "code_label", "t"]

# The coded values of each dimension, in their natural order (a project's stages in
# pipeline order); their labels are the catalogue's code.<dimension>.<code>.
CODE_VALUES: dict[str, tuple[str, ...]] = {
    "level": ("city", "county"),
    "stage": ("negotiating", "signed", "building", "operating"),
    "kind": ("mobilisation", "job_fair", "promotion", "forum", "donation", "incubator", "park",
             "base"),
    "group": ("worker", "entrepreneur", "graduate", "veteran", "talent"),
    "intention": ("yes", "undecided", "no"),
    "type": ("enterprise", "individual", "cooperative", "family_farm"),
    "support": ("loan", "subsidy", "premises", "training", "none"),
    "status": ("active", "suspended", "operating", "building"),
    "outcome": ("business", "job"),
}
# dimension -> code -> (Chinese, English)
CODES: dict[str, Pairs] = {dim: Pairs(f"code.{dim}.", codes)
                           for dim, codes in CODE_VALUES.items()}
CODES["identity"] = CODES["group"]


def code_label(dim: str, code, lang: str = "zh") -> str:
    """The label of a stored code; an unknown code as it is, None as ""."""
    dim = "group" if dim == "identity" else dim
    if code is None or not isinstance(code, str) or code not in CODE_VALUES.get(dim, ()):
        return "" if code is None else str(code)
    return text(f"code.{dim}.{code}", lang)


# UI strings: key -> (Chinese, English).
UI = Pairs("ui.")

# The five databases (and the tables beside them) as the definitions page describes them.
DATABASE_TABLES = ("stations", "outside_people", "returnees", "entities", "projects", "parks",
                   "activities")
DATABASES: tuple[tuple[str, str, str], ...] = tuple(
    (name, *Pairs("db.")[name]) for name in DATABASE_TABLES)


def t(key: str, lang: str = "zh") -> str:
    return text(f"ui.{key}", lang)
