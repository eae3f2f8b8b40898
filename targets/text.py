"""The words of the targets page and the 完成率 under the cards, Chinese first, English second."""

from __future__ import annotations

from core.formatting import format_value
from model import indicators as reg
from targets.model import LEVEL_KEYS, Completion

STRINGS: dict[str, tuple[str, str]] = {
    "page_targets": ("年度目标", "Annual targets"),
    "year": ("年度", "Year"),
    "as_of_note": ("数据截至{date}，本年已过{elapsed}。",
                   "Data as of {date}; {elapsed} of the year has gone by."),
    "tab_progress": ("完成情况", "Progress"),
    "tab_set": ("设定目标", "Set a target"),
    "tab_import": ("Excel 导入", "Import from Excel"),
    "tab_history": ("历史记录", "History"),
    "city": ("全市", "Whole city"),
    "indicator": ("指标", "Indicator"),
    "county": ("县区", "County"),
    "target": ("年度目标", "Annual target"),
    "done": ("本年完成", "Done this year"),
    "rate": ("完成率", "Completion"),
    "elapsed": ("时间进度", "Time elapsed"),
    "status": ("进度", "Pace"),
    "rank": ("排名", "Rank"),
    "set_by": ("设定人", "Set by"),
    "set_at": ("设定时间", "Set at"),
    "source": ("来源", "Source"),
    "note": ("备注", "Note"),
    "previous": ("原目标", "Previous"),
    "new_value": ("新目标", "New target"),
    "withdrawn_value": ("（已撤销）", "(withdrawn)"),
    "no_targets": ("{year}年尚未设定目标。可在「设定目标」中逐个设定，或在「Excel 导入」中批量导入。",
                   "No targets are set for {year}. Set them one by one under “Set a target”, "
                   "or import them under “Import from Excel”."),
    "pace_rule": ("完成率与时间进度相差不超过5个百分点为“进度正常”，高出更多为“超进度”，落后更多为“滞后”；"
                  "比例类指标（服务站推荐引进占比）达到目标即“已达标”。",
                  "Within 5 percentage points of the time elapsed is “on track”, more above is "
                  "“ahead”, more below is “behind”; a share (recommended by stations) is "
                  "“met” once it reaches its target."),
    "ranking": ("县区完成率排名", "Counties by completion"),
    "over_city": ("{year}年{indicator}：各县区目标合计{counties}，超过全市目标{city}，请核对。",
                  "{year} {indicator}: the county targets add up to {counties}, more than "
                  "the city's {city}; please check."),
    "over_city_import": ("导入后，{year}年{indicator}各县区目标合计{counties}，将超过全市目标{city}。",
                         "After this import the {year} county targets for {indicator} would "
                         "add up to {counties}, more than the city's {city}."),
    "elapsed_mark": ("时间进度", "Time elapsed"),
    "ranking_indicator": ("排名指标", "Rank by"),
    "no_county_targets": ("该指标{year}年没有县区目标。", "No county has a {year} target for this "
                          "indicator."),
    "current": ("现行目标", "Target in force"),
    "none_set": ("未设定", "none"),
    "without_target": ("未设目标：{names}", "No target set: {names}"),
    "value": ("目标值", "Target"),
    "unit": ("单位", "Unit"),
    "save": ("保存目标", "Save target"),
    "withdraw": ("撤销该目标", "Withdraw this target"),
    "saved": ("已保存：{what}", "Saved: {what}"),
    "unchanged": ("目标值与现行目标相同，未作修改。", "The value equals the target in force; nothing "
                  "changed."),
    "withdrawn": ("已撤销：{what}（历史记录保留）", "Withdrawn: {what} (the history is kept)"),
    "confirm_withdraw": ("确认撤销", "Confirm withdrawal"),
    "download_template": ("下载空白模板", "Download the blank template"),
    "download_current": ("下载{year}年现行目标", "Download the {year} targets in force"),
    "upload": ("上传目标文件（.xlsx）", "Upload a targets file (.xlsx)"),
    "import_help": ("模板列：年度、指标、县区（留空为全市）、目标值、单位。文件中任何一行有错误，整个文件都不会导入。",
                    "Template columns: year, indicator, county (blank for the whole city), "
                    "target, unit. If any row is wrong, nothing in the file is imported."),
    "errors_found": ("发现 {n} 处错误，未导入任何目标。请修改后重新上传。",
                     "{n} problems found; nothing was imported. Correct the file and upload it "
                     "again."),
    "download_errors": ("下载错误报告", "Download the error report"),
    "preview": ("文件有效：{n} 个目标（新增 {created}，修改 {changed}，与现行目标相同 {unchanged}）。确认后导入。",
                "The file is valid: {n} targets ({created} new, {changed} changed, {unchanged} "
                "unchanged). Confirm to import."),
    "confirm_import": ("确认导入", "Import"),
    "imported": ("已导入：新增 {created} 个，修改 {changed} 个，未变 {unchanged} 个。",
                 "Imported: {created} new, {changed} changed, {unchanged} unchanged."),
    "history_empty": ("{year}年没有目标变更记录。", "No target changes for {year}."),
    "row": ("行号", "Row"),
    "column": ("列", "Column"),
    "cell_value": ("值", "Value"),
    "problem": ("错误说明", "Problem"),
    "change_kind": ("变更", "Change"),
    "kind_new": ("新增", "new"),
    "kind_changed": ("修改", "changed"),
    "kind_same": ("不变", "unchanged"),
    "source_app": ("页面设定", "set in the app"),
    "source_import": ("文件导入", "imported"),
    "source_cli": ("命令行", "command line"),
    "card": ("{year}年目标 {target} · 完成率 {rate} · 时间进度 {elapsed} · {status}",
             "{year} target {target} · {rate} done · {elapsed} of the year · {status}"),
    "card_short": ("完成率 {rate}", "{rate} of target"),
}

STATUS: dict[str, tuple[str, str]] = {
    "met": ("已完成", "met"),
    "ahead": ("超进度", "ahead"),
    "on_track": ("进度正常", "on track"),
    "behind": ("滞后", "behind"),
    "missed": ("未完成", "missed"),
    "not_started": ("未开始", "not started"),
    "below": ("未达标", "below target"),
}
LEVEL_MET = ("已达标", "met")
# Streamlit's coloured text for each status (green on pace, orange close, red behind).
STATUS_COLOUR = {"met": "green", "ahead": "green", "on_track": "blue", "behind": "red",
                 "missed": "red", "not_started": "gray", "below": "orange"}
# The same colours for charts, on a light page: a bar of 完成率 is coloured by its pace.
STATUS_HEX = {"green": "#2e9d5b", "blue": "#2f6fdf", "red": "#d62728", "gray": "#9aa0a6",
              "orange": "#f08c00"}


def status_hex(status) -> str:
    return STATUS_HEX[STATUS_COLOUR.get(status, "gray")]


def t(key: str, lang: str = "zh", **values) -> str:
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def status_text(key: str, status, lang: str = "zh") -> str:
    """The pace in words (已完成, 超进度 …; a share that reached its target 已达标); "—"
    when there is no target."""
    if not isinstance(status, str) or not status:  # None, or NaN from a table
        return "—"
    pair = LEVEL_MET if key in LEVEL_KEYS and status == "met" else STATUS[status]
    return pair[0] if lang == "zh" else pair[1]


def status_label(comp: Completion, lang: str = "zh") -> str:
    return status_text(comp.key, comp.status, lang)


def percent(share: float, lang: str = "zh") -> str:
    """66.7% (one decimal; 100% and above as they are)."""
    return format_value(share, "ratio", lang, 1)


def card_text(comp: Completion, lang: str = "zh") -> str:
    """The line under a card: target, 完成率, time elapsed and pace."""
    ind = reg.get(comp.key)
    return t("card", lang, year=comp.year,
             target=format_value(comp.target, ind.unit, lang, ind.decimals),
             rate=percent(comp.rate, lang), elapsed=percent(comp.elapsed, lang),
             status=status_label(comp, lang))
