"""One import for a page script: the names every page reads, gathered from the modules that
do each job. A page writes ``shared.header(...)``, ``shared.table(...)`` instead of six
imports; the modules themselves never import this one (so nothing imports in a circle).

    pages.serving       the served snapshot, the caches, the filter, the user
    pages.labels        the language, UI words, labels, numbers and dates, safe text
    pages.state         widgets that survive a language switch; the filter as codes
    pages.layout        a page's header, the empty state, period axes, rank notes
    pages.cards         headline cards (view model: presentation.kpi)
    pages.tables        tables with downloads (view model: presentation.tables)
    pages.downloads     CSV/XLSX, the briefing, files made while drawing
    pages.station_card  the station card (stations page and map)
"""

from __future__ import annotations

from analytics.masking import mask_frame
from pages.cards import cards, change_text, indicator_card
from pages.downloads import briefing_buttons, download_only, own_file
from pages.labels import (
    UNIT_OF,
    fmt,
    fmt_date,
    label,
    labels,
    lang,
    name_col,
    names,
    plain,
    plain_html,
    t,
    unit,
)
from pages.layout import (
    ICON,
    empty_state,
    header,
    header_title,
    highlight,
    period_axis,
    rank_note,
    run_through_entry_point,
)
from pages.serving import (
    FILTER_KEY,
    analytics,
    call,
    compute,
    current_filter,
    own_county,
    own_county_ranks,
    snapshot_problem,
    user,
)
from pages.state import (
    choose,
    choose_many,
    date_field,
    link_state,
    remember,
    remembered,
    segmented,
    set_filter,
    toggle,
)
from pages.station_card import station_card
from pages.tables import TABLE_ROWS, selected_row, table, table_choice, table_view
from presentation.tables import display_frame, styled

__all__ = [
    "FILTER_KEY", "ICON", "TABLE_ROWS", "UNIT_OF", "analytics", "briefing_buttons", "call",
    "cards", "change_text", "choose", "choose_many", "compute", "current_filter",
    "date_field", "display_frame", "download_only", "empty_state", "fmt", "fmt_date",
    "header", "header_title", "highlight", "indicator_card", "label", "labels", "lang",
    "link_state", "mask_frame", "name_col", "names", "own_county", "own_county_ranks",
    "own_file", "period_axis", "plain", "plain_html", "rank_note", "remember", "remembered",
    "run_through_entry_point", "segmented", "selected_row", "set_filter", "snapshot_problem",
    "station_card", "styled", "t", "table", "table_choice", "table_view", "toggle", "unit",
    "user",
]
