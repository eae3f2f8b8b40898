"""The station card, shared by the stations page and the map: the station's facts, its
figures, who runs it, its recent activities and the Heze counties its returnees went to."""

from __future__ import annotations

import streamlit as st

from analytics import compare, palette
from pages import charts
from pages.labels import fmt, fmt_date, label, labels, lang, names, plain, t
from pages.layout import empty_state
from pages.serving import built, call, compute
from pages.tables import table, table_view


def station_card(station_id: int) -> None:
    """The station card, shared by the stations page and the map."""
    card = call("station_detail", int(station_id))
    if card is None:
        empty_state()
        return
    # Names, places and programmes are imported text: shown as text, never as Markdown.
    st.subheader(plain(card["name_zh"]))
    city = card["city_zh"] if lang() == "zh" else card["city_en"]
    sponsor = card.get("sponsor_zh") if lang() == "zh" else card.get("sponsor_en")
    facts = [(t("level"), label("level", card["level"])), (t("host_city"), city),
             (t("sponsor"), sponsor if isinstance(sponsor, str) else "—"),
             (t("opened_on"), fmt_date(card["opened_on"]))]
    st.markdown("　·　".join(f"**{k}**：{plain(v)}" for k, v in facts))
    c = st.columns(4)
    c[0].metric(t("members"), fmt(card["members"], "person"))
    c[1].metric(t("returnees_referred"), fmt(card["returnees_referred"], "person"))
    c[2].metric(t("projects_recommended"), fmt(card["projects_recommended"], "project"))
    c[3].metric(t("investment_recommended"), fmt(card["investment_recommended"], "wan_yuan"))
    c = st.columns(4)
    c[0].metric(t("people_registered"), fmt(card["people_registered"], "person"))
    c[1].metric(t("activities"), fmt(card["activities"], "event"))
    c[2].metric(t("attendees"), fmt(card["attendees"], "attendance"))
    c[3].metric(t("donations"), fmt(card["donations_yuan"], "yuan"))
    colon = "：" if lang() == "zh" else ": "
    people = [f"{t('head')}{colon}{plain(card['head_name'])}",
              f"{t('head_mobile')}{colon}{plain(card['head_mobile'])}"]
    if isinstance(card.get("honorary_head"), str):
        people.append(f"{t('honorary_head')}{colon}{plain(card['honorary_head'])}")
    programmes = [plain(p) for p in (card.get("brand_centre"), card.get("ecommerce_platform"))
                  if isinstance(p, str)]
    if card.get("talent_workstation"):
        programmes.append(t("talent_workstation"))
    if programmes:
        people.append(f"{t('programmes')}{colon}" + "、".join(programmes))
    st.caption(" · ".join(people))
    events = built("station_card.events", _events, int(station_id), lang=lang())
    if events is not None:
        st.markdown(f"**{t('recent_activities')}**")
        table(events, None, f"station_{station_id}_events", key=f"station_events_{station_id}")
    station_home_counties(station_id)


def _events(station_id: int):
    """The station's recent activities as a table ready to draw (None without any)."""
    acts = call("station_detail", station_id)["recent_activities"]
    if not len(acts):
        return None
    acts = acts.assign(kind=labels("kind", acts["kind"]),
                       held=[fmt_date(d) for d in acts["held_on"]],
                       people=[fmt(v, "attendance") if v else "—" for v in acts["attendees"]],
                       money=[fmt(v, "yuan") if v else "—" for v in acts["amount_yuan"]])
    return table_view(acts, {"held": "date", "kind": "activity_kind", "title": "title",
                             "people": "attendees", "money": "donations"})


def _home_counties(station_id: int):
    """The chart of the Heze counties the station's returnees went to (None: none)."""
    went = compute(compare.station_counties, station_id)
    went = went[(went["returnees"] > 0) | (went["projects"] > 0)]
    if went.empty:
        return None
    went = went.assign(county=[names("county").get(c, c) for c in went["county_code"]])
    return charts.kept(charts.bars(went["county"], went["returnees"], unit="person",
                                   name=t("returnees_referred"), horizontal=True,
                                   colours=palette.PRIMARY, title=t("station_home_counties"),
                                   height=max(220, 30 * len(went) + 90)))


def station_home_counties(station_id: int) -> None:
    """On the station card: the Heze counties its returnees and projects went to (built
    once per snapshot, scope, filter, language and station, shared: serving.built)."""
    chart = built("station_card.home_counties", _home_counties, int(station_id), lang=lang())
    if chart is not None:
        charts.draw(*chart)
