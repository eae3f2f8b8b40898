"""Every message of the importer and every string of the 数据导入 page, Chinese and English.

`msg(key, lang, **values)` formats one. Messages about a cell never repeat the cell's value
when it is personal (ID numbers, mobiles): the report shows those masked.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # -- files -------------------------------------------------------------------------
    "file_missing": ("找不到文件", "file not found"),
    "file_empty": ("文件是空的", "the file is empty"),
    "file_too_big": ("文件超过上传上限 {limit} MB", "the file is larger than the {limit} MB limit"),
    "file_type": ("不支持的文件类型 {ext}：请上传 .xlsx、.xls 或 .csv 文件",
                  "unsupported file type {ext}: upload .xlsx, .xls or .csv"),
    "not_excel": ("文件扩展名为 {ext}，但内容不是有效的 Excel 文件（可能已损坏，或是改了扩展名的其他文件）。"
                  "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
                  "the file is named {ext} but is not a valid Excel file (damaged, or another "
                  "kind of file renamed). Open it in Excel or WPS and save it as .xlsx"),
    "text_as_excel": ("文件扩展名为 {ext}，但内容是文本（网页或 CSV 导出）。请用 Excel 或 WPS 打开后另存为 "
                      ".xlsx，或改用 .csv 扩展名",
                      "the file is named {ext} but holds text (a web page or CSV export). Open "
                      "it in Excel or WPS and save it as .xlsx, or name it .csv"),
    "excel_unreadable": ("Excel 文件无法读取：{detail}", "the Excel file cannot be read: {detail}"),
    "password": ("文件设置了打开密码，请取消密码后再导入",
                 "the file is password-protected; remove the password and import again"),
    "encoding_unknown": ("无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030（检测结果：{guess}）。"
                         "请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”",
                         "cannot tell the file's encoding: it is neither UTF-8 nor GBK/GB18030 "
                         "(detected: {guess}). Save it as “CSV UTF-8 (comma delimited)”"),
    "encoding_mixed": ("文件混用了不同编码：第 {line} 行附近不是 UTF-8，而文件其他部分是 UTF-8。"
                       "请统一另存为“CSV UTF-8（逗号分隔）”",
                       "the file mixes encodings: near line {line} it is not UTF-8 while the "
                       "rest is. Save the whole file as “CSV UTF-8 (comma delimited)”"),
    "csv_broken": ("CSV 文件格式错误（第 {line} 行附近）：{detail}",
                   "the CSV file is malformed (near line {line}): {detail}"),
    "csv_unclosed_quote": ("CSV 文件在引号内结束（文件可能被截断）",
                           "the CSV file ends inside a quoted value (it may be truncated)"),
    "no_header": ("找不到表头：前 {rows} 行中没有一行是模板的列名。请使用数据导入模板，或检查文件编码",
                  "no header found: none of the first {rows} rows holds the template's column "
                  "names. Use the import template, or check the file's encoding"),
    "no_data": ("没有数据：{where}只有表头，没有数据行", "no data: {where}has a header but no rows"),
    "no_sheets": ("工作簿中没有可导入的工作表", "the workbook holds no sheet to import"),
    "table_unknown": ("无法判断该表属于哪个数据库：表头与任何模板都不相符",
                      "cannot tell which database this sheet belongs to: its header matches "
                      "no template"),
    "missing_column": ("缺少必填列“{header}”", "required column “{header}” is missing"),
    "duplicate_column": ("列“{header}”出现了两次（第 {first} 列和第 {second} 列）",
                         "column “{header}” appears twice (columns {first} and {second})"),
    "unit_unknown": ("列“{header}”的单位“{unit}”无法识别，应为 元、万元 或 亿元",
                     "the unit “{unit}” of column “{header}” is not 元, 万元 or 亿元"),
    "ignored_columns": ("已忽略模板中没有的列：{headers}", "columns not in the template were "
                        "ignored: {headers}"),
    "rows_read": ("{file}{sheet}：读取 {rows} 行（{table}）", "{file}{sheet}: {rows} rows read "
                  "({table})"),
    "encoding_used": ("按 {encoding} 编码读取", "read as {encoding}"),
    # -- cells -------------------------------------------------------------------------
    "required": ("必填项为空", "required value is empty"),
    "not_int": ("应为整数", "should be a whole number"),
    "not_number": ("应为数字", "should be a number"),
    "not_date": ("日期无法识别，应写作 2020-08-31、2020/8/31、2020.8.31、2020年8月31日 或 20200831",
                 "not a date; write 2020-08-31, 2020/8/31, 2020.8.31, 2020年8月31日 or "
                 "20200831"),
    "date_not_real": ("日期不存在", "no such date"),
    "date_early": ("日期早于 {floor}，不在项目合理范围内", "date before {floor}, outside the "
                   "programme's plausible range"),
    "date_late": ("日期晚于数据截止日期 {as_of}", "date after the as-of date {as_of}"),
    "not_bool": ("应为“是”或“否”", "should be 是 (yes) or 否 (no)"),
    "not_code": ("不是允许的值，可选：{allowed}", "not an allowed value; choose one of {allowed}"),
    "unknown_county": ("不是菏泽市的县区", "not a county of Heze"),
    "unknown_township": ("不是{county}的乡镇街道", "not a township of {county}"),
    "township_needs_county": ("所属县区无效，无法核对乡镇", "the county is invalid, so the "
                              "township cannot be checked"),
    "unknown_city": ("不是已登记的驻在城市", "not a registered host city"),
    "unknown_industry": ("不是已登记的产业名称或代码", "not a known industry name or code"),
    "unknown_station": ("找不到该服务站（按全称或编号）", "no such station (by full name or id)"),
    "unknown_park": ("找不到该园区（按名称或编号）", "no such park (by name or id)"),
    "unknown_record": ("{target}中没有编号为 {value} 的记录", "{target} has no record {value}"),
    "negative": ("不能为负数", "must not be negative"),
    "not_positive": ("应大于 0", "must be greater than 0"),
    "out_of_range": ("应在 {lo} 到 {hi} 之间", "should be between {lo} and {hi}"),
    "not_whole_unit": ("换算为{unit}后不是整数", "is not a whole number of {unit}"),
    "lon_lat": ("经纬度超出中国范围", "coordinates outside China"),
    "lon_lat_heze": ("经纬度不在菏泽市范围内", "coordinates outside Heze"),
    "too_long": ("内容过长（超过 {n} 个字）", "too long (over {n} characters)"),
    # ID numbers and mobiles
    "id_lost_digits": ("身份证号被 Excel 当成数字保存，后几位已丢失（显示为 3.71722E+17 这类科学计数法）。"
                       "请把该列单元格格式设为“文本”，重新录入或粘贴身份证号后再导入",
                       "Excel stored the ID number as a number and lost its last digits "
                       "(it shows like 3.71722E+17). Set the column's cell format to Text, "
                       "enter the ID numbers again and re-import"),
    "id_15": ("15位旧身份证号，请换成18位身份证号", "an old 15-digit ID number; use the 18-digit one"),
    "id_format": ("身份证号应为18位：17位数字加1位数字或X", "an ID number has 18 characters: 17 "
                  "digits and a digit or X"),
    "id_check": ("身份证号校验位错误（GB 11643），可能有数字录错", "the ID number's check character "
                 "is wrong (GB 11643); a digit may be mistyped"),
    "id_birth": ("身份证号中的出生日期不存在或晚于截止日期", "the birth date in the ID number does not "
                 "exist or is after the as-of date"),
    "id_region": ("身份证号前6位 {code} 不是菏泽市（含原菏泽地区 3729xx、原定陶县 371727）的地区代码",
                  "the region code {code} is not Heze's (today's 3717xx, the former prefecture's "
                  "3729xx or the former Dingtao County's 371727)"),
    "id_region_named": ("身份证号前6位 {code} 是{name}的代码，不属于菏泽市",
                        "region code {code} is {name_en}'s, not Heze's"),
    "id_birth_mismatch": ("出生日期与身份证号不一致", "birth date differs from the ID number"),
    "id_gender_mismatch": ("性别与身份证号不一致（第17位奇数为男、偶数为女）",
                           "gender differs from the ID number (17th digit odd for men, even "
                           "for women)"),
    "age_mismatch": ("返乡时年龄与身份证号推算的年龄（{age}岁）相差超过1岁",
                     "age differs by more than a year from the ID number ({age})"),
    "mobile_format": ("手机号应为11位数字", "a mobile number has 11 digits"),
    "mobile_prefix": ("手机号号段 {prefix} 不存在", "there is no mobile prefix {prefix}"),
    # rows and tables
    "duplicate_key": ("编号重复：与{where}相同", "duplicate id: same as {where}"),
    "duplicate_name": ("名称重复：与{where}相同", "duplicate name: same as {where}"),
    "exists_append": ("编号已存在于当前数据中（追加模式只能新增；要修改请选择“更新”模式）",
                      "this id exists in the current data (append adds new records only; "
                      "choose update to change it)"),
    "rule_level_sponsor": ("市级站不填主办县区，县级站必须填主办县区", "a city-level station has no "
                           "sponsoring county; a county-level one must have one"),
    "rule_landed_stage": ("在建、投产的项目必须有落地日期，洽谈、签约的项目不能有落地日期",
                          "projects under construction or operating need a landing date; "
                          "negotiating or signed ones must not have one"),
    "rule_signed": ("签约、在建、投产的项目必须有签约日期", "signed, building and operating projects "
                    "need a signing date"),
    "rule_signed_before_landed": ("落地日期早于签约日期", "landing date is before the signing date"),
    "rule_station_or_entity": ("服务站和捐赠企业至少填一项", "give a station or a donating business"),
    "rule_outside_once": ("同一在外人员登记对应了多个返乡人员（另见{where}）",
                          "one outside record is linked to several returnees (also {where})"),
    "rule_unknown": ("不满足规则：{rule}", "breaks the rule {rule}"),
    "orphans": ("当前数据中有 {n} 条{table}记录引用的{target}编号在新数据中不存在（如 {examples}）；"
                "请一并导入{table}，或在新数据中保留这些编号",
                "{n} {table} records of the current data refer to {target} ids missing from "
                "the new data (e.g. {examples}); import {table} as well, or keep those ids"),
    "as_of_before_current": ("数据截止日期 {as_of} 早于当前数据的截止日期 {current}，而当前数据中未被替换的部分可能晚于它；"
                             "请使用不早于 {current} 的截止日期，或替换全部数据库",
                             "the as-of date {as_of} is before the current data's {current}, "
                             "whose records kept in this import may be later; use an as-of "
                             "date from {current} on, or replace every database"),
    "build_failed": ("生成快照失败，当前数据保持不变：{detail}", "building the snapshot failed; the "
                     "served data is unchanged: {detail}"),
    # -- what the schema can store, units, one person one record ------------------------
    "out_of_storage": ("超出可保存的范围：应在 {lo} 到 {hi} 之间",
                       "outside what can be stored: between {lo} and {hi}"),
    "out_of_storage_money": ("换算为{unit}后是 {value} {unit}，超过可保存的上限 {hi} {unit}。"
                             "请核对金额的单位：表头写的单位（元、万元 或 亿元）须与所填数字一致",
                             "converted to {unit} this is {value} {unit}, above the largest "
                             "value that can be stored ({hi} {unit}). Check the unit: the "
                             "header's unit (元, 万元 or 亿元) must match the figures"),
    "too_many_decimals": ("最多保留 {n} 位小数", "at most {n} decimals"),
    "unit_missing": ("金额列“{header}”的表头没有写单位。请在表头中注明单位，写作“{name}（元）”、"
                     "“{name}（万元）”或“{name}（亿元）”（模板为“{template}”），以免金额被放大或缩小一万倍",
                     "the money column “{header}” gives no unit. Write the unit in the header: "
                     "“{name}（元）”, “{name}（万元）” or “{name}（亿元）” (the template has "
                     "“{template}”), so that no amount is read 10,000 times too large or small"),
    "duplicate_id_number": ("身份证号重复：与{where}是同一人。每人只能有一条记录",
                            "duplicate ID number: the same person as {where}. One person, one "
                            "record"),
    "duplicate_id_number_stored": ("身份证号重复：当前数据中编号 {record} 的记录已是此人。每人只能有一条记录；"
                                   "要修改该记录，请用“更新”模式并填写编号 {record}",
                                   "duplicate ID number: record {record} of the current data is "
                                   "this person. One person, one record; to change that "
                                   "record, use update with id {record}"),
    # -- files that are hostile, damaged or awkward ---------------------------------------
    "excel_damaged": ("文件已损坏，不是有效的 Excel 工作簿（压缩包中的数据校验失败或内容不完整）。"
                      "请从原始来源重新获取文件，或用 Excel / WPS 打开修复后另存为 .xlsx 再导入",
                      "the file is damaged and not a valid Excel workbook (its contents fail "
                      "their checksums or are incomplete). Get the file again from its source, "
                      "or repair it in Excel or WPS and save it as .xlsx"),
    "xlsx_too_big": ("文件解压后超过 {limit} MB，超出可导入的范围（可能是“压缩炸弹”）。"
                     "请把数据拆成几个文件分别导入",
                     "the file unpacks to more than {limit} MB, beyond what can be imported (it "
                     "may be a zip bomb). Split the data into several files"),
    "sheet_too_big": ("工作表的范围（{rows} 行、{columns} 列）超出 Excel 的上限（{max_rows} 行），"
                      "不是正常的工作表，未读取",
                      "the sheet spans {rows} rows and {columns} columns, beyond Excel's own "
                      "limit of {max_rows} rows; it is not a normal sheet and was not read"),
    "sheet_too_many_cells": ("工作表的数据一直延伸到单元格 {cell}（{rows} 行 × {columns} 列），"
                             "超过可读取的 {limit} 个单元格，未读取。若远处有误填的单元格，请删除后再导入；"
                             "否则请把数据拆成几个文件",
                             "the sheet's data reaches cell {cell} ({rows} rows × {columns} "
                             "columns), more than the {limit} cells that can be read; it was "
                             "not read. Delete any stray far-away cell, or split the data into "
                             "several files"),
    "read_timeout": ("读取文件超过 {minutes} 分钟仍未完成，已停止。文件可能过大或结构异常，请拆分后再导入",
                     "reading the file took more than {minutes} minutes and was stopped. It may "
                     "be too large or malformed; split it and import again"),
    "read_crashed": ("读取文件时超出内存上限（{limit} MB）或读取程序异常退出，已停止，现有数据未受影响。"
                     "文件可能过大、已损坏或是“压缩炸弹”；请检查文件，或拆分后再导入",
                     "reading the file exceeded the memory limit ({limit} MB) or the reader "
                     "stopped abnormally; nothing was changed. The file may be too large, "
                     "damaged or a zip bomb; check it, or split it and import again"),
    "formula_no_value": ("单元格 {cell} 是公式（共 {n} 个这样的单元格），但文件中没有保存计算结果，无法读取其值。"
                         "请用 Excel 或 WPS 打开文件并保存后再导入，或把公式列复制后“选择性粘贴—数值”",
                         "cell {cell} holds a formula without a saved value ({n} such cells), "
                         "so its value cannot be read. Open the file in Excel or WPS and save "
                         "it, or copy the formula columns and paste them as values"),
    "no_header_sheets": ("工作表 {sheets} 的前 {rows} 行中都找不到模板的列名（如“{example}”）。"
                         "请把数据放在以模板列名为表头的工作表中，或使用数据导入模板",
                         "none of the first {rows} rows of the sheets {sheets} holds the "
                         "template's column names (such as “{example}”). Put the data in a sheet "
                         "whose header uses the template's column names, or use the template"),
    "sheets_skipped": ("已跳过不含数据表头的工作表：{sheets}", "sheets without a data header were "
                       "skipped: {sheets}"),
    "header_two_rows": ("表头占两行（第 {first}–{second} 行），已合并读取", "the header spans two rows "
                        "({first}–{second}) and was read as one"),
    "html_unreadable": ("文件扩展名为 {ext}，内容是网页表格，但其中没有可读取的表格：{detail}",
                        "the file is named {ext} and holds a web page, but no table could be "
                        "read from it: {detail}"),
}

UI: dict[str, tuple[str, str]] = {
    "page_title": ("数据导入", "Data import"),
    "intro": ("上传五库数据文件（Excel 或 CSV），先检查，确认后生成新的数据快照并启用。任何一个文件有错误，都不会改变现有数据。",
              "Upload the five databases as Excel or CSV files. They are checked first; only "
              "on confirmation is a new snapshot built and served. A file with any error "
              "changes nothing."),
    "templates": ("下载模板", "Templates"),
    "template_all": ("全部数据库（一个工作簿）", "All databases (one workbook)"),
    "upload": ("上传文件", "Upload files"),
    "upload_help": ("可一次上传多个文件：Excel 或 WPS 表格（.xlsx、.xlsm、.xls、.et），文本（.csv、.txt、.tsv，"
                    "UTF-8 或 GBK）", "Several files at once: Excel or WPS workbooks (.xlsx, "
                    ".xlsm, .xls, .et) and text (.csv, .txt, .tsv; UTF-8 or GBK)"),
    "mode": ("导入方式", "Mode"),
    "mode_replace": ("替换：用文件中的数据库替换现有的同名数据库，其他数据库保持不变",
                     "Replace: the databases in the files replace the current ones; the "
                     "others are kept"),
    "mode_append": ("追加：只新增记录，已存在的编号视为错误", "Append: add new records; an "
                    "existing id is an error"),
    "mode_update": ("更新：新增记录，并用文件内容更新已存在编号的记录", "Update: add new records "
                    "and update the records whose id exists"),
    "as_of": ("数据截止日期", "As-of date"),
    "check": ("检查", "Check"),
    "checking": ("正在检查…", "Checking…"),
    "valid": ("检查通过：共 {rows} 行，可以导入", "All good: {rows} rows, ready to import"),
    "invalid": ("发现 {n} 处错误，文件未导入。请修改后重新上传。", "{n} problems found; nothing was "
                "imported. Correct them and upload again."),
    "report": ("错误报告", "Problems"),
    "download_bad_rows": ("下载有错误的行（含错误说明）", "Download the rows with problems"),
    "confirm": ("确认导入并启用", "Import and serve"),
    "loaded": ("已导入并启用快照 {id}", "Imported and serving snapshot {id}"),
    "changes": ("更新的记录", "Records updated"),
    "history": ("快照历史", "Snapshot history"),
    "compare": ("比较两个快照", "Compare two snapshots"),
    "compare_button": ("比较", "Compare"),
    "promote": ("启用所选快照（回滚）", "Serve the chosen snapshot (roll back)"),
    "promoted": ("已启用快照 {id}", "Now serving snapshot {id}"),
    "current": ("当前", "current"),
    "rows_read_progress": ("已读取 {rows} 行：{file}", "{rows} rows read: {file}"),
    "no_files": ("请先上传文件", "Upload files first"),
    "col_file": ("文件", "File"),
    "col_sheet": ("工作表", "Sheet"),
    "col_row": ("行号", "Row"),
    "col_column": ("列", "Column"),
    "col_value": ("值", "Value"),
    "col_message": ("错误说明", "Problem"),
    "col_id": ("快照编号", "Snapshot"),
    "col_as_of": ("数据截止", "As of"),
    "col_built_at": ("生成时间", "Built at"),
    "col_by": ("导入人", "By"),
    "col_source": ("来源", "Source"),
    "col_mode": ("方式", "Mode"),
    "col_files": ("源文件（SHA-256，行数）", "Source files (SHA-256, rows)"),
    "col_indicator": ("指标", "Indicator"),
    "col_county": ("县区", "County"),
    "col_before": ("快照一", "First"),
    "col_after": ("快照二", "Second"),
    "col_diff": ("差值", "Difference"),
    "col_key": ("编号", "Id"),
    "col_table": ("数据库", "Database"),
    "col_changed": ("变更的列", "Columns changed"),
    "all_counties": ("全市", "Whole city"),
    "synthetic": ("演示数据", "demo"),
    "imported": ("导入数据", "imported"),
    "notes": ("说明", "Notes"),
    "instructions": ("填表说明", "How to fill in"),
    "req_yes": ("是", "yes"),
    "req_no": ("否", "no"),
    "col_header": ("列名", "Column"),
    "col_field": ("字段", "Field"),
    "col_required": ("必填", "Required"),
    "col_format": ("格式", "Format"),
    "col_allowed": ("允许的值", "Allowed values"),
    "col_note": ("说明", "Notes"),
    "error_col": ("错误说明", "Problem"),
    "existing_data": ("现有数据", "current data"),
    "row_in": ("{file}{sheet}第 {row} 行", "{file}{sheet} row {row}"),
    # -- the outcome of a check, a failed load ------------------------------------------
    "summary_line": ("{table}：新增 {added} 条，变更 {changed} 条，无变化 {unchanged} 条，删除 {removed} 条",
                     "{table}: {added} added, {changed} changed, {unchanged} unchanged, "
                     "{removed} removed"),
    "summary": ("导入后的变化", "What the import changes"),
    "col_added": ("新增", "Added"),
    "col_changed_n": ("变更", "Changed"),
    "col_unchanged": ("无变化", "Unchanged"),
    "col_removed": ("删除", "Removed"),
    "changed_rows": ("变更的记录（共 {n} 条）", "Records changed ({n})"),
    "load_failed": ("导入失败，当前数据保持不变，上传的文件已删除。", "The import failed; the served "
                    "data is unchanged and the uploaded files were deleted."),
}


def msg(key: str, lang: str = "zh", **values) -> str:
    zh, en = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)


def ui(key: str, lang: str = "zh", **values) -> str:
    zh, en = UI[key]
    return (zh if lang == "zh" else en).format(**values)
