"""The yardstick for `make bench-browser`: a Streamlit page with one filter and one plotly
chart, measured in the same run as the dashboard's pages (what any page costs at least)."""

import pandas as pd
import plotly.express as px
import streamlit as st

COUNTIES = ["牡丹区", "定陶区", "曹县", "单县", "成武县", "巨野县", "郓城县", "鄄城县", "东明县",
            "经济开发区", "高新区"]
chosen = st.sidebar.multiselect("县区", COUNTIES, key="county")
n = len(chosen)
frame = pd.DataFrame({"year": list(range(2015, 2021)),
                      "value": [(i * (n + 3)) % 17 + 1 for i in range(6)]})
st.plotly_chart(px.bar(frame, x="year", y="value", title=f"{n}"), width="stretch")
