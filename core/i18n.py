"""Every word the dashboard shows, in one gettext catalogue: Chinese (zh_CN) first, English
as the switch.

Messages are looked up by stable keys (``access.login_failed``, ``code.stage.signed``,
``error.store.no_such_snapshot``); both catalogues carry real text, so a key that is missing
in either language is an error, never a silent fallback to the key. ``{name}`` placeholders
are filled with ``str.format`` when values are given.

The catalogues are ``core/locale/<locale>/LC_MESSAGES/heze.po``, compiled beside them to
``heze.mo``; only the standard library's ``gettext`` reads them here (Babel is a development
tool). A new message: use its key in the code, run ``make messages`` (it adds the key to both
.po files with empty text), word it in both, run ``make messages`` again to compile.
tests/test_messages.py fails while either language lacks it.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
LOCALES = {"zh": "zh_CN", "en": "en"}
DOMAIN = "heze"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def locale_of(lang: str) -> str:
    """The catalogue's locale for a language: "zh" is Chinese, anything else English (as the
    pages have always treated it)."""
    return LOCALES["zh"] if lang == "zh" else LOCALES["en"]


@cache
def catalogue(lang: str = "zh") -> gettext.GNUTranslations:
    """The compiled catalogue of a language (read once)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale_of(lang)])


def text(key: str, lang: str = "zh", /, **values) -> str:
    """The message `key` in `lang`, its ``{placeholders}`` filled from `values`.
    KeyError when the catalogue has no such message."""
    found = catalogue(lang).gettext(key)
    if found == key:
        raise KeyError(key)
    return found.format(**values) if values else found


def has(key: str) -> bool:
    return catalogue("zh").gettext(key) != key


def keys(prefix: str = "") -> list[str]:
    """The message keys that start with `prefix`, sorted."""
    return sorted(k for k in catalogue("zh")._catalog if isinstance(k, str) and k
                  and k.startswith(prefix))


class Message(tuple):
    """One message in both languages, ``(zh, en)`` like the pairs the code has always passed,
    remembering its key and values (so an error can be raised from it)."""

    key: str
    values: dict

    def __new__(cls, key: str, /, **values):
        self = super().__new__(cls, (text(key, "zh", **values), text(key, "en", **values)))
        self.key = key
        self.values = values
        return self

    def __getnewargs_ex__(self):
        return (self.key,), self.values

    @property
    def zh(self) -> str:
        return self[0]

    @property
    def en(self) -> str:
        return self[1]

    def message(self, lang: str = "zh") -> str:
        return self[0] if lang == "zh" else self[1]


def pair(key: str, /, **values) -> Message:
    """The message in both languages: ``(zh, en)``."""
    return Message(key, **values)


class Pairs:
    """A read-only mapping ``name -> (zh, en)`` over the messages ``<prefix><name>``, for code
    that looks pairs up by name (``UI["as_of"]``). `names` fixes which names and their order
    (a vocabulary, e.g. the stages of a project in pipeline order); without it every key of
    the catalogue under the prefix, sorted."""

    def __init__(self, prefix: str, names: tuple[str, ...] | None = None):
        self.prefix = prefix
        self._names = names

    def _all(self) -> tuple[str, ...]:
        if self._names is not None:
            return self._names
        return tuple(k[len(self.prefix):] for k in keys(self.prefix))

    def __getitem__(self, name) -> Message:
        if self._names is not None and name not in self._names:
            raise KeyError(name)
        try:
            return Message(f"{self.prefix}{name}")
        except (KeyError, TypeError):
            raise KeyError(name) from None

    def get(self, name, default=None):
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name) -> bool:
        return self.get(name) is not None

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self):
        return list(self._all())

    def values(self):
        return [self[n] for n in self._all()]

    def items(self):
        return [(n, self[n]) for n in self._all()]
