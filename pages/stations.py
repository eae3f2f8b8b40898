"""服务站 — all stations ranked by what they achieved; choosing one opens its card."""

import streamlit as st

from pages import shared
from pages.shared import call, t

shared.header("page_stations")
ranking = call("station_ranking")
if ranking.empty:
    shared.empty_state()
    st.stop()
lang = shared.lang()
city, sponsor, province = (("city_zh", "sponsor_zh", "province_zh") if lang == "zh"
                           else ("city_en", "sponsor_en", "province_en"))
shown = ranking.assign(level_label=[shared.label("level", v) for v in ranking["level"]])
st.subheader(t("ranking"))
columns = {"name_zh": "station_name", "level_label": "level", city: "host_city",
           province: "province", sponsor: "sponsor", "opened_on": "opened_on",
           "members": "members", "people_registered": "people_registered",
           "returnees_referred": "returnees_referred",
           "projects_recommended": "projects_recommended",
           "investment_recommended": "investment_recommended_wan", "activities": "activities",
           "attendees": "attendees", "donations_yuan": "donations_yuan"}
names = dict(zip(ranking["station_id"], ranking["name_zh"], strict=True))
station = shared.table_choice(shown, columns, "station", id_col="station_id",
                              label=t("choose_station"), format_func=names.get,
                              file_name="stations", height=420)
st.divider()
shared.station_card(station)
