"""园区 — every park and base: tenants, their jobs, floor area, focus industries, opening
date; the park with the most tenants is chosen first, never an empty one."""

import streamlit as st

from analytics import compare
from pages import serving, shared
from pages.shared import compute, t

shared.header("page_parks")
lang = shared.lang()
suffix = "zh" if lang == "zh" else "en"


def _parks():
    """The parks as a table to choose from, their names, and whether any has no incubation
    period; None when there are none."""
    parks = compute(compare.ranked, "parks", "tenants", id_col="park_id")
    if parks.empty:
        return None
    shown = parks.assign(kind_label=shared.labels("kind", parks["kind"]),
                         status_label=shared.labels("status", parks["status"]))
    view = shared.table_view(
        shown, {"rank": "rank", "name_zh": "park_name", f"county_{suffix}": "county",
                "township": "township", "kind_label": "park_kind", "tenants": "tenants",
                "tenant_jobs": "tenant_jobs", "floor_area_m2": "floor_area",
                f"focus_{suffix}": "focus", "opened_on": "opened_on",
                "incubation_years": "incubation", "status_label": "status"},
        selectable=True, id_col="park_id")
    names = dict(zip(parks["park_id"], parks["name_zh"], strict=True))
    return view, names, bool(parks["incubation_years"].isna().any())


def _tenants(park: int):
    """The park's tenants as a table ready to draw (None: it has none)."""
    tenants = shared.call("park_tenants", park)
    if tenants.empty:
        return None
    tenants = tenants.assign(type_label=shared.labels("type", tenants["entity_type"]))
    return shared.table_view(tenants, {"name_zh": "entity_name", "type_label": "entity_type",
                                       f"industry_{suffix}": "industry",
                                       "founded_on": "founded_on",
                                       "registered_capital": "registered_capital",
                                       "jobs": "jobs"})


# Built once per snapshot, scope, filter and language (the tenants also per park) and
# shared by every session (serving.built): a warm rerun only draws them.
built = serving.built("parks.ranking", _parks, lang=lang)
if built is None:
    shared.empty_state()
    st.stop()
parks, names, incubation_missing = built
shared.cards(("parks", "park_tenants"), compute(compare.headline, ("parks", "park_tenants")),
             per_row=3)
st.subheader(t("parks_ranked"))
if incubation_missing:
    st.caption(t("incubation_note"))
park = shared.table_choice(parks, None, "park", id_col=None, label=t("choose_park"),
                           format_func=names.get, file_name="parks", title=t("parks_ranked"))
tenants = serving.built("parks.tenants", _tenants, park, lang=lang)
st.subheader(f"{shared.plain(names[park])} · {t('tenants')}")
if tenants is None:
    shared.empty_state()
else:
    shared.table(tenants, None, f"park_{park}_tenants", key="tenants_table", height=360,
                 title=f"{names[park]} · {t('tenants')}")
