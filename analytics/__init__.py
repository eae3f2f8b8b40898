"""Where the numbers are made: pure Python over a DuckDB connection, no streamlit."""

from analytics.filters import Filter, FilterError
from analytics.queries import Analytics

__all__ = ["Analytics", "Filter", "FilterError"]
