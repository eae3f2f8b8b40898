"""The wall display's (大屏) own words: the catalogue's ``screen.*`` messages (core.i18n)."""

from __future__ import annotations

from core import i18n


def text(key: str, lang: str, **values) -> str:
    """The wall's text `key` in `lang`, with `values` filled in."""
    return i18n.text(f"screen.{key}", lang, **values)
