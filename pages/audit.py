"""审计日志 — the system administrator's view of who did what: logins (and failed ones),
logouts, downloads, reveals, user changes, imports and refused pages, filtered and
exported (the export is itself logged)."""

from datetime import date, datetime, time, timedelta

import streamlit as st

from access import downloads
from access.service import ACTIONS, AccessError
from pages import login_request, shared
from pages.shared import t

shared.header("page_audit")
lang = shared.lang()
me = shared.user()
service = login_request.service()
today = date.today()
c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
start = c1.date_input(t("period_from"), value=today - timedelta(days=30), key=f"audit_from_{lang}")
end = c2.date_input(t("period_to"), value=today, key=f"audit_to_{lang}")
actions = c3.multiselect(t("audit_action"), list(ACTIONS),
                         format_func=lambda a: ACTIONS[a][0 if lang == "zh" else 1],
                         key=f"audit_actions_{lang}", placeholder=t("all"))
who = c4.text_input(t("user_name"), key="audit_user", max_chars=64)
text = st.text_input(t("audit_text"), key="audit_text", max_chars=100)
zone = datetime.now().astimezone().tzinfo
query = {"start": datetime.combine(start, time.min, zone),
         "end": datetime.combine(end + timedelta(days=1), time.min, zone),
         "user": who.strip() or None, "action": actions or None, "text": text.strip() or None}
try:
    frame = service.audit_frame(me, lang=lang, tz=zone, limit=2000, **query)
except AccessError as exc:
    st.error(exc.zh if lang == "zh" else exc.en)
    st.stop()
st.caption(t("audit_count").format(n=len(frame)))
if frame.empty:
    shared.empty_state()
else:
    st.dataframe(frame, hide_index=True, width="stretch", height=520)
client = login_request.client()
bound = downloads.binding(me)


def _export(fmt: str):
    """The audit log as a file, made on click for the administrator as they are then
    (access.downloads); audit_export itself logs the export."""
    made = {}

    def log_export(now):
        made["data"] = service.audit_export(now, fmt=fmt, lang=lang, client=client, **query)

    return downloads.logged_file(lambda: made.pop("data"), log_export, service, bound, client)


stem = f"{t('page_audit')}_{start.isoformat()}_{end.isoformat()}".replace(" ", "-")
c1, c2, _ = st.columns([1, 1, 4])
c1.download_button(t("download_csv"), _export("csv"), file_name=f"{stem}.csv",
                   mime="text/csv", key="audit_csv", on_click="ignore")
c2.download_button(t("download_xlsx"), _export("xlsx"), file_name=f"{stem}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="audit_xlsx", on_click="ignore")
