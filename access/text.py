"""The words of the login screen and the access messages: the catalogue's ``access.*``
messages (core.i18n)."""

from __future__ import annotations

from core.i18n import text


def t(key: str, lang: str = "zh") -> str:
    return text(f"access.{key}", lang)
