"""领导简报: the briefing of a filter as DOCX and PDF bytes, with no streamlit in sight.

    from briefing import build
    b = build(analytics, Filter(counties=[371721]), "zh")
    b.docx, b.pdf, b.filename_stem   # bytes, bytes, "返乡创业领导简报_曹县_2020-08-31"

`targets` (optional) maps an indicator key to (annual target, year), as chosen for the
filter's scope; the headline table then shows the year's progress and 完成率. Without it,
no target column appears.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from analytics.queries import Analytics
from briefing.content import Target, Targets, compose
from briefing.text import BriefingError
from model.filters import Filter

__all__ = ["Briefing", "BriefingError", "Target", "Targets", "build"]


@dataclass(frozen=True)
class Briefing:
    docx: bytes
    pdf: bytes
    filename_stem: str
    timings: dict[str, float] = field(default_factory=dict, compare=False)  # seconds by step


def build(analytics: Analytics, filter: Filter = Filter(), lang: str = "zh",  # noqa: A002
          targets: Targets | None = None, today: date | None = None) -> Briefing:
    """The briefing of `filter` on `analytics`' snapshot. Raises FilterError for a bad
    filter and BriefingError for a bad language, an unknown target key or a missing
    Chinese font; both carry the message in Chinese and English."""
    # The document writers (python-docx, fpdf2: about 2 s) load with the first briefing,
    # not with every page that imports this package.
    from briefing import as_docx, as_pdf

    clock = time.perf_counter()
    content = compose(analytics, filter, lang, targets, today)
    composed = time.perf_counter()
    docx = as_docx.render(content)
    docx_done = time.perf_counter()
    pdf = as_pdf.render(content)
    pdf_done = time.perf_counter()
    timings = {"content and charts": composed - clock, "docx": docx_done - composed,
               "pdf": pdf_done - docx_done, "total": pdf_done - clock}
    return Briefing(docx=docx, pdf=pdf, filename_stem=content.filename_stem, timings=timings)
