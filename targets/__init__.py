"""Annual targets (年度目标) and their completion (完成率): which indicators take a target and
how a year is judged (targets.model), where targets are kept with their history
(targets.store), how they are measured against the data (targets.progress) and read from
or written to Excel (targets.sheet). No streamlit here; the admin page is pages/annual_targets.py
and the card's bar pages/targets_ui.py.

    from targets import TargetStore, completions
    store = TargetStore()
    store.set("returnees", 2020, 35_000, by=user)
    completions(analytics, ["returnees"], f, 2020, store=store)["returnees"].rate
"""

from targets.model import LEVEL_KEYS, TARGETABLE, TOLERANCE, Completion, completion, judge
from targets.progress import completions, rank_counties, targets_for
from targets.store import ImportOutcome, TargetError, TargetInput, TargetRow, TargetStore

__all__ = [
    "LEVEL_KEYS", "TARGETABLE", "TOLERANCE", "Completion", "ImportOutcome", "TargetError",
    "TargetInput", "TargetRow", "TargetStore", "completion", "completions", "judge",
    "rank_counties", "targets_for",
]
