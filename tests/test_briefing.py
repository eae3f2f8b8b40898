"""领导简报: the DOCX and the PDF read back as a reader would get them.

The PDF is turned into text (pdftotext) and page images (pdftoppm), its fonts listed
(pdffonts); the DOCX is opened with python-docx. Expected figures come from the published
facts (the unfiltered view of the scale-1 snapshot), or from Analytics and plain pandas for
a county; none from the briefing's own code.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import duckdb
import pytest
from PIL import Image as PILImage

from analytics.queries import Analytics
from briefing import BriefingError, build, charts, periods
from briefing.content import Paragraph, Table, compose
from briefing.wrap import NO_LINE_END, NO_LINE_START, wrap
from core.formatting import format_change, format_value
from model import indicators as reg
from model.filters import Filter

CAO = 371721  # 曹县
AS_OF = date(2020, 8, 31)
TITLE = "菏泽市返乡创业工作领导简报"
# The headline figures of the unfiltered scale-1 snapshot (docs/data-and-import.md, "The
# synthetic snapshot"):
# 246 stations, 27.6万 returnees, 10.4万 businesses, 50.3万 jobs, 201 projects over 1亿
# worth 541.58亿元, 141 of 201 = 70% recommended by stations.
PUBLISHED = {
    "stations": "246个",
    "returnees": "27.6万人",
    "entities": "10.4万家",
    "jobs": "50.3万人",
    "big_projects": "201个",
    "big_investment": "541.58亿元",
    "big_station_share": "70%",
}
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdffonts"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdftoppm, pdffonts) is not installed; "
    ".ci/run installs it")


# -- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def analytics(db) -> Analytics:
    return Analytics(db)


@pytest.fixture(scope="module")
def city(analytics):
    return build(analytics, Filter(), "zh")


@pytest.fixture(scope="module")
def cao(analytics):
    return build(analytics, Filter(counties=[CAO]), "zh")


@pytest.fixture(scope="module")
def files(tmp_path_factory, city, cao) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("briefings")
    out = {}
    for name, b in (("city", city), ("cao", cao)):
        for ext, data in (("pdf", b.pdf), ("docx", b.docx)):
            path = folder / f"{name}.{ext}"
            path.write_bytes(data)
            out[f"{name}.{ext}"] = path
    return out


def pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def docx_text(path: Path) -> tuple[docx.document.Document, str]:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return document, "\n".join(parts)


def headline_rows_of_docx(document) -> dict[str, list[str]]:
    """The headline table (the first one): indicator name -> its cells."""
    table = document.tables[0]
    return {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}


def pdf_line_with(text: str, name: str) -> str:
    lines = [line for line in text.splitlines() if line.strip().startswith(name)]
    assert lines, f"no line starts with {name}"
    return lines[0]


# -- the figures ---------------------------------------------------------------------------

@needs_poppler
def test_the_city_briefing_prints_every_published_headline_figure_beside_its_name(files):
    layout = pdf_text(files["city.pdf"], "-layout")
    document, _ = docx_text(files["city.docx"])
    rows = headline_rows_of_docx(document)
    for key, figure in PUBLISHED.items():
        name = reg.get(key).name_zh
        assert figure in pdf_line_with(layout, name).split(), (key, figure)
        assert rows[name][1] == figure, (key, rows[name])


@needs_poppler
def test_a_county_briefing_prints_the_county_figures_and_their_change_since_a_year_before(
        files, analytics):
    now = analytics.values(reg.HEADLINE, Filter(counties=[CAO]))
    # the base is the end of August 2019 exactly, not 365 days back (2020 is a leap year)
    base = analytics.values(reg.HEADLINE, Filter(counties=[CAO], end=date(2019, 8, 31)))
    layout = pdf_text(files["cao.pdf"], "-layout")
    document, _ = docx_text(files["cao.docx"])
    rows = headline_rows_of_docx(document)
    for key in reg.HEADLINE:
        ind = reg.get(key)
        value = format_value(now[key].value, ind.unit, "zh", ind.decimals)
        change = format_change(now[key].value - base[key].value, ind.unit, "zh")
        cells = pdf_line_with(layout, ind.name_zh).split()
        assert cells[1:3] == [value, change], (key, cells)
        assert rows[ind.name_zh][1:3] == [value, change], (key, rows[ind.name_zh])
    assert now["returnees"].value < 100_000  # really the county, not the city


def test_the_change_column_names_its_base(city, cao):
    for b in (city, cao):
        document = docx.Document(io.BytesIO(b.docx))
        assert document.tables[0].rows[0].cells[2].text == "较2019年8月底增减"


def test_the_year_before_is_the_same_calendar_day_and_month_ends_stay_month_ends():
    assert periods.year_before(date(2020, 8, 31)) == date(2019, 8, 31)
    assert periods.year_before(date(2020, 2, 29)) == date(2019, 2, 28)
    assert periods.year_before(date(2020, 8, 14)) == date(2019, 8, 14)
    assert periods.year_before(date(2019, 2, 28)) == date(2018, 2, 28)
    same_period = periods.base_filter(Filter(start=date(2020, 1, 1)), date(2020, 6, 30))
    assert (same_period.start, same_period.end) == (date(2019, 1, 1), date(2019, 6, 30))
    assert periods.day_label(date(2019, 8, 31), "zh") == "2019年8月底"
    assert periods.day_label(date(2019, 8, 14), "zh") == "2019年8月14日"


def test_the_partial_current_year_is_labelled_with_its_months():
    first = date(2015, 1, 1)
    assert periods.year_label(2020, first, AS_OF, "zh") == "2020年1–8月"
    assert periods.year_label(2019, first, AS_OF, "zh") == "2019年"
    assert periods.year_label(2020, first, date(2020, 8, 14), "zh") == "2020年1月1日–8月14日"
    assert periods.year_label(2019, date(2019, 3, 1), AS_OF, "zh") == "2019年3–12月"


# -- title, note, language -----------------------------------------------------------------

@needs_poppler
def test_the_title_names_the_filter_and_the_as_of_date(files, analytics):
    for name, f in (("city", Filter()), ("cao", Filter(counties=[CAO]))):
        described = analytics.describe(f, "zh")
        first_page = pdf_text(files[f"{name}.pdf"], "-l", "1")
        head = first_page[:first_page.index("一、主要指标")]
        assert TITLE in head and described in head and "数据截至2020年8月31日" in head
        document = docx.Document(str(files[f"{name}.docx"]))
        top = [p for p in document.paragraphs[:4]]
        assert top[0].style.name == "Title" and top[0].text == TITLE
        assert any(described in p.text for p in top[1:])
        assert any("数据截至2020年8月31日" in p.text for p in top[1:])
    assert "曹县" in analytics.describe(Filter(counties=[CAO]), "zh")


@needs_poppler
def test_the_demo_note_is_printed_when_the_snapshot_is_synthetic(files, analytics):
    assert analytics.snapshot.is_synthetic
    for name in ("city", "cao"):
        assert "演示数据：" in pdf_text(files[f"{name}.pdf"])
        assert "演示数据：" in docx_text(files[f"{name}.docx"])[1]


def test_an_imported_snapshot_gets_no_demo_note(snapshot_file, tmp_path):
    copy = tmp_path / "imported.duckdb"
    shutil.copy(snapshot_file, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE snapshot SET source = 'imported'")
    con.close()
    content = compose(Analytics(duckdb.connect(str(copy), read_only=True)), Filter(), "zh")
    assert content.demo_note is None
    assert not [b for b in content.blocks if isinstance(b, Paragraph) and b.kind == "demo"]


@needs_poppler
def test_chinese_is_embedded_in_the_pdf_and_drawn_where_the_title_is(files, tmp_path):
    fonts = subprocess.run(["pdffonts", str(files["city.pdf"])], check=True,
                           capture_output=True, text=True).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # emb column
    # where pdftotext places the title, the page image has ink
    bbox = pdf_text(files["city.pdf"], "-bbox", "-l", "1")
    match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      rf'yMax="([\d.]+)">{TITLE}</word>', bbox)
    assert match, "the title is not a word of page 1"
    dpi = 72
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-gray",
                    str(files["city.pdf"]), str(tmp_path / "page")], check=True)
    page = PILImage.open(next(tmp_path.glob("page*.png"))).convert("L")
    x0, y0, x1, y1 = (round(float(v) * dpi / 72) for v in match.groups())
    dark = ink(page.crop((x0, y0, x1, y1)))
    assert dark > 0.08, f"title area is {dark:.0%} ink"
    assert ink(page.crop((x0, y1 + 200, x1, y1 + 200 + (y1 - y0)))) < dark  # it is the title's


def ink(image) -> float:
    """The share of dark pixels of a grey image."""
    histogram = image.histogram()
    return sum(histogram[:100]) / sum(histogram)


def test_a_chart_whose_font_lacks_chinese_is_refused_rather_than_drawn_as_boxes(monkeypatch):
    import matplotlib

    charts._configure()
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    with pytest.raises(BriefingError) as caught:
        charts.horizontal_bars(["曹县"], [3], ["3个"], "zh", "项目")
    assert "字体缺少" in caught.value.zh


# -- structure -----------------------------------------------------------------------------

def test_the_docx_has_real_headings_tables_and_pictures(city, cao):
    for b in (city, cao):
        document = docx.Document(io.BytesIO(b.docx))
        styles = [p.style.name for p in document.paragraphs]
        assert styles.count("Heading 1") == 5 and styles.count("Heading 2") >= 6
        assert len(document.tables) == 4  # headline, stations, counties, definitions
        assert len(document.inline_shapes) == 4  # three charts and the map
        assert document.tables[1].rows[0].cells[1].text == "服务站"


@needs_poppler
def test_every_chart_and_the_map_are_in_the_pdf(files):
    listing = subprocess.run(["pdfimages", "-list", str(files["city.pdf"])],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        pytest.skip("pdfimages not available")
    assert len([line for line in listing.stdout.splitlines()[2:] if " image " in line]) == 4


def test_the_station_ranking_is_the_top_ten_of_analytics(analytics, city):
    top = analytics.station_ranking(Filter()).head(10)
    table = docx.Document(io.BytesIO(city.docx)).tables[1]
    assert [r.cells[1].text for r in table.rows[1:]] == list(top["name_zh"])
    assert [r.cells[5].text for r in table.rows[1:]] == [f"{v:,}" for v in
                                                          top["returnees_referred"]]


def test_the_county_ranking_lists_every_county_and_marks_the_chosen_one(analytics, cao):
    table = docx.Document(io.BytesIO(cao.docx)).tables[2]
    names = [r.cells[1].text for r in table.rows[1:]]
    assert len(names) == len(analytics.counties())
    row = table.rows[1 + names.index("曹县")]
    assert all(run.bold for run in row.cells[1].paragraphs[0].runs)
    other = table.rows[1 + names.index("单县")]
    assert not any(run.bold for run in other.cells[1].paragraphs[0].runs)


def test_person_data_never_appears(files):
    for name in ("city", "cao"):
        text = docx_text(files[f"{name}.docx"])[1]
        if POPPLER:
            text += pdf_text(files[f"{name}.pdf"])
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # a mobile number
        assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", text)  # an ID number


# -- the narrative -------------------------------------------------------------------------

def _returnees_by_county(analytics, end):
    df = analytics.breakdown(["returnees"], "county", Filter(end=end))
    return dict(zip(df["name_zh"], df["returnees"], strict=True))


def test_the_city_narrative_names_the_counties_that_grew_most(analytics, city):
    now = _returnees_by_county(analytics, None)
    before = _returnees_by_county(analytics, date(2019, 8, 31))
    growth = sorted(((now[c] - before[c], c) for c in now), reverse=True)
    first, second = growth[0], growth[1]
    text = docx_text_of(city)
    expected = (f"返乡创业就业增加最多的是{first[1]}（{format_change(first[0], 'person', 'zh')}）、"
                f"{second[1]}（{format_change(second[0], 'person', 'zh')}）")
    assert expected in text


def test_a_county_narrative_gives_its_rank_among_the_counties(analytics, cao):
    now = _returnees_by_county(analytics, None)
    rank = 1 + sum(1 for v in now.values() if v > now["曹县"])
    share = format_value(now["曹县"] / sum(now.values()), "ratio", "zh", 1)
    text = docx_text_of(cao)
    assert (f"曹县返乡创业就业{format_value(now['曹县'], 'person', 'zh')}，"
            f"在全市{len(now)}个县区中居第{rank}位，占全市的{share}。") in text


def docx_text_of(b) -> str:
    document = docx.Document(io.BytesIO(b.docx))
    return "\n".join(p.text for p in document.paragraphs)


# -- targets -------------------------------------------------------------------------------

def _headline_table(content) -> Table:
    return next(b for b in content.blocks if isinstance(b, Table))


def test_targets_add_the_year_so_far_and_the_completion_rate(analytics):
    content = compose(analytics, Filter(), "zh", targets={"returnees": (35_000, 2020)})
    table = _headline_table(content)
    assert table.header[-3:] == ("2020年目标", "2020年完成", "完成率")
    so_far = analytics.value("returnees", Filter(start=date(2020, 1, 1), end=AS_OF)).value
    row = next(r for r in table.rows if r[0] == "返乡创业就业")
    assert row[-3:] == ("3.5万人", format_value(so_far, "person", "zh"),
                        format_value(so_far / 35_000, "ratio", "zh", 1))
    untargeted = next(r for r in table.rows if r[0] == "带动就业")
    assert untargeted[-3:] == ("—", "—", "—")
    elapsed = [b.text for b in content.blocks if isinstance(b, Paragraph)
               and "时间进度为" in b.text]
    assert elapsed == ["截至2020年8月31日，2020年时间进度为66.7%。"]  # 244 of 366 days


def test_without_targets_no_completion_is_shown(city):
    document = docx.Document(io.BytesIO(city.docx))
    assert len(document.tables[0].columns) == 4
    assert "完成率" not in "\n".join(c.text for row in document.tables[0].rows
                                   for c in row.cells)


def test_a_target_for_an_unknown_indicator_is_refused(analytics):
    with pytest.raises(BriefingError) as caught:
        compose(analytics, Filter(), "zh", targets={"returnes": (1, 2020)})
    assert "returnes" in caught.value.zh and "returnes" in caught.value.en


# -- line breaking -------------------------------------------------------------------------

def test_lines_never_split_a_number_from_its_unit_nor_start_with_closing_punctuation():
    text = ("截至2020年8月31日，全市累计返乡创业就业27.6万人，领办创办经济实体10.4万家（较上年"
            "增加2.7万家），总投资541.58亿元。")
    for width in range(6, 30):
        lines = wrap(text, width, len)
        assert "".join(lines) == text
        for line in lines:
            assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END, lines
        joined = "|".join(lines)
        for figure in ("27.6万人", "10.4万家", "2.7万家", "541.58亿元", "2020年"):
            assert figure in joined, (width, lines)


# -- the map -------------------------------------------------------------------------------

def test_the_map_keeps_all_of_china_and_the_south_china_sea_islands_in_their_inset():
    g = charts._load_geometry()
    x0, y0, x1, y1 = g.main_box
    from data import geography as geo

    for row in geo.province_polygons():
        for lon, lat in row["polygon"]:
            if lat >= charts.SOUTH_EDGE:
                x, y = charts.albers(lon, lat)
                assert x0 <= x <= x1 and y0 <= y <= y1, (row["name"], lon, lat)
    ix0, iy0, ix1, iy1 = g.inset_box
    dashes = [p for path in g.lines["nine_dash_line"] for p in path]
    assert len(g.lines["nine_dash_line"]) == 9
    assert all(ix0 <= x <= ix1 and iy0 <= y <= iy1 for x, y in dashes)
    # the inset covers no land of the main map: Taiwan lies wholly above it
    rx, ry, rw, rh = g.inset_rect
    taiwan = [charts.albers(lon, lat) for row in geo.province_polygons()
              if row["adcode"] == 710000 for lon, lat in row["polygon"]]
    assert min(y for _x, y in taiwan) > ry + rh
    assert rx + rw <= x1 and ry >= y0


# -- the command line ----------------------------------------------------------------------

def test_the_command_writes_both_files_for_a_month_and_a_county(snapshot_file, tmp_path,
                                                               monkeypatch, capsys):
    from briefing.__main__ import main

    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    assert main(["--out", str(tmp_path), "--month", "2020-06", "--county", "曹县"]) == 0
    pdf, docx_file = tmp_path / "briefing.pdf", tmp_path / "briefing.docx"
    assert pdf.read_bytes()[:5] == b"%PDF-" and docx_file.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.docx", "briefing.pdf"]
    document = docx.Document(str(docx_file))
    subtitle = "\n".join(p.text for p in document.paragraphs[1:4])
    assert "曹县" in subtitle and "2020-06-30" in subtitle and "数据截至2020年6月30日" in subtitle
    assert document.tables[0].rows[0].cells[2].text == "较2019年6月底增减"


@pytest.mark.parametrize("argv, says", [
    (["--month", "2020-13"], "月份格式"),
    (["--month", "August"], "月份格式"),
    (["--county", "曹"], "未知的县区"),
    (["--lang", "fr"], "语言只能是"),
])
def test_the_command_refuses_bad_input_in_both_languages_and_writes_nothing(
        snapshot_file, tmp_path, monkeypatch, capsys, argv, says):
    from briefing.__main__ import main

    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    with pytest.raises(SystemExit) as exit_:
        main(["--out", str(tmp_path), *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and " / " in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_english_briefing_reads_in_english(analytics):
    content = compose(analytics, Filter(counties=[CAO]), "en")
    assert content.title.startswith("Heze") and "Cao County" in content.scope_line
    table = _headline_table(content)
    assert table.header[2] == "Change vs end of August 2019"
    assert ("Returnees", format_value(analytics.value("returnees", Filter(counties=[CAO])).value,
                                      "person", "en")) == table.rows[1][:2]


def test_county_staff_get_their_county_named_and_no_other_county(db):
    scoped = Analytics(db, county_scope=[CAO])
    content = compose(scoped, Filter(), "zh")
    assert "曹县" in content.scope_line and "曹县" in content.filename_stem
    text = "\n".join(b.text for b in content.blocks if isinstance(b, Paragraph))
    assert "截至2020年8月31日，曹县累计返乡创业就业" in text
    ranking = [b for b in content.blocks if isinstance(b, Table)][2]
    assert [row[1] for row in ranking.rows] == ["曹县"]
    assert "单县" not in text and "全市11个县区" not in text
