"""Where the numbers are made: pure Python over a DuckDB connection, no streamlit."""

from analytics.queries import Analytics
from model.filters import Filter, FilterError

__all__ = ["Analytics", "Filter", "FilterError"]
