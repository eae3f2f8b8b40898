"""The child process of ``guard.read_isolated``: reads one file with ``read.read_file`` under
the memory and time limits it is given, reports progress on stdout and pickles the result.

    python -m data.importer.child PATH NAME OUT MAX_BYTES MEMORY SECONDS
"""

from __future__ import annotations

import pickle
import resource
import sys
from pathlib import Path

from data.importer.guard import PROGRESS_PREFIX
from data.importer.problems import Problem
from data.importer.read import read_file


def main(argv: list[str]) -> int:
    path, name, out, max_bytes, memory, seconds = argv
    memory = int(memory)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 5))

    def progress(file: str, sheet: str | None, rows: int) -> None:
        sys.stdout.buffer.write(PROGRESS_PREFIX + f"{sheet or ''}\t{rows}\n".encode())
        sys.stdout.buffer.flush()

    try:
        result = read_file(Path(path), name=name, progress=progress,
                           max_bytes=int(max_bytes) or None)
    except MemoryError:
        result = (None, [], [Problem(name, None, None, None, "read_crashed",
                                     {"limit": memory >> 20})])
    with open(out, "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
