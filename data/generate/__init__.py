"""Build the synthetic snapshot of the five databases.

    python -m data.generate [--seed S] [--scale K] [--out PATH]

No real records exist, so the built-in snapshot is generated. It is deterministic for a
seed and, at scale 1, reproduces every figure the city published in August 2020 (see
docs/data-and-import.md): 246 stations, 27.6万 returnees, 10.4万 entities, 50万+ jobs, 201 landed projects
over 100 million yuan worth 541.58亿元, 70% of them recommended by stations. `--scale K`
multiplies the volume of people, entities, projects and ordinary activities for benchmarks;
the stations, parks and the dated events the report names stay as they are.

The parts: `common` (the published figures, mixes and helpers), `stations` (stations, parks,
placement on land), `people` (returnees, the outside register), `businesses` (entities, park
tenants), `projects`, `activities`, `generator` (all of them in order), `build` (writing a
file or into the store, in slices above CHUNKED_ABOVE) and `__main__` (the command line).
"""

from data.generate.build import (
    CHUNK_SCALE,
    CHUNKED_ABOVE,
    LOAD_ORDER,
    PEOPLE_TABLES,
    build_into_store,
    build_snapshot,
    chunk_scales,
    prepare,
    write_in_chunks,
    write_tables,
)
from data.generate.common import AS_OF, DEFAULT_SEED, PAUSE_ENV, PAUSED, START, T, Targets
from data.generate.generator import Generator
from data.generate.stations import on_land

__all__ = [
    "AS_OF", "CHUNKED_ABOVE", "CHUNK_SCALE", "DEFAULT_SEED", "LOAD_ORDER", "PAUSED", "PAUSE_ENV",
    "PEOPLE_TABLES", "START", "T", "Generator", "Targets", "build_into_store", "build_snapshot",
    "chunk_scales", "on_land", "prepare", "write_in_chunks", "write_tables",
]
