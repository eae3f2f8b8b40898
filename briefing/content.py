"""What the briefing says, computed from `Analytics` for a filter, before any file format.

`compose` returns a `Content`: the title lines and a list of blocks (headings, paragraphs,
tables, images) that the DOCX and the PDF writers render the same way. Every number comes
from `Analytics` and is written by `core.formatting`; every sentence is a template
from `briefing.text` filled with computed names and numbers.

The pieces: `blocks` (what a briefing is made of), `words` (small pieces of wording),
`narrative` (the headline figures and the paragraphs), `figures` (charts and tables).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from analytics.queries import Analytics
from briefing import periods
from briefing.blocks import (
    Block,
    Content,
    Heading,
    HeadlineRow,
    Image,
    Paragraph,
    Table,
    Target,
    Targets,
)
from briefing.figures import (
    NARRATIVE_KEYS,
    county_chart,
    county_table,
    definitions_table,
    headline_table,
    industry_chart,
    map_image,
    station_table,
    year_chart,
)
from briefing.narrative import headline_rows, narrative
from briefing.text import BriefingError, s
from briefing.words import export_stem, filename_stem, normalise_targets
from core.formatting import format_value
from model import indicators as reg
from model.filters import Filter

__all__ = ["LANGS", "Block", "Content", "Heading", "HeadlineRow", "Image", "Paragraph", "Table",
           "Target", "Targets", "compose", "export_stem", "filename_stem"]


LANGS = ("zh", "en")


def compose(a: Analytics, f: Filter, lang: str = "zh", targets: Targets | None = None,
            today: date | None = None) -> Content:
    if lang not in LANGS:
        raise BriefingError("bad_lang", value=lang)
    f = a.check(f)
    goals = normalise_targets(targets)
    end = a.period_end(f)
    base_end = periods.year_before(end)
    base_label = (s("base_period", lang) if f.start else periods.day_label(base_end, lang))
    snap = a.snapshot
    title = s("title", lang)
    scope_line = f"{s('scope', lang)}：{a.describe(f, lang)}" if lang == "zh" else \
        f"{s('scope', lang)}: {a.describe(f, lang)}"
    as_of_line = f"{s('as_of', lang)}{'' if lang == 'zh' else ' '}{periods.date_text(end, lang)}"
    made = today or date.today()
    meta_line = (f"{s('snapshot', lang)} {snap.snapshot_id} · "
                 f"{s('made_on', lang)} {periods.date_text(made, lang)}")
    demo = s("demo_note", lang) if snap.is_synthetic else None
    rows = headline_rows(a, f, end, lang, goals)
    content = Content(lang=lang, title=title, scope_line=scope_line, as_of_line=as_of_line,
                      meta_line=meta_line, demo_note=demo, as_of=end,
                      filename_stem=filename_stem(a, f, end, lang), headline=rows)
    add = content.blocks.append

    if f.end and f.end > snap.as_of:
        add(Paragraph(s("beyond_as_of", lang), "note"))
    if demo:
        add(Paragraph(demo, "demo"))

    # 一、主要指标
    add(Heading(s("h_headline", lang), 1))
    target_years = sorted({t.year for k, t in goals.items() if k in reg.HEADLINE})
    add(headline_table(rows, base_label, lang, bool(target_years), target_years))
    if f.start:
        add(Paragraph(s("base_period_note", lang,
                        start=periods.date_text(periods.year_before(f.start), lang),
                        end=periods.date_text(base_end, lang)), "note"))
    else:
        add(Paragraph(s("base_stock_note", lang, base=base_label,
                        date=periods.date_text(base_end, lang)), "note"))
    for year in target_years:
        add(Paragraph(s("time_elapsed", lang, date=periods.date_text(end, lang), year=year,
                        share=format_value(periods.elapsed_share(end, year), "ratio", lang,
                                           1)), "note"))

    # 二、变化情况
    no_county = replace(f, counties=())
    county_now = a.breakdown(list(NARRATIVE_KEYS), "county", no_county)
    county_base = a.breakdown(list(NARRATIVE_KEYS), "county",
                              periods.base_filter(no_county, end))
    add(Heading(s("h_changes", lang), 1))
    for text in narrative(a, f, end, lang, rows, county_now, county_base, base_label):
        add(Paragraph(text))

    # 三、图表
    stations = a.station_ranking(f)
    add(Heading(s("h_charts", lang), 1))
    for heading, (image, note) in (
            ("h_year", year_chart(a, f, end, lang)),
            ("h_county_projects", county_chart(a, county_now, f.counties, lang)),
            ("h_industry", industry_chart(a, f, lang))):
        add(Heading(s(heading, lang), 2))
        if image is not None:
            add(image)
        if note:
            add(Paragraph(note, "note"))
    add(Heading(s("h_map", lang), 2))
    add(map_image(stations, lang))
    add(Paragraph(s("map_note", lang), "note"))

    # 四、排行
    add(Heading(s("h_rankings", lang), 1))
    add(Heading(s("h_stations", lang), 2))
    if stations.empty:
        add(Paragraph(s("no_data", lang), "note"))
    else:
        add(station_table(stations, lang))
        add(Paragraph(s("stations_note", lang), "note"))
    add(Heading(s("h_counties", lang), 2))
    add(county_table(a, county_now, county_base, f.counties, base_label, lang))
    add(Paragraph(s("counties_note", lang,
                    highlight=s("counties_highlight", lang) if f.counties else "").strip(),
                  "note"))

    # 五、指标口径
    add(Heading(s("h_definitions", lang), 1))
    add(definitions_table(lang))
    notes = [s("ratio_rate_note", lang), s("def_county_filter", lang)]
    if target_years:
        notes.append(s("def_completion", lang))
    notes.append(s("def_masking", lang))
    for text in notes:
        add(Paragraph(text, "note"))
    if demo:
        add(Paragraph(demo, "demo"))
    return content
