"""The words of the targets page and the 完成率 under the cards: the catalogue's ``targets.*``
messages (core.i18n), and the colour of each pace."""

from __future__ import annotations

from core.formatting import format_value
from core.i18n import text
from model import indicators as reg
from targets.model import LEVEL_KEYS, Completion

# Streamlit's coloured text for each status (green on pace, orange close, red behind).
STATUS_COLOUR = {"met": "green", "ahead": "green", "on_track": "blue", "behind": "red",
                 "missed": "red", "not_started": "gray", "below": "orange"}
# The same colours for charts, on a light page: a bar of 完成率 is coloured by its pace.
STATUS_HEX = {"green": "#2e9d5b", "blue": "#2f6fdf", "red": "#d62728", "gray": "#9aa0a6",
              "orange": "#f08c00"}


def status_hex(status) -> str:
    return STATUS_HEX[STATUS_COLOUR.get(status, "gray")]


def t(key: str, lang: str = "zh", **values) -> str:
    return text(f"targets.{key}", lang, **values)


def status_text(key: str, status, lang: str = "zh") -> str:
    """The pace in words (已完成, 超进度 …; a share that reached its target 已达标); "—"
    when there is no target."""
    if not isinstance(status, str) or not status:  # None, or NaN from a table
        return "—"
    word = "level_met" if key in LEVEL_KEYS and status == "met" else status
    try:
        return text(f"targets.status.{word}", lang)
    except KeyError:
        raise KeyError(status) from None


def status_label(comp: Completion, lang: str = "zh") -> str:
    return status_text(comp.key, comp.status, lang)


def percent(share: float, lang: str = "zh") -> str:
    """66.7% (one decimal; 100% and above as they are)."""
    return format_value(share, "ratio", lang, 1)


def card_text(comp: Completion, lang: str = "zh") -> str:
    """The line under a card: target, 完成率, time elapsed and pace."""
    ind = reg.get(comp.key)
    return t("card", lang, year=comp.year,
             target=format_value(comp.target, ind.unit, lang, ind.decimals),
             rate=percent(comp.rate, lang), elapsed=percent(comp.elapsed, lang),
             status=status_label(comp, lang))
