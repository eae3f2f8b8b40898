"""View models built from the services: plain Python, no streamlit."""
