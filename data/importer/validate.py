"""Checking the rows: every failure, with its file, sheet, Excel row, header and value.

`Checker(sheets, context).run()` turns the sheets read from the files into typed tables
shaped like the schema, and collects every failure into one frame. It never stops at the
first failure: a file with a hundred problems gets a report with a hundred lines.
Everything is column-wise (Arrow compute, numpy, pandas); nothing loops over cells.

The checks by family: `failures` (recording them), `check_values` (one column's cells),
`check_keys` (keys, names, references), `check_rules` (rules across columns, ID cross-checks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.importer import cells
from data.importer.check_keys import KeysAndReferences
from data.importer.check_rules import RULES, Rules
from data.importer.check_values import Values
from data.importer.failures import ERROR_COLUMNS, Context, Parsed
from data.importer.spec import IMPORT_TABLES, Table, norm, strip_unit
from data.importer.text import msg

__all__ = ["ERROR_COLUMNS", "RULES", "Checker", "Context", "Parsed"]


UNIT_SUFFIX = {"元": "_yuan"}  # a schema column name that ends in its unit


class Checker(Values, KeysAndReferences, Rules):
    """Every check, table by table: `Checker(sheets, context).run()`."""

    def run(self) -> dict[str, Parsed]:
        by_table: dict[str, list[int]] = {}
        for i, sh in enumerate(self.sheets):
            by_table.setdefault(sh.table, []).append(i)
        self._header_units()
        for table in IMPORT_TABLES:  # referenced tables first
            if table in by_table:
                self.parsed[table] = self._parse_table(self.specs[table], by_table[table])
        for table, p in self.parsed.items():
            self._keys_and_names(self.specs[table], p)
        for table, p in self.parsed.items():
            self._references(self.specs[table], p)
            self._rules(self.specs[table], p)
        return self.parsed

    def _header_units(self) -> None:
        """A money column must say its unit in its header: 总投资 alone is refused, since
        staff fill it in 元 as often as in 万元 and either reading may be 10,000 times off.
        Only the schema's own name that ends in its unit (amount_yuan) says it by itself."""
        rows = []
        for i, sh in enumerate(self.sheets):
            for col in self.specs[sh.table].columns:
                if not col.is_money or col.name not in sh.mapping:
                    continue
                header = sh.headers[sh.mapping[col.name]]
                head, unit = strip_unit(header)
                if unit is not None or (norm(head) == norm(col.name)
                                        and col.name.endswith(UNIT_SUFFIX.get(col.unit, "\0"))):
                    continue
                name = strip_unit(col.header)[0]
                vals = {"header": header, "name": name, "template": col.header}
                rows.append({"src": i, "row": sh.header_row, "field": col.name, "value": None,
                             "zh": msg("unit_missing", "zh", **vals),
                             "en": msg("unit_missing", "en", **vals), "table": sh.table})
        if rows:
            self.errors.append(pd.DataFrame(rows))

    def _parse_table(self, spec: Table, srcs: list[int]) -> Parsed:
        parts, src, rows = {}, [], []
        for i in srcs:
            sh = self.sheets[i]
            src.append(np.full(len(sh.frame), i, dtype=np.int32))
            rows.append(sh.rows)
        p = Parsed(table=spec.name, frame=pd.DataFrame(), src=np.concatenate(src),
                   rows=np.concatenate(rows))
        n = len(p.src)
        for col in spec.columns:
            pieces, stored_numbers, absent = [], [], []
            for i in srcs:
                sh = self.sheets[i]
                n_rows = len(sh.frame)
                if col.name in sh.mapping:
                    pos = sh.mapping[col.name]
                    pieces.append(sh.frame[pos].reset_index(drop=True))
                    stored_numbers.append(sh.numeric.get(pos, np.zeros(n_rows, dtype=bool)))
                    absent.append(np.zeros(n_rows, dtype=bool))
                else:  # the missing column is reported once, not on every row
                    pieces.append(pd.Series([None] * n_rows, dtype="str"))
                    stored_numbers.append(np.zeros(n_rows, dtype=bool))
                    absent.append(np.ones(n_rows, dtype=bool))
            raw = pieces[0] if len(pieces) == 1 else pd.concat(
                [x.astype("str") if x.dtype != object else x for x in pieces],
                ignore_index=True)
            text, numeric, plain = cells.cells_as_text(raw)
            numeric = numeric | np.concatenate(stored_numbers)
            p.absent[col.name] = np.concatenate(absent)
            p.raw_text[col.name] = plain
            p.norm_text[col.name] = text
            factor = np.ones(n)
            if col.is_money:
                offsets = 0
                for i in srcs:
                    sh = self.sheets[i]
                    factor[offsets:offsets + len(sh.frame)] = sh.factors.get(col.name, 1.0)
                    offsets += len(sh.frame)
            parts[col.name] = self._convert(p, col, text, numeric, factor)
        p.frame = pd.DataFrame(parts)
        return p
