"""The user's language and the app's words and numbers in it: UI strings, code labels,
names of counties and industries, values with units, dates, and text from the data made
safe for Markdown and HTML."""

from __future__ import annotations

import html
import re

import streamlit as st

from analytics.text import code_label
from core.formatting import format_value, unit_name
from pages.serving import analytics
from presentation import text as words

# The unit of each station measure (for headers: 推荐返乡人数（人）).
# The unit of each station measure (for headers: 推荐返乡人数（人）).
UNIT_OF = {"members": "person", "people_registered": "person", "returnees_referred": "person",
           "projects_recommended": "project", "investment_recommended": "wan_yuan",
           "activities": "event", "attendees": "attendance", "donations": "yuan"}


# -- text from data ------------------------------------------------------------------------
# The ASCII punctuation that Markdown (and Streamlit's own :colour[…], :icon: and $…$
# syntax) gives a meaning inside a line: links and images, HTML, emphasis, code, tables,
# strikethrough, maths, entities and short codes. CommonMark lets any of them be escaped with
# a backslash. (# + - . = only mean something at the start of a line, and dates such as
# 2020-08-31 stay as they are in the Markdown source.)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|<>~$&:])")
# Streamlit turns bare web and mail addresses into links after the Markdown is parsed,
# escaped or not: an invisible word joiner after "http", "www" or "@" keeps them text.
_BARE_LINK = re.compile(r"(?i)(?:https?|ftp)(?=\\:)|www(?=\.)|@")
_JOINER = "\u2060"


def plain(text) -> str:
    """Text from the data (a name, a place, a file name, a link's value) made safe to put in
    anything Streamlit renders as Markdown (st.subheader, st.caption, st.markdown, a label,
    a warning): it reads as given, and ``![x](http://…)``, ``<img …>``, ``[a](javascript:…)``
    or a bare address stays text, so no viewer's browser fetches or follows it."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _BARE_LINK.sub(lambda m: m.group(0) + _JOINER, escaped)


def plain_html(text) -> str:
    """Text from the data made safe inside HTML we write ourselves (a map tooltip)."""
    return html.escape("" if text is None else str(text), quote=True)


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in ("zh", "en") else "zh"


def t(key: str) -> str:
    return words.t(key, lang())


def name_col() -> str:
    return "name_zh" if lang() == "zh" else "name_en"


def names(dim: str) -> dict:
    """Code → name in the user's language, for counties or industries."""
    a = analytics()
    frame = a.counties() if dim == "county" else a.industries()
    return dict(zip(frame[f"{dim}_code"], frame[name_col()], strict=True))


def label(dim: str, code) -> str:
    return code_label(dim, code, lang())


def labels(dim: str, codes) -> list[str]:
    """label() of every code in a column, the language read once and each distinct code
    looked up once: a session-state read per row cost 0.3 s on 15,000 tenants."""
    language, found = lang(), {}
    out = []
    for code in codes:
        if code not in found:
            found[code] = code_label(dim, code, language)
        out.append(found[code])
    return out


def fmt(value, unit: str, decimals: int | None = None) -> str:
    return format_value(value, unit, lang(), decimals)


def unit(unit_key: str) -> str:
    return unit_name(unit_key, lang())


def fmt_date(value) -> str:
    return words.date_text(value, lang())
