"""Every message of the importer (``import.msg.*``) and every string of the 数据导入 page
(``import.ui.*``): the message catalogue (core.i18n).

`msg(key, lang, **values)` formats one. Messages about a cell never repeat the cell's value
when it is personal (ID numbers, mobiles): the report shows those masked.
"""

from __future__ import annotations

from core.i18n import text


def msg(key: str, lang: str = "zh", **values) -> str:
    return text(f"import.msg.{key}", lang, **values)


def ui(key: str, lang: str = "zh", **values) -> str:
    return text(f"import.ui.{key}", lang, **values)
