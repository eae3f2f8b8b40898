"""说明 — the glossary generated from the registry, the snapshot and the five databases."""

import pandas as pd
import streamlit as st

from access.service import DETAIL_VALUES as TABLE_NAMES
from analytics.text import DATABASES
from model import indicators as reg
from pages import shared
from pages.shared import t

shared.header("page_definitions")
lang = shared.lang()
a = shared.analytics()

st.subheader(t("glossary"))
rows = []
for ind in reg.INDICATORS:
    pub = ind.published
    rows.append({
        t("indicator"): ind.name(lang),
        t("unit_col"): shared.unit(ind.unit),
        t("definition"): ind.definition(lang),
        t("published"): "—" if pub is None else (pub.text_zh if lang == "zh" else pub.text_en),
    })
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(t("filter_scope_note") + " " + t("level_note"))
with st.expander(t("formulas_for_analysts")):
    st.dataframe(pd.DataFrame([{t("indicator"): ind.name(lang), t("formula"): ind.formula(),
                                t("source_tables"): ", ".join(ind.source_tables)}
                               for ind in reg.INDICATORS]), hide_index=True, width="stretch")

st.subheader(t("snapshot_meta"))
snap = a.snapshot
meta = pd.DataFrame({
    t("indicator"): [t("snapshot"), t("source"), t("as_of"), t("built_at"), t("seed"),
                     t("scale")],
    t("value_axis"): [snap.snapshot_id, t("synthetic") if snap.is_synthetic else t("imported"),
                      shared.fmt_date(snap.as_of), str(snap.built_at), str(snap.seed or "—"),
                      str(snap.scale)],
})
st.table(meta.set_index(t("indicator")))  # plain text: small, and copyable

st.subheader(t("databases"))
sizes = a.table_sizes().set_index("table")["rows"]
# Each database by its name in the user's language (服务站信息库, not "stations").
db_rows = [{t("table"): TABLE_NAMES[name][0 if lang == "zh" else 1],
            t("definition"): zh if lang == "zh" else en,
            t("rows"): int(sizes[name])}
           for name, zh, en in DATABASES]
# Counts with thousands separators, as in every other table (420,000, not 420000).
st.dataframe(shared.styled(pd.DataFrame(db_rows)), hide_index=True, width="stretch")
st.caption(f"{reg.REPORT_SOURCE_ZH if lang == 'zh' else reg.REPORT_SOURCE_EN}")
