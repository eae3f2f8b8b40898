"""One error type for everything the dashboard refuses or cannot do: it carries a message
key of the catalogue (core.i18n) and its values, and says itself in both languages.

``str(err)`` is ``"<Chinese> / <English>"``, ``err.zh`` and ``err.en`` the two halves,
``err.message(lang)`` one of them; ``usage`` marks bad input (a command line exits 2 for
it). The errors of each module (AccessError, StoreError, …) derive from it.
"""

from __future__ import annotations

from core.i18n import text


class BilingualError(Exception):
    """``Error("store.no_such_snapshot", snapshot_id=…)``. For text not yet in the catalogue
    (a page's own words), ``Error(zh, en)`` with both halves worded already."""

    usage = False

    def __init__(self, key: str, /, *worded: str, **values):
        if worded:
            self.key, self.values = None, {}
            self.zh, self.en = key, worded[0]
        else:
            self.key, self.values = key, values
            self.zh, self.en = text(key, "zh", **values), text(key, "en", **values)
        super().__init__(f"{self.zh} / {self.en}")

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def __reduce__(self):  # rebuilt as it was when it crosses a process boundary
        return _rebuild, (type(self), self.key, self.values, self.zh, self.en)


def _rebuild(cls, key, values, zh, en):
    err = cls.__new__(cls)
    Exception.__init__(err, f"{zh} / {en}")
    err.key, err.values, err.zh, err.en = key, values, zh, en
    return err
