"""What each importable table looks like, read from data/schema.sql and nothing else.

The Chinese part of every COMMENT ON COLUMN (before " / ") is the column's header in the
templates; a trailing （…） that names a unit stays in the header (注册资本（万元）), any other
trailing （…） or text after "，" becomes a note in 填表说明. Types, NOT NULL, DEFAULT, the
CHECK lists and ranges and the foreign keys come from DuckDB's catalogue after running the
schema, so a column added to the schema appears in the templates and the checks without
editing this file. Only what the schema cannot say lives here: Chinese labels of codes the
comments do not name, header synonyms, plausible date ranges and what a column means
(an ID number, a mobile, a list of industries).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import duckdb

from analytics.text import CODES
from core.i18n import pair
from data.writer import SCHEMA_PATH

# The tables a user imports, in the order their foreign keys allow.
IMPORT_TABLES = ("stations", "parks", "outside_people", "returnees", "entities", "projects",
                 "activities")
REFERENCE_TABLES = ("counties", "townships", "host_cities", "industries")
# One template workbook per database; returnees come with the businesses they founded.
WORKBOOKS: dict[str, tuple[str, ...]] = {
    "stations": ("stations",),
    "outside_people": ("outside_people",),
    "returnees": ("returnees", "entities"),
    "projects": ("projects",),
    "parks": ("parks",),
    "activities": ("activities",),
}
ALL_WORKBOOK = "all"

UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
OTHER_UNITS = ("平方米", "年", "WGS84", "m²")

# Labels of coded values the comments do not give (the comments' own "code 标签" pairs and
# analytics/text.py's labels are read too). The first label is the one shown.
EXTRA_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {"M": ("男", "男性", "male"), "F": ("女", "女性", "female")},
    "enterprise_size": {"micro": ("微型", "微型企业"), "small": ("小型", "小型企业"),
                        "medium": ("中型", "中型企业"), "large": ("大型", "大型企业")},
    "person_group": {"worker": ("务工人员", "农民工")},
    "identity": {"worker": ("务工人员", "农民工")},
    "support": {"none": ("未享受", "无")},
    "level": {"city": ("市级站", "市级"), "county": ("县级站", "县级")},
}
# analytics.text.CODES dimension of each coded column.
TEXT_DIMS = {"level": "level", "stage": "stage", "kind": "kind", "person_group": "group",
             "identity": "identity", "return_intention": "intention", "entity_type": "type",
             "support": "support", "status": "status", "outcome": "outcome"}
TRUE_WORDS = ("是", "有", "true", "yes", "y", "1", "√", "✓", "t")
FALSE_WORDS = ("否", "无", "没有", "false", "no", "n", "0", "×", "✗", "f")
# Header synonyms seen in the city's own exports.
HEADER_SYNONYMS = {
    "id_number": ("身份证号码", "公民身份号码", "身份证"),
    "mobile": ("手机号码", "手机", "联系电话", "联系方式"),
    "head_mobile": ("站长手机号", "站长电话", "站长联系电话"),
    "name": ("姓名",),
}

PROGRAMME_START = date(2015, 1, 1)
# Earliest plausible date per date column (the latest is the as-of date).
DATE_FLOOR = {
    "birth_date": date(1930, 1, 1),
    "opened_on": PROGRAMME_START,  # stations; parks have their own below
    ("parks", "opened_on"): date(1990, 1, 1),
}
# What a column holds, where the schema's type alone does not say.
KIND_BY_NAME = {"id_number": "id_number", "mobile": "mobile", "head_mobile": "mobile",
                "focus_industries": "industry_list"}
REF_KIND = {"counties": "county", "townships": "township", "host_cities": "city",
            "industries": "industry", "stations": "station", "parks": "park",
            "outside_people": "record", "returnees": "record", "entities": "record"}
# Referenced tables a user may name instead of numbering (name column of each).
NAME_COLUMN = {"stations": "name_zh", "parks": "name_zh"}


def norm(text: str) -> str:
    """The form headers and names are compared in: NFKC, no spaces, no * markers."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s*＊]+", "", text).lower()


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    sql_type: str
    required: bool
    default: str | None
    header: str  # Chinese header of the templates
    note: str  # the rest of the Chinese comment
    english: str
    kind: str  # text, int, float, date, bool, code, county, township, township_name, city,
    # industry, industry_list, station, park, record, id_number, mobile
    choices: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # code -> label shown
    aliases: dict[str, str] = field(default_factory=dict)  # norm(word) -> code
    minimum: float | None = None
    minimum_inclusive: bool = True
    maximum: float | None = None
    ref_table: str | None = None
    ref_column: str | None = None
    unit: str | None = None  # 元 / 万元 for amounts; 平方米, 年 … shown only
    nullable: bool = True  # the schema allows NULL (an empty cell stores the default if any)
    fill: object = None  # what an empty cell stores: the DEFAULT's value, else None
    storage: tuple[int, int] | None = None  # smallest and largest value the SQL type holds
    scale: int = 0  # DECIMAL(p, s): decimals kept

    @property
    def is_key(self) -> bool:
        return self.name == key_column(self.table)

    @property
    def is_money(self) -> bool:
        return self.unit in UNITS

    def header_keys(self) -> set[str]:
        """Every normalised header that names this column (units stripped)."""
        keys = {norm(strip_unit(self.header)[0]), norm(self.name)}
        keys.update(norm(s) for s in HEADER_SYNONYMS.get(self.name, ()))
        return keys


@dataclass(frozen=True)
class Table:
    name: str
    title: str  # 服务站信息库
    english: str
    columns: tuple[Column, ...]
    rules: tuple[str, ...]  # multi-column CHECK expressions, as DuckDB prints them
    unique: tuple[str, ...]  # single-column UNIQUE (besides the key)

    @property
    def key(self) -> str:
        return key_column(self.name)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


# What each integer type of DuckDB holds; a value beyond it fails the build, not the check.
INTEGER_RANGES = {
    "TINYINT": (-2**7, 2**7 - 1), "SMALLINT": (-2**15, 2**15 - 1),
    "INTEGER": (-2**31, 2**31 - 1), "BIGINT": (-2**63, 2**63 - 1),
    "HUGEINT": (-2**127, 2**127 - 1), "UTINYINT": (0, 2**8 - 1),
    "USMALLINT": (0, 2**16 - 1), "UINTEGER": (0, 2**32 - 1), "UBIGINT": (0, 2**64 - 1),
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


def storage_range(sql_type: str) -> tuple[tuple[int, int] | None, int]:
    """(smallest, largest) value a column of `sql_type` can hold, in units of its last
    decimal, and how many decimals it keeps: INTEGER holds ±2³¹, DECIMAL(9,2) ±9999999.99."""
    if sql_type in INTEGER_RANGES:
        return INTEGER_RANGES[sql_type], 0
    m = _DECIMAL.match(sql_type)
    if m:
        precision, scale = int(m.group(1)), int(m.group(2))
        return (-(10**precision - 1), 10**precision - 1), scale
    return None, 0


def key_column(table: str) -> str:
    return {"stations": "station_id", "parks": "park_id", "outside_people": "person_id",
            "returnees": "returnee_id", "entities": "entity_id", "projects": "project_id",
            "activities": "activity_id"}[table]


_UNIT_RE = re.compile(r"^(?P<head>.*?)[(（](?P<unit>[^()（）]*)[)）]$")


def strip_unit(header: str) -> tuple[str, str | None]:
    """('总投资', '万元') from '总投资（万元）'; a header without a trailing （…） is kept."""
    text = unicodedata.normalize("NFKC", header).strip()
    m = _UNIT_RE.match(text)
    if not m or not m.group("head"):
        return text, None
    return m.group("head").strip(), m.group("unit").strip()


def split_comment(comment: str) -> tuple[str, str, str, str | None]:
    """(header, note, english, unit) from a column comment.

    The English part is what follows the last " / " when it starts with a Latin letter.
    Of the Chinese part, the header is what comes before "：" and "，", less a trailing
    （…） that is not a unit and less any Latin code words; the rest is the note."""
    zh, en = comment, ""
    seps = list(re.finditer(r"\s?/ (?=[A-Za-z0-9])", comment))
    if seps:
        zh, en = comment[:seps[-1].start()], comment[seps[-1].end():]
    header, note = zh, ""
    if "：" in header:
        header, note = header.split("：", 1)
    notes = [note] if note else []
    unit = None
    m = re.match(r"^(?P<head>.+?)（(?P<inner>[^（）]*)）$", header)
    if m:
        inner = m.group("inner")
        if inner in UNITS or inner in OTHER_UNITS:
            unit = inner
        else:
            header = m.group("head")
            notes.insert(0, inner)
    if "，" in header:
        header, rest = header.split("，", 1)
        notes.insert(0, rest)
    if re.search(r"[A-Za-z]", header) and unit is None:  # 创业 business（…）或 就业 job
        notes.insert(0, header)
        header = re.sub(r"（[^（）]*）|[A-Za-z_]+|\s+", "", header)
    return header.strip(), "；".join(n.strip() for n in notes if n.strip()), en.strip(), unit


def _comment_labels(note: str) -> dict[str, str]:
    """'negotiating 洽谈, signed 签约' -> {'negotiating': '洽谈', 'signed': '签约'}."""
    pairs = re.findall(r"\b([a-z_]+)\s+([\u4e00-\u9fff][^\s,，/;；]*)", note)
    return dict(pairs)


def _bounds(expr: str, col: str) -> tuple[float | None, bool, float | None]:
    quoted = rf'"?{col}"?'
    m = re.fullmatch(rf"\({quoted} (>=|>) (-?\d+)\)", expr)
    if m:
        return float(m.group(2)), m.group(1) == ">=", None
    m = re.fullmatch(rf"\({quoted} BETWEEN (-?\d+) AND (-?\d+)\)", expr)
    if m:
        return float(m.group(1)), True, float(m.group(2))
    return None, True, None


def _default_value(default: str, sql_type: str):
    """The value a DEFAULT expression stores, as Python: 0, False …"""
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT CAST(({default}) AS {sql_type})").fetchone()[0]
    finally:
        con.close()


@cache
def tables() -> dict[str, Table]:
    """Every importable table, as the schema declares it."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
        cols = con.execute("""
            SELECT table_name, column_name, data_type, is_nullable, column_default, comment
            FROM duckdb_columns() ORDER BY table_name, column_index""").fetchall()
        cons = con.execute("""
            SELECT table_name, constraint_type, constraint_column_names, expression,
                   referenced_table, referenced_column_names
            FROM duckdb_constraints()""").fetchall()
        table_comments = dict(con.execute(
            "SELECT table_name, comment FROM duckdb_tables()").fetchall())
    finally:
        con.close()
    out: dict[str, Table] = {}
    for table in IMPORT_TABLES:
        checks: dict[str, str] = {}
        rules, unique, refs = [], [], {}
        for t, kind, names, expr, ref_table, ref_cols in cons:
            if t != table:
                continue
            if kind == "CHECK" and len(set(names)) == 1:
                checks[names[0]] = expr
            elif kind == "CHECK":
                rules.append(expr)
            elif kind == "UNIQUE" and len(names) == 1:
                unique.append(names[0])
            elif kind == "FOREIGN KEY":
                refs[names[0]] = (ref_table, ref_cols[0])
        columns = []
        for t, name, sql_type, nullable, default, comment in cols:
            if t != table:
                continue
            header, note, english, unit = split_comment(comment or name)
            choices: tuple[str, ...] = ()
            expr = checks.get(name, "")
            if " IN (" in expr:
                choices = tuple(re.findall(r"'([^']*)'", expr))
            lo, lo_inc, hi = _bounds(expr, name) if expr else (None, True, None)
            ref_table, ref_column = refs.get(name, (None, None))
            if name in KIND_BY_NAME:
                kind = KIND_BY_NAME[name]
            elif choices:
                kind = "code"
            elif ref_table:
                kind = REF_KIND[ref_table]
            elif table == "parks" and name == "township":
                kind = "township_name"
            elif sql_type == "DATE":
                kind = "date"
            elif sql_type == "BOOLEAN":
                kind = "bool"
            elif sql_type in INTEGER_RANGES:
                kind = "int"
            elif sql_type in ("DOUBLE", "FLOAT") or _DECIMAL.match(sql_type):
                kind = "float"
            else:
                kind = "text"
            labels: dict[str, str] = {}
            aliases: dict[str, str] = {}
            if choices:
                from_comment = _comment_labels(note)
                from_text = CODES.get(TEXT_DIMS.get(name, ""), {})
                extra = EXTRA_LABELS.get(name, {})
                for code in choices:
                    words = [w for w in (*extra.get(code, ()), from_comment.get(code),
                                         from_text.get(code, (None, None))[0],
                                         from_text.get(code, (None, None))[1], code) if w]
                    labels[code] = (extra.get(code) or [None])[0] or from_comment.get(code) \
                        or (from_text.get(code) or [code])[0]
                    for w in words:
                        aliases.setdefault(norm(w), code)
            storage, scale = storage_range(sql_type)
            fill = None if default is None else _default_value(default, sql_type)
            columns.append(Column(
                table=table, name=name, sql_type=sql_type,
                required=not nullable and default is None, default=default,
                header=header, note=note, english=english, kind=kind, choices=choices,
                labels=labels, aliases=aliases, minimum=lo, minimum_inclusive=lo_inc,
                maximum=hi, ref_table=ref_table, ref_column=ref_column, unit=unit,
                nullable=bool(nullable), fill=fill, storage=storage, scale=scale))
        title, _, english = split_comment(table_comments[table])[0:3]
        out[table] = Table(name=table, title=title, english=english, columns=tuple(columns),
                           rules=tuple(rules), unique=tuple(unique))
    return out


def date_floor(table: str, column: str) -> date:
    return DATE_FLOOR.get((table, column)) or DATE_FLOOR.get(column) or PROGRAMME_START


# How a column of each kind is filled in, for 填表说明: a message key of the catalogue.
FORMAT_KEYS = {
    "text": "import.ui.format.text", "int": "import.ui.format.int",
    "float": "import.ui.format.float", "date": "import.ui.format.date",
    "bool": "import.ui.format.bool", "code": "import.ui.format.code",
    "county": "import.ui.format.county", "township": "import.ui.format.township",
    "township_name": "import.ui.format.township", "city": "import.ui.format.city",
    "industry": "import.ui.format.industry", "industry_list": "import.ui.format.industry_list",
    "station": "import.ui.format.station", "park": "import.ui.format.park",
    "record": "import.ui.format.record", "id_number": "import.ui.format.id_number",
    "mobile": "import.ui.format.mobile",
}


def format_zh(c: Column) -> tuple[str, str]:
    """How a column is filled in, for 填表说明: (Chinese, English)."""
    return pair(FORMAT_KEYS[c.kind])
