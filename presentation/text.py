"""The interface's words and the small formatting every view model uses, for a language
given explicitly (the web layer reads the user's language and passes it down)."""

from __future__ import annotations

import pandas as pd

from analytics.text import UI
from core.formatting import format_date


def t(key: str, lang: str) -> str:
    """A UI string (analytics.text.UI) in `lang`."""
    zh, en = UI[key]
    return zh if lang == "zh" else en


def header(name: str, lang: str) -> str:
    """A UI string key's text, or the header itself when it is already text."""
    return t(name, lang) if name in UI else name


def date_text(value, lang: str) -> str:
    """A date the app's way (2020年8月31日 / 31 Aug 2020); "—" when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return format_date(pd.Timestamp(value).date(), lang)


def colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "
