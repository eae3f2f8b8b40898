"""ops.serve with bench.profile's timers installed (for `python -m bench.profile --server`):
the CPU time of every rerun, split into the same buckets, written after each rerun as JSON
to the file named by HEZE_PROFILE_OUT. A measuring tool only, never the served dashboard."""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

import streamlit.runtime.scriptrunner.script_runner as runner

from bench import profile


def main() -> int:
    out = Path(os.environ["HEZE_PROFILE_OUT"])
    profile.instrument()
    timed = profile._profiled_run_script(runner.ScriptRunner._run_script)

    def run_script(self, rerun_data):
        try:
            return timed(self, rerun_data)
        finally:
            with profile._SPENT_LOCK:
                text = json.dumps(profile.SPENT)
            out.write_text(text, encoding="utf-8")

    stats_path = os.environ.get("HEZE_PROFILE_STATS")
    kept: dict = {"stats": None}

    def run_script_profiled(self, rerun_data):
        # cProfile in the script's thread, one profiler per rerun, summed into one file.
        prof = cProfile.Profile(time.thread_time)
        prof.enable()
        try:
            return run_script(self, rerun_data)
        finally:
            prof.disable()
            with profile._SPENT_LOCK:
                if kept["stats"] is None:
                    kept["stats"] = pstats.Stats(prof)
                else:
                    kept["stats"].add(prof)
                kept["stats"].dump_stats(stats_path)

    runner.ScriptRunner._run_script = run_script_profiled if stats_path else run_script
    from ops import serve

    return serve.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
