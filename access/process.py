"""One Access per settings in effect, shared by every session and request of a server
process: the pages (pages.login_request) and the guard of downloadable files
(access.downloads.MediaGuard) use the same one. No streamlit here."""

from __future__ import annotations

import threading

from access.service import Access
from core.settings import current as current_settings

_SERVICES: dict[tuple[str, int], Access] = {}
_SERVICES_LOCK = threading.Lock()


def service() -> Access:
    """One Access per settings in effect, shared by every session of this process."""
    settings = current_settings()
    key = (str(settings.app_db), id(settings))
    with _SERVICES_LOCK:
        acc = _SERVICES.get(key)
        if acc is None:
            _SERVICES.clear()
            acc = _SERVICES[key] = Access(settings=settings)
        return acc
