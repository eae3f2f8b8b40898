"""Headline cards, drawn from their view model (presentation.kpi.KPICard): the value the
Chinese way, 同比 against a named base, a sparkline, on hover the definition in plain words
and the published figure, and under a card its 完成率 where a target applies."""

from __future__ import annotations

import contextlib

import streamlit as st

from pages import targets_ui
from pages.labels import lang
from pages.serving import analytics
from pages.state import token
from presentation import kpi
from presentation.kpi import KPICard


def change_text(comp) -> tuple[str | None, str]:
    """The card's delta in the user's language (presentation.kpi.change_text)."""
    return kpi.change_text(comp, lang())


def draw_card(card: KPICard, border: bool = True) -> None:
    """The card, and under it its sparkline, drawn here (presentation.kpi.sparkline_svg):
    st.metric's own chart logs two Vega warnings per card in the browser's console."""
    spark = kpi.sparkline_svg(card)
    box = st.container(border=True) if spark and border \
        else contextlib.nullcontext()
    with box:
        st.metric(card.label, card.value_text, delta=card.delta_text,
                  delta_color=card.delta_colour,
                  delta_arrow="off" if card.delta_colour == "off" else "auto",
                  help="\n\n".join(f"**{title}**：{text}" for title, text in card.note),
                  border=border and not spark)
        if spark:
            st.markdown(spark, unsafe_allow_html=True)


def indicator_card(key: str, comp, spark: list | None = None, border: bool = True) -> None:
    """A headline card of `comp` (an analytics Comparison of `key`)."""
    draw_card(kpi.kpi_card(key, comp, lang(), analytics().snapshot.as_of, spark), border)


def cards(keys, values, per_row: int = 4, sparks: dict | None = None) -> None:
    """Headline cards in rows, so long values like 541.58亿元 are never cut (two to a row
    on a phone: see style.css)."""
    keys = list(keys)
    # Fewer cards than a row holds share the whole row (two cards on 园区 took two thirds of
    # the width, on screen and on paper).
    per_row = max(1, min(per_row, len(keys)))
    shown = kpi.kpi_cards(keys, values, lang(), analytics().snapshot.as_of, sparks)
    caption = kpi.base_caption(shown, lang())
    if caption:
        st.caption(caption)
    done = targets_ui.card_completions(keys)  # 完成率 where a target applies, else None
    with st.container(key=f"cards_{token(tuple(keys))}"):
        for start in range(0, len(shown), per_row):
            cols = st.columns(per_row)
            for col, card in zip(cols, shown[start:start + per_row], strict=False):
                with col:
                    comp = done.get(card.key)
                    if comp is None:
                        draw_card(card)
                        continue
                    with st.container(border=True):  # the card and its 完成率 in one box
                        draw_card(card, border=False)
                        targets_ui.draw_completion(comp)
