"""园区 — every park and base: tenants, their jobs, floor area, focus industries, opening
date; the park with the most tenants is chosen first, never an empty one."""

import streamlit as st

from analytics import compare
from pages import shared
from pages.shared import compute, t

shared.header("page_parks")
lang = shared.lang()
parks = compute(compare.ranked, "parks", "tenants", id_col="park_id")
if parks.empty:
    shared.empty_state()
    st.stop()
suffix = "zh" if lang == "zh" else "en"
shown = parks.assign(kind_label=shared.labels("kind", parks["kind"]),
                     status_label=shared.labels("status", parks["status"]))
shared.cards(("parks", "park_tenants"), compute(compare.headline, ("parks", "park_tenants")),
             per_row=3)
st.subheader(t("parks_ranked"))
if parks["incubation_years"].isna().any():
    st.caption(t("incubation_note"))
names = dict(zip(parks["park_id"], parks["name_zh"], strict=True))
park = shared.table_choice(
    shown, {"rank": "rank", "name_zh": "park_name", f"county_{suffix}": "county",
            "township": "township", "kind_label": "park_kind", "tenants": "tenants",
            "tenant_jobs": "tenant_jobs", "floor_area_m2": "floor_area",
            f"focus_{suffix}": "focus", "opened_on": "opened_on",
            "incubation_years": "incubation", "status_label": "status"},
    "park", id_col="park_id", label=t("choose_park"), format_func=names.get,
    file_name="parks", title=t("parks_ranked"))
tenants = shared.call("park_tenants", park)
st.subheader(f"{shared.plain(names[park])} · {t('tenants')}")
if tenants.empty:
    shared.empty_state()
else:
    tenants = tenants.assign(type_label=shared.labels("type", tenants["entity_type"]))
    shared.table(tenants, {"name_zh": "entity_name", "type_label": "entity_type",
                           f"industry_{suffix}": "industry", "founded_on": "founded_on",
                           "registered_capital": "registered_capital", "jobs": "jobs"},
                 f"park_{park}_tenants", key="tenants_table", height=360,
                 title=f"{names[park]} · {t('tenants')}")
