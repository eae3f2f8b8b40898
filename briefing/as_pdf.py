"""The briefing as PDF, with fpdf2 and the system's Noto Sans CJK SC embedded.

fpdf2 is pure Python (with fontTools): it embeds the CFF-outline CJK collection Debian's
fonts-noto-cjk installs as a CID-keyed font, subset to the characters used, so the PDF
shows Chinese on any reader with no font of its own. Text is laid out here: lines are
broken by `briefing.wrap` with the font's own metrics, tables are fpdf2 tables with those
lines, headings become PDF bookmarks, and a heading never ends a page.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from briefing.content import Content, Heading, Image, Paragraph, Table
from briefing.fonts import cjk_font
from briefing.text import BriefingError
from briefing.wrap import wrap

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20.0, 18.0, 18.0
TEXT_W = PAGE_W - 2 * MARGIN_X
FAMILY = "cjk"

INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (173, 181, 189)
HEAD_FILL = (231, 236, 245)
ZEBRA = (246, 248, 250)
DEMO_FILL = (255, 243, 205)
DEMO_EDGE = (230, 180, 80)
STYLE = {  # size (pt), line height (mm), bold, colour, space before (mm), space after (mm)
    "title": (20, 10.0, True, INK, 0, 2),
    "sub": (10, 5.4, False, MUTED, 0, 0.4),
    "h1": (14, 7.5, True, INK, 5, 2),
    "h2": (11.5, 6.2, True, INK, 3, 1.5),
    "body": (10.5, 6.0, False, INK, 0, 2.4),
    "note": (8.5, 4.6, False, MUTED, 0, 2),
    "demo": (9.5, 5.4, True, (133, 77, 14), 1, 3),
    "table": (8.5, 4.4, False, INK, 0, 1.6),
    "table_head": (8, 4.2, True, INK, 0, 0),
    "footer": (8, 4, False, MUTED, 0, 0),
}
PT_MM = 25.4 / 72
KEEP_TABLE_MM = 110  # tables up to this height are not split across pages


class _Document(FPDF):
    def __init__(self, content: Content):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.content = content
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        font = cjk_font()
        self.add_font(FAMILY, "", font.regular.path,
                      collection_font_number=font.regular.index)
        self.add_font(FAMILY, "B", font.bold.path, collection_font_number=font.bold.index)
        self.set_text_color(*INK)

    def use(self, style: str) -> tuple[float, float]:
        size, height, bold, colour, _before, _after = STYLE[style]
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        return size, height

    def footer(self) -> None:
        self.set_y(-MARGIN_BOTTOM + 6)
        self.use("footer")
        self.cell(0, 4, self.content.footer(self.page_no()), align="C")

    # -- text ----------------------------------------------------------------------------
    def lines(self, text: str, width: float) -> list[str]:
        return wrap(text, width, self.get_string_width)

    def balanced_lines(self, text: str, width: float) -> list[str]:
        """The lines of a table header, as even as they can be without adding one:
        领办创办经济实体 in two lines is 领办创办 / 经济实体, not 领办创办经济实 / 体."""
        lines = self.lines(text, width)
        narrow = width
        while narrow > 4 and len(self.lines(text, narrow - 0.5)) == len(lines):
            narrow -= 0.5
        return self.lines(text, narrow)

    def text_block(self, text: str, style: str, align: str = "L", width: float = TEXT_W,
                   ) -> None:
        _size, height, *_ = STYLE[style]
        before, after = STYLE[style][4], STYLE[style][5]
        self.use(style)
        lines = self.lines(text, width)
        self.room_for(before + height * min(len(lines), 2))
        self.ln(before)
        for line in lines:
            self.set_x(MARGIN_X)
            self.cell(width, height, line, align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(after)

    def room_for(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # -- blocks --------------------------------------------------------------------------
    def demo(self, text: str) -> None:
        _size, height, *_ = STYLE["demo"]
        before, after = STYLE["demo"][4], STYLE["demo"][5]
        self.use("demo")
        pad = 2.5
        lines = self.lines(text, TEXT_W - 2 * pad)
        box_h = height * len(lines) + 2 * pad
        self.room_for(before + box_h)
        self.ln(before)
        y = self.get_y()
        self.set_fill_color(*DEMO_FILL)
        self.set_draw_color(*DEMO_EDGE)
        self.set_line_width(0.3)
        self.rect(MARGIN_X, y, TEXT_W, box_h, style="DF")
        self.set_y(y + pad)
        for line in lines:
            self.set_x(MARGIN_X + pad)
            self.cell(TEXT_W - 2 * pad, height, line, new_x="LMARGIN", new_y="NEXT")
        self.set_y(y + box_h)
        self.ln(after)

    def heading(self, block: Heading, rest: list) -> None:
        style = "h1" if block.level == 1 else "h2"
        _size, height, *_ = STYLE[style]
        before, after = STYLE[style][4], STYLE[style][5]
        self.room_for(self.block_height(block, rest))
        self.ln(before)
        self.use(style)
        self.start_section(block.text, level=block.level - 1)
        self.set_x(MARGIN_X)
        self.multi_cell(TEXT_W, height, block.text, new_x="LMARGIN", new_y="NEXT")
        if block.level == 1:
            self.set_draw_color(*RULE)
            self.set_line_width(0.3)
            self.line(MARGIN_X, self.get_y() + 0.6, MARGIN_X + TEXT_W, self.get_y() + 0.6)
        self.ln(after)

    def block_height(self, block, rest: list) -> float:
        """About how much room the start of `block` needs: a heading keeps its next block
        (and that block's own next one, if a heading too) on the same page."""
        if isinstance(block, Heading):
            style = STYLE["h1" if block.level == 1 else "h2"]
            own = style[4] + style[1] + style[5]
            return own + (self.block_height(rest[0], rest[1:]) if rest else 0)
        if isinstance(block, Image):  # as small as it may be drawn, with its note
            return block.width_mm * block.chart.aspect * block.min_scale + 2 + \
                self.note_height(rest)
        if isinstance(block, Table):  # a short table stays whole, a long one may run on
            row = STYLE["table"][1] + 1.8
            whole = STYLE["table_head"][1] * 3 + 1.8 + row * len(block.rows)
            return whole if whole <= KEEP_TABLE_MM else STYLE["table_head"][1] * 3 + row * 3
        return STYLE["body"][1] * 2

    def note_height(self, rest: list) -> float:
        """The height of the note under a picture, if the next block is one."""
        if not (rest and isinstance(rest[0], Paragraph) and rest[0].kind == "note"):
            return 0.0
        self.use("note")
        _size, line, *_ = STYLE["note"]
        return line * len(self.lines(rest[0].text, TEXT_W)) + STYLE["note"][5]

    def picture(self, block: Image, rest: list) -> None:
        """The picture at its width if it fits the rest of the page, else as large as
        fits there (centred, not less than its min_scale), else on the next page.
        Its note, if one follows, stays on the page with it."""
        full = block.width_mm * block.chart.aspect
        note = self.note_height(rest)
        room = self.page_break_trigger - self.get_y() - 2 - note
        scale = 1.0 if full <= room else room / full
        if scale < block.min_scale:
            self.add_page()
            scale = min(1.0, (self.page_break_trigger - self.get_y() - 2 - note) / full)
        width, height = block.width_mm * scale, full * scale
        x = MARGIN_X + (TEXT_W - width) / 2
        self.image(io.BytesIO(block.chart.png), x=x, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 2)

    def grid(self, block: Table) -> None:
        size, height, *_ = STYLE["table"]
        total = sum(block.widths)
        widths = [TEXT_W * w / total for w in block.widths]
        pad = 1.2
        self.use("table")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.room_for(self.block_height(block, []))
        head_size = STYLE["table_head"][0]
        heading = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=INK, size_pt=head_size)
        bold = FontFace(emphasis="BOLD", color=INK)
        self.set_fill_color(255, 255, 255)
        with self.table(col_widths=widths, width=TEXT_W, line_height=height,
                        headings_style=heading, padding=(0.9, pad, 0.9, pad),
                        cell_fill_color=ZEBRA, cell_fill_mode="ROWS",
                        text_align="LEFT", v_align="MIDDLE", repeat_headings=1) as table:
            self.set_font(FAMILY, "B", head_size)
            row = table.row()
            for text, w, al in zip(block.header, widths, block.align, strict=True):
                row.cell("\n".join(self.balanced_lines(text, w - 2 * pad - 0.3)),
                         align="C" if al == "R" else "L")
            for i, cells in enumerate(block.rows):
                self.set_font(FAMILY, "B" if i in block.bold_rows else "", size)
                row = table.row(style=bold if i in block.bold_rows else None)
                for text, w, al in zip(cells, widths, block.align, strict=True):
                    row.cell("\n".join(self.lines(text, w - 2 * pad - 0.3)), align=al)
            self.use("table")
        self.ln(STYLE["table"][5])


def render(content: Content) -> bytes:
    pdf = _Document(content)
    pdf.set_title(f"{content.title}（{content.scope_line}）")
    pdf.set_subject(content.as_of_line)
    pdf.set_creator("菏泽市返乡创业数据看板 / Heze returnee dashboard")
    pdf.set_lang("zh-CN" if content.lang == "zh" else "en")
    pdf.add_page()
    pdf.text_block(content.title, "title", align="C")
    pdf.text_block(content.scope_line, "sub", align="C")
    pdf.text_block(content.as_of_line, "sub", align="C")
    pdf.text_block(content.meta_line, "sub", align="C")
    pdf.ln(3)
    blocks = content.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            pdf.heading(block, blocks[i + 1:i + 4])
        elif isinstance(block, Paragraph):
            if block.kind == "demo":
                pdf.demo(block.text)
            else:
                pdf.text_block(block.text, "note" if block.kind == "note" else "body")
        elif isinstance(block, Table):
            pdf.grid(block)
        elif isinstance(block, Image):
            pdf.picture(block, blocks[i + 1:i + 2])
    data = bytes(pdf.output())
    missing = sorted({chr(c) for font in pdf.fonts.values()
                      for c in getattr(font, "missing_glyphs", [])})
    if missing:
        raise BriefingError("missing_glyphs", value="".join(missing))
    return data
