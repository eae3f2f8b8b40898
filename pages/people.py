"""人员名单 — the returnee register under the filter and the user's county scope, masked. A
data administrator may reveal one record at a time, after giving a reason; every reveal is
written to the audit log."""

import streamlit as st

from access import ui as access_ui
from access.service import AccessError
from analytics import people
from pages import shared
from pages.shared import compute, t

shared.header("page_people")
lang = shared.lang()
suffix = "zh" if lang == "zh" else "en"
total = compute(people.returnee_count)
if not total:
    shared.empty_state()
    st.stop()
rows = compute(people.returnee_list, people.LIST_LIMIT)
st.caption(t("people_note").format(shown=shared.fmt(len(rows), "person"),
                                   total=shared.fmt(total, "person")))
shown = rows.assign(group_label=shared.labels("group", rows["person_group"]),
                    outcome_label=shared.labels("outcome", rows["outcome"]),
                    gender_label=[t(f"gender_{g}") for g in rows["gender"]])
shared.table(shown, {"returnee_id": "record_id", "name": "person_name",
                     "id_number": "id_number", "mobile": "mobile_number",
                     "gender_label": "gender", "age": "age", "group_label": "person_group",
                     "returned_on": "returned_on", f"county_{suffix}": "county",
                     "township_zh": "township", f"industry_{suffix}": "industry",
                     "outcome_label": "outcome", "station_zh": "recommended_by"},
             "returnees", key="people_table", height=480, title=t("page_people"))

user = shared.user()
if user is not None and user.can("reveal"):
    st.subheader(t("reveal_title"))
    st.caption(t("reveal_note"))
    with st.form("reveal", clear_on_submit=True):
        record = st.selectbox(t("record_id"), rows["returnee_id"].tolist(),
                              format_func=lambda i: f"{i}")
        reason = st.text_area(t("reveal_reason"), max_chars=200)
        asked = st.form_submit_button(t("reveal_button"))
    if asked:
        try:
            access_ui.reveal(user, table="returnees", record=int(record), reason=reason)
        except AccessError as exc:
            st.error(exc.zh if lang == "zh" else exc.en)
        else:
            full = people.returnee_record(shared.analytics(), int(record))
            if full is None:
                st.warning(t("empty"))
            else:
                st.table({t("person_name"): [full["name"]], t("id_number"): [full["id_number"]],
                          t("mobile_number"): [full["mobile"]],
                          t("county"): [full[f"county_{suffix}"]],
                          t("returned_on"): [shared.fmt_date(full["returned_on"])]})
                st.caption(t("revealed_logged"))
