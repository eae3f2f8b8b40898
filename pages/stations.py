"""服务站 — every station ranked by what it brought home (the sort measure is chosen and
named); ticking a row or picking a name opens the station's card."""

import streamlit as st

from analytics import compare
from core.formatting import scale_for, short_station_name
from pages import serving, shared
from pages.shared import compute, t

SORT_BY = ("returnees_referred", "projects_recommended", "investment_recommended",
           "people_registered", "members", "activities")

shared.header("page_stations")
lang = shared.lang()
sort_by = shared.choose(st.selectbox, t("rank_by"), SORT_BY, "station_sort",
                        default="returnees_referred", format_func=t)


def _ranking(sort_by: str):
    """The ranking as a table to choose from, and each station's name; None when empty."""
    ranking = compute(compare.ranked, "station_ranking", sort_by, id_col="station_id")
    if ranking.empty:
        return None
    city, sponsor, province = (("city_zh", "sponsor_zh", "province_zh") if lang == "zh"
                               else ("city_en", "sponsor_en", "province_en"))
    money = scale_for("wan_yuan", lang)
    donated = scale_for("yuan", lang)
    shown = ranking.assign(
        short=[short_station_name(n, lang, c, s if isinstance(s, str) else None)
               for n, c, s in zip(ranking["name_zh"], ranking["city_en"],
                                  ranking["sponsor_en"], strict=True)],
        level_label=shared.labels("level", ranking["level"]),
        investment_shown=money.apply(ranking["investment_recommended"]),
        donations_shown=donated.apply(ranking["donations_yuan"]))
    # The rank, the station and the measure first: on a phone they fit without scrolling.
    measure = {"investment_recommended": "investment_shown"}.get(sort_by, sort_by)
    columns = {"rank": "rank", "short": "station_name",
               measure: money.header(t(sort_by), lang) if sort_by == "investment_recommended"
               else f"{t(sort_by)}（{shared.unit(shared.UNIT_OF[sort_by])}）" if lang == "zh"
               else f"{t(sort_by)} ({shared.unit(shared.UNIT_OF[sort_by])})"}
    for col, header in (("level_label", "level"), (city, "host_city"), (province, "province"),
                        (sponsor, "sponsor"), ("opened_on", "opened_on")):
        columns[col] = header
    for col, key in (("members", "members"), ("people_registered", "people_registered"),
                     ("returnees_referred", "returnees_referred"),
                     ("projects_recommended", "projects_recommended"),
                     ("investment_shown", "investment_recommended"),
                     ("activities", "activities"), ("attendees", "attendees")):
        if col not in columns:
            columns[col] = (money.header(t(key), lang) if col == "investment_shown"
                            else f"{t(key)}（{shared.unit(shared.UNIT_OF[key])}）"
                            if lang == "zh"
                            else f"{t(key)} ({shared.unit(shared.UNIT_OF[key])})")
    columns["donations_shown"] = donated.header(t("donations"), lang)
    names = dict(zip(ranking["station_id"], ranking["name_zh"], strict=True))
    return shared.table_view(shown, columns, selectable=True, id_col="station_id"), names


# Built once per snapshot, scope, filter, language and measure, shared by every session
# (serving.built): a warm rerun, or another user with the same filter, only draws it.
built = serving.built("stations.ranking", _ranking, sort_by, lang=lang)
if built is None:
    shared.empty_state()
    st.stop()
ranking, names = built
st.subheader(t("ranking"))
st.caption(t("sorted_by").format(indicator=t(sort_by)) + " · " + t("station_short_note"))
station = shared.table_choice(ranking, None, "station", id_col=None,
                              label=t("choose_station"), format_func=names.get,
                              file_name="stations", height=420, title=t("ranking"))
st.divider()
shared.station_card(station)
