"""What the dashboard counts: the indicator registry, the filter model and the published
facts. Pure Python over the bottom layer; no database, no streamlit."""
