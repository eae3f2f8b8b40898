"""The briefing as DOCX, with python-docx: a document to edit in WPS or Word.

Headings use the built-in styles Title, Heading 1 and Heading 2 (so the navigation pane
and a table of contents work), tables are real tables (style Table Grid, the header row
repeated on every page), charts are inline pictures. The Chinese typefaces named are the
ones every Chinese Windows and WPS install has (宋体 for text, 黑体 for headings); a DOCX
embeds no font, the reader's machine supplies it.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from briefing.content import Content, Heading, Image, Paragraph, Table
from core import i18n

BODY_EA, HEAD_EA = "宋体", "黑体"
LATIN = "Arial"
INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x6C, 0x75, 0x7D)
DEMO_INK = RGBColor(0x85, 0x4D, 0x0E)
HEAD_FILL, DEMO_FILL = "E7ECF5", "FFF3CD"
MARGIN_MM = 20
TEXT_W_MM = 210 - 2 * MARGIN_MM


def _fonts(style_or_run, east_asian: str, latin: str = LATIN) -> None:
    """Set the Latin and the East Asian typeface (python-docx sets only the Latin one)."""
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _shade(element, fill: str) -> None:
    """Background colour of a paragraph or a table cell."""
    props = (element.get_or_add_pPr() if element.tag == qn("w:p")
             else element.get_or_add_tcPr())
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _styles(doc) -> None:
    styles = doc.styles
    for name, ea, size, bold, colour in (("Normal", BODY_EA, 10.5, False, INK),
                                         ("Title", HEAD_EA, 20, True, INK),
                                         ("Subtitle", BODY_EA, 10, False, MUTED),
                                         ("Heading 1", HEAD_EA, 15, True, INK),
                                         ("Heading 2", HEAD_EA, 12.5, True, INK),
                                         ("Caption", BODY_EA, 8.5, False, MUTED)):
        style = styles[name]
        _fonts(style, ea)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = colour
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.25
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.space_after = Pt(0)
    styles["Heading 1"].paragraph_format.space_before = Pt(14)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    # the template's Title has a blue bottom border; an official briefing has none
    border = styles["Title"].element.pPr.find(qn("w:pBdr")) if styles["Title"].element.pPr \
        is not None else None
    if border is not None:
        styles["Title"].element.pPr.remove(border)


def _footer(doc, content: Content) -> None:
    """Footer text with a live page number field."""
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = content.footer("\x00").partition("\x00")
    for text, field in ((before, None), ("", "PAGE"), (after, None)):
        if not (text or field):
            continue
        run = para.add_run(text)
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
        if field:
            for kind in ("begin", None, "separate", "1", "end"):
                if kind is None:
                    node = OxmlElement("w:instrText")
                    node.set(qn("xml:space"), "preserve")
                    node.text = f" {field} "
                elif kind == "1":  # the number shown until the reader updates the field
                    node = OxmlElement("w:t")
                    node.text = "1"
                else:
                    node = OxmlElement("w:fldChar")
                    node.set(qn("w:fldCharType"), kind)
                run._r.append(node)


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths)
    widths = [Mm(TEXT_W_MM * w / total) for w in block.widths]
    # narrow cell margins (1 mm each side), so the columns hold what the PDF's hold
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 0), ("left", 57), ("bottom", 0), ("right", 57)):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), str(twips))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    table._tbl.tblPr.append(margins)
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for r, cells in enumerate((block.header, *block.rows)):
        row = table.rows[r]
        for c, text in enumerate(cells):
            cell = row.cells[c]
            cell.width = widths[c]
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(0)
            para.paragraph_format.line_spacing = 1.0
            run = para.add_run(text)
            run.font.size = Pt(8.5)
            run.bold = r == 0 or (r - 1) in block.bold_rows
            if r == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _shade(cell._tc, HEAD_FILL)
            elif block.align[c] == "R":
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for c, width in enumerate(widths):
        table.columns[c].width = width


def render(content: Content) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(18)
    _styles(doc)
    props = doc.core_properties
    props.title = f"{content.title}（{content.scope_line}）"
    props.subject = content.as_of_line
    props.author = i18n.text("ui.app_title")
    props.language = "zh-CN" if content.lang == "zh" else "en"
    props.keywords = content.filename_stem

    doc.add_paragraph(content.title, style="Title")
    for line in (content.scope_line, content.as_of_line, content.meta_line):
        doc.add_paragraph(line, style="Subtitle")
    for block in content.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            if block.kind == "note":
                doc.add_paragraph(block.text, style="Caption")
            elif block.kind == "demo":
                para = doc.add_paragraph()
                run = para.add_run(block.text)
                run.bold = True
                run.font.color.rgb = DEMO_INK
                _shade(para._p, DEMO_FILL)
            else:
                para = doc.add_paragraph(block.text)
                para.paragraph_format.first_line_indent = Pt(21)  # two characters
        elif isinstance(block, Table):
            _table(doc, block)
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
        elif isinstance(block, Image):
            para = doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.add_run().add_picture(io.BytesIO(block.chart.png), width=Mm(block.width_mm))
    _footer(doc, content)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
