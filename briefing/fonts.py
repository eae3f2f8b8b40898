"""The Chinese font, found on this machine, for the charts and the PDF alike.

Debian's fonts-noto-cjk installs NotoSansCJK-Regular.ttc and -Bold.ttc: collections of
OpenType fonts with CFF (PostScript) outlines, one face per region. The Simplified Chinese
face (Noto Sans CJK SC) is picked by name, never by position in the collection, so the
glyph forms are the mainland ones. Matplotlib renders it through FreeType; fpdf2 embeds it
as a CID-keyed CFF font (CIDFontType0) and subsets it to the characters used. Nothing is
downloaded: a machine without the font gets a clear error naming the package.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from briefing.text import BriefingError

# Families tried in order; Noto Sans CJK SC is the one the project installs and tests.
FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
            "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
# File names that may hold one of them, for a font manager whose cache predates the font.
FILE_HINTS = ("notosanscjk", "sourcehansans", "wqy-microhei", "wqy-zenhei")

_lock = threading.Lock()


@dataclass(frozen=True)
class Face:
    family: str
    path: str
    index: int  # face number inside a .ttc collection (0 for a single font)


@dataclass(frozen=True)
class CJKFont:
    regular: Face
    bold: Face


def _find(fm, family: str, weight: str) -> Face | None:
    props = fm.FontProperties(family=family, weight=weight)
    try:
        found = fm.fontManager.findfont(props, fallback_to_default=False, rebuild_if_missing=True)
    except ValueError:
        return None
    path = str(found)
    index = getattr(found, "face_index", 0) or 0
    # findfont may answer with a nearby family; accept only the family asked for
    names = {e.name for e in fm.fontManager.ttflist if e.fname == path}
    return Face(family, path, int(index)) if family in names else None


@lru_cache(maxsize=1)
def cjk_font() -> CJKFont:
    """The first available family of FAMILIES, regular and bold (bold falls back to
    regular); raises BriefingError when none is installed."""
    from matplotlib import font_manager as fm

    with _lock:
        for attempt in range(2):
            for family in FAMILIES:
                regular = _find(fm, family, "normal")
                if regular is not None:
                    bold = _find(fm, family, "bold") or regular
                    return CJKFont(regular, bold)
            if attempt == 0:  # fonts installed after matplotlib cached its list
                for path in fm.findSystemFonts():
                    if any(h in path.lower().replace("_", "-") for h in FILE_HINTS):
                        fm.fontManager.addfont(path)
    raise BriefingError("no_font")
