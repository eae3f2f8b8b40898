"""The map page's decks, replayed layer by layer, for `python -m bench.map`: the decks the
map page sent (saved as JSON by the benchmark) drawn with only the layers named in the URL
(``?national=provinces,stations&heze=counties``; ``-`` for none, the parameter left out for
that deck not drawn at all). What a layer costs the browser, with the server out of it."""

import json
import os

import pydeck as pdk
import streamlit as st

st.set_page_config(layout="wide")


class Replayed(pdk.Deck):
    def __init__(self, spec: dict, tooltip):
        super().__init__(map_provider=None, tooltip=tooltip)
        self._spec = spec

    def to_json(self) -> str:
        return json.dumps(self._spec, separators=(",", ":"), ensure_ascii=False)


with open(os.environ["HEZE_BENCH_DECKS"], encoding="utf-8") as f:
    saved = json.load(f)
for name in ("national", "heze"):
    wanted = st.query_params.get(name)
    if wanted is None:
        continue
    ids = [] if wanted == "-" else wanted.split(",")
    spec = dict(saved[name]["spec"], layers=[layer for layer in saved[name]["spec"]["layers"]
                                             if layer["id"] in ids])
    tooltip = json.loads(saved[name]["tooltip"]) if saved[name]["tooltip"] else False
    st.pydeck_chart(Replayed(spec, tooltip), height=saved[name]["height"], width="stretch",
                    key=name)
