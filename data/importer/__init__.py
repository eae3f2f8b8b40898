"""Importing the real five databases: templates, checks that name every bad cell, and a new
snapshot built and served only when every file is valid.

    python -m data.importer template DIR
    python -m data.importer check PATH...
    python -m data.importer load PATH... [--mode replace|append|update] [--as-of DATE]

See docs/data-and-import.md, "Importing real data".
"""

from data.importer.pipeline import MODES, LoadResult, Report, check, load

__all__ = ["MODES", "LoadResult", "Report", "check", "load"]
