"""The indicator registry: every figure the dashboard shows is defined here, once.

An indicator is an aggregate over one fact table (facts.py) — a count or a sum under a
condition — or a ratio kept as numerator and denominator, so that it recombines correctly
across counties and periods. Pages, the glossary, the exports and the tests read this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from model.facts import FACTS, Fact

REPORT_DATE = date(2020, 8, 14)  # the report on the Lhasa station, August 2020
REPORT_SOURCE_ZH = "菏泽市返乡创业(拉萨)服务站揭牌报道，2020年8月"
REPORT_SOURCE_EN = "Report on the opening of the Lhasa station, August 2020"


@dataclass(frozen=True)
class Measure:
    """count(*) or sum(expr) over the rows of a fact that meet `where`."""

    agg: str  # "count" or "sum"
    expr: str = "*"
    where: str = "TRUE"

    def sql(self, extra: str = "TRUE") -> str:
        cond = f"({self.where}) AND ({extra})"
        if self.agg == "count":
            return f"count(*) FILTER (WHERE {cond})"
        return f"COALESCE(sum({self.expr}) FILTER (WHERE {cond}), 0)::BIGINT"


@dataclass(frozen=True)
class Published:
    """A figure the city published, and how the computed value is compared with it."""

    value: float
    text_zh: str
    text_en: str
    rule: str = "exact"  # exact | at_least | rounded (to the shown precision)
    as_of: date = REPORT_DATE
    step: float = 0.0  # "rounded": the unit of the last digit shown (27.6万 → 1,000)

    def matches(self, value: float) -> bool:
        if self.rule == "exact":
            return value == self.value
        if self.rule == "at_least":
            return value >= self.value
        # "rounded": the value rounds to the published figure at its stated precision
        return abs(value - self.value) <= self.step / 2 + 1e-9


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    name_en: str
    unit: str  # a key of formatting.UNITS
    fact: str
    definition_zh: str
    definition_en: str
    measure: Measure | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    published: Published | None = None
    decimals: int | None = None
    headline: bool = False
    cumulative: bool = True  # a stock that only grows (counts to date) vs a rate

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None

    @property
    def fact_def(self) -> Fact:
        return FACTS[self.fact]

    @property
    def source_tables(self) -> tuple[str, ...]:
        return self.fact_def.tables

    def formula(self, lang: str = "zh") -> str:
        """How it is computed, in words a reader of SQL would recognise."""
        table = self.fact
        if self.is_ratio:
            return f"{_describe(self.numerator, table)} ÷ {_describe(self.denominator, table)}"
        return _describe(self.measure, table)

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def definition(self, lang: str = "zh") -> str:
        return self.definition_zh if lang == "zh" else self.definition_en


def _describe(m: Measure, table: str) -> str:
    head = "count(*)" if m.agg == "count" else f"sum({m.expr})"
    tail = "" if m.where == "TRUE" else f" WHERE {m.where}"
    return f"{head} FROM {table}{tail}"


BIG = "pr.landed_on IS NOT NULL AND pr.investment >= 10000"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "stations", "返乡创业服务站", "Service stations", "station", "stations",
        "在全国各地设立的菏泽市返乡创业服务站总数（市级站与县级站）。",
        "Return-home entrepreneurship stations set up across China, city- and county-level.",
        measure=Measure("count"),
        published=Published(246, "246个", "246"), headline=True,
    ),
    Indicator(
        "stations_city", "市级服务站", "City-level stations", "station", "stations",
        "由菏泽市设立的市级服务站，名称如“菏泽市返乡创业(拉萨)服务站”。",
        "Stations set up by the city, named like 菏泽市返乡创业(拉萨)服务站.",
        measure=Measure("count", where="s.level = 'city'"),
        published=Published(37, "37家", "37"),
    ),
    Indicator(
        "stations_county", "县级服务站", "County-level stations", "station", "stations",
        "由各县区设立的县级服务站，名称为“县区名+返乡创业(驻在城市)服务站”。",
        "Stations sponsored by a county, named “<county>返乡创业(<host city>)服务站”.",
        measure=Measure("count", where="s.level = 'county'"),
        published=Published(209, "209家", "209"),
    ),
    Indicator(
        "station_members", "服务站会员", "Station members", "person", "stations",
        "各服务站登记的会员人数之和。", "Members registered with the stations, added up.",
        measure=Measure("sum", "s.members"),
    ),
    Indicator(
        "outside_people", "在外人员登记", "People registered outside", "person",
        "outside_people",
        "在外人员信息库中登记的在外菏泽籍人员数。",
        "Heze-born people working elsewhere who are in the outside register.",
        measure=Measure("count"),
    ),
    Indicator(
        "return_intention_rate", "返乡意向率", "Return intention rate", "ratio",
        "outside_people",
        "登记在外人员中表示有返乡意向（含已返乡）的比例。",
        "Share of registered people outside who intend to return (or already have).",
        numerator=Measure("count", where="p.return_intention = 'yes'"),
        denominator=Measure("count"),
        cumulative=False,
    ),
    Indicator(
        "returnees", "返乡创业就业", "Returnees", "person", "returnees",
        "2015年以来返乡创业或就业的人数（返乡创业人员信息库）。",
        "People who came home since 2015 to start a business or take a job.",
        measure=Measure("count"),
        published=Published(276_000, "27.6万人", "276,000", rule="rounded", step=1_000), headline=True,
    ),
    Indicator(
        "returnees_referred", "服务站推荐返乡", "Returnees referred by stations", "person",
        "returnees",
        "由服务站推荐、动员返乡的人数。", "Returnees whom a station referred home.",
        measure=Measure("count", where="r.station_id IS NOT NULL"),
    ),
    Indicator(
        "entities", "领办创办经济实体", "Businesses founded", "entity", "entities",
        "返乡人员领办创办的经济实体数：企业、个体工商户、农民专业合作社、家庭农场。",
        "Businesses returnees founded or lead: firms, sole traders, co-operatives, family farms.",
        measure=Measure("count"),
        published=Published(104_000, "10.4万家", "104,000", rule="rounded", step=1_000), headline=True,
    ),
    Indicator(
        "jobs", "带动就业", "Jobs driven", "person", "entities",
        "返乡创业经济实体带动就业的人数之和。", "Jobs provided by the businesses returnees founded.",
        measure=Measure("sum", "e.jobs"),
        published=Published(500_000, "50万+人", "500,000+", rule="at_least"), headline=True,
    ),
    Indicator(
        "big_projects", "过亿元返乡创业项目", "Projects over 100 million yuan", "project",
        "projects",
        "已落地（在建或投产）、总投资1亿元及以上的返乡创业项目个数。",
        "Landed projects (under construction or operating) with investment of 100 million yuan "
        "or more.",
        measure=Measure("count", where=BIG),
        published=Published(201, "201个", "201"), headline=True,
    ),
    Indicator(
        "big_investment", "过亿元项目总投资", "Investment of those projects", "wan_yuan",
        "projects",
        "已落地过亿元返乡创业项目的总投资之和。",
        "Total investment of the landed projects of 100 million yuan or more.",
        measure=Measure("sum", "pr.investment", where=BIG),
        published=Published(5_415_800, "541.58亿元", "54.158 billion yuan", rule="rounded",
                            step=100), headline=True,
    ),
    Indicator(
        "big_station_share", "服务站推荐引进占比", "Share recommended by stations", "ratio",
        "projects",
        "已落地过亿元项目中由服务站推荐引进的比例。",
        "Share of the landed projects over 100 million yuan that a station recommended.",
        numerator=Measure("count", where=f"{BIG} AND pr.station_id IS NOT NULL"),
        denominator=Measure("count", where=BIG),
        published=Published(0.70, "70%", "70%", rule="rounded", step=0.01), decimals=0, headline=True,
        cumulative=False,
    ),
    Indicator(
        "projects", "返乡创业项目", "Projects", "project", "projects",
        "项目信息库中的全部项目（洽谈、签约、在建、投产）。",
        "All projects in the register: negotiating, signed, under construction, operating.",
        measure=Measure("count"),
    ),
    Indicator(
        "project_investment", "项目总投资", "Project investment", "wan_yuan", "projects",
        "项目信息库中全部项目的计划总投资。", "Planned investment of all projects in the register.",
        measure=Measure("sum", "pr.investment"),
    ),
    Indicator(
        "projects_landed", "已落地项目", "Landed projects", "project", "projects",
        "已开工在建或投产的项目个数。", "Projects under construction or operating.",
        measure=Measure("count", where="pr.landed_on IS NOT NULL"),
    ),
    Indicator(
        "investment_landed", "已落地项目投资", "Investment landed", "wan_yuan", "projects",
        "已落地项目的总投资。", "Investment of the projects under construction or operating.",
        measure=Measure("sum", "pr.investment", where="pr.landed_on IS NOT NULL"),
    ),
    Indicator(
        "parks", "返乡创业园区(基地)", "Parks and bases", "park", "parks",
        "园区(基地)信息库中的返乡创业园区、孵化基地和产业基地。",
        "Return-home parks, incubators and industry bases in the parks register.",
        measure=Measure("count"),
    ),
    Indicator(
        "park_tenants", "入驻园区实体", "Park tenants", "entity", "entities",
        "入驻各返乡创业园区(基地)的经济实体数。", "Businesses that are tenants of a park or base.",
        measure=Measure("count", where="e.park_id IS NOT NULL"),
    ),
    Indicator(
        "activities", "服务站活动", "Station events", "event", "activities",
        "服务站组织的走访动员、招聘会、推介会、座谈会场次（不含捐赠）。",
        "Visits, job fairs, promotion meetings and forums held by stations (not donations).",
        measure=Measure("count", where="a.kind <> 'donation'"),
    ),
    Indicator(
        "attendees", "活动参加人次", "Event attendees", "person", "activities",
        "服务站活动的参加人数之和。", "People attending station events, added up.",
        measure=Measure("sum", "a.attendees", where="a.kind <> 'donation'"),
    ),
    Indicator(
        "donations", "捐款捐物", "Donations", "yuan", "activities",
        "服务站及返乡创业企业捐款捐物折合金额（疫情期间约630万元）。",
        "Money and goods donated by stations and returnee businesses (about 6.3 million yuan "
        "during COVID-19).",
        measure=Measure("sum", "a.amount_yuan", where="a.kind = 'donation'"),
        published=Published(6_300_000, "约630万元", "about 6.3 million yuan", rule="rounded",
                            step=100_000),
    ),
)

REGISTRY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
HEADLINE: tuple[str, ...] = tuple(i.key for i in INDICATORS if i.headline)


def get(key: str) -> Indicator:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"未知指标 / unknown indicator: {key}") from None


def by_fact(keys) -> dict[str, list[Indicator]]:
    grouped: dict[str, list[Indicator]] = {}
    for key in keys:
        ind = get(key)
        grouped.setdefault(ind.fact, []).append(ind)
    return grouped
