"""人员名单 — the returnee register under the filter and the user's county scope, masked,
with a search over what the mask shows; the downloads hold every matching row (up to
people.EXPORT_LIMIT, said on the page). A data administrator may reveal one record at a
time, found by name, ID number or record number, after giving a reason; every reveal is
written to the audit log."""

import streamlit as st

from access.service import AccessError
from analytics import people
from pages import account, serving, shared
from pages.shared import compute, t

shared.header("page_people")
lang = shared.lang()
suffix = "zh" if lang == "zh" else "en"
total = compute(people.returnee_count)
if not total:
    shared.empty_state()
    st.stop()
query = st.text_input(t("people_search"), key="people_search", max_chars=80,
                      help=t("people_search_help"))
query = " ".join(people.search_terms(query))
matched = compute(people.returnee_count, search=query) if query else total


def _list(search: str):
    """The newest returnees under the filter and `search`, masked (as analytics hands them
    to every role), as a table ready to draw, and how many rows it has."""
    rows = compute(people.returnee_list, people.LIST_LIMIT, search=search)
    shown = rows.assign(returnee_id=rows["returnee_id"].astype(str),  # a number, not 275,939
                        group_label=shared.labels("group", rows["person_group"]),
                        outcome_label=shared.labels("outcome", rows["outcome"]),
                        gender_label=[t(f"gender_{g}") for g in rows["gender"]])
    return shared.table_view(shown, COLUMNS, whole=True), len(rows)


COLUMNS = {"returnee_id": "record_id", "name": "person_name", "id_number": "id_number",
           "mobile": "mobile_number", "gender_label": "gender", "age": "age",
           "group_label": "person_group", "returned_on": "returned_on",
           f"county_{suffix}": "county", "township_zh": "township",
           f"industry_{suffix}": "industry", "outcome_label": "outcome",
           "station_zh": "recommended_by"}
# The list without a search (what the page opens with) depends only on the scope, the filter
# and the language: built once and shared by every session (serving.built). Nothing of the
# user is in it: the rows come masked for every role, and a reveal is drawn apart below. A
# searched list is built for this rerun only, so searches do not crowd the shared views out.
listed, listed_rows = (_list(query) if query
                       else serving.built("people.list", _list, "", lang=lang))
if query:
    st.caption(t("people_matched").format(query=shared.plain(query),
                                          matched=shared.fmt(matched, "person"),
                                          total=shared.fmt(total, "person")))
if not matched:
    st.info(t("people_none_found").format(query=shared.plain(query)))
else:
    st.caption(t("people_note").format(shown=shared.fmt(listed_rows, "person"),
                                       total=shared.fmt(matched, "person")))
    exported = min(matched, people.EXPORT_LIMIT)
    st.caption(t("people_download_all").format(total=shared.fmt(matched, "person"))
               if matched <= people.EXPORT_LIMIT else
               t("people_download_capped").format(limit=shared.fmt(exported, "person"),
                                                  total=shared.fmt(matched, "person")))
    analytics, flt = shared.analytics(), shared.current_filter()

    def everyone():  # made when a download button is clicked, not on every rerun
        frame = people.returnee_list(analytics, exported, f=flt, search=query)
        return frame.assign(group_label=shared.labels("group", frame["person_group"]),
                            outcome_label=shared.labels("outcome", frame["outcome"]),
                            gender_label=[t(f"gender_{g}") for g in frame["gender"]])

    shared.table(listed, None, "returnees", key="people_table", height=480,
                 title=t("page_people"),
                 full=(everyone, exported))

user = shared.user()
if user is not None and user.can("reveal"):
    st.subheader(t("reveal_title"))
    st.caption(t("reveal_note"))
    wanted = st.text_input(t("reveal_find"), key="reveal_find", max_chars=80,
                           help=t("reveal_find_help"))
    found = (people.find_person(shared.analytics(), wanted) if wanted.strip()
             else compute(people.returnee_list, people.LIST_LIMIT,
                          search=query).head(people.FIND_LIMIT))
    if wanted.strip():
        st.caption(t("reveal_candidates").format(n=len(found), limit=people.FIND_LIMIT))
    labels = {int(r["returnee_id"]): " · ".join(
        str(v) for v in (r["returnee_id"], r["name"], r["id_number"], r[f"county_{suffix}"],
                         shared.fmt_date(r["returned_on"])) if isinstance(v, str | int))
        for r in found.to_dict("records")}
    with st.form("reveal", clear_on_submit=True):
        record = st.selectbox(t("record_id"), list(labels), format_func=labels.get)
        reason = st.text_area(t("reveal_reason"), max_chars=200)
        asked = st.form_submit_button(t("reveal_button"))
    if asked and record is None:
        st.warning(t("people_none_found").format(query=shared.plain(wanted)))
    elif asked:
        try:
            account.reveal(user, table="returnees", record=int(record), reason=reason)
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
