"""What reading a file can go wrong with: a Problem (a whole file or sheet), FileRejected
(a file refused outright) and the progress callback. Below both the reader
(data.importer.read) and its guard (data.importer.guard), which share them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[str, str | None, int], None]


@dataclass
class Problem:
    """A failure that concerns a whole file or sheet (cell failures are vectorised)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    key: str
    values: dict = field(default_factory=dict)
    value: str | None = None


class FileRejected(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.key)
        self.problem = problem
