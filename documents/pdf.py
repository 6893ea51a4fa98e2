"""PDF of a documents.layout.Document, with fpdf2 and the DejaVu Serif font shipped in
documents/fonts (every Vietnamese letter; embedded as a subset, so the PDF reads the same
everywhere). Page margins and sizes follow Nghị định 30/2020 (A4; left 30 mm, right 15 mm)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .layout import Appendix, Block, Document, Para, Signature, Table, clean

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
FONT_FILES = {
    "": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}
BODY_SIZE = 12.5
LINE = 6.2  # mm per body line
ALIGN = {"left": "L", "center": "C", "right": "R", "justify": "J"}


class Pdf(FPDF):
    """An A4 page set with the project's font; subclasses (certificates) draw on it."""

    def __init__(self, *, landscape: bool = False, title: str = "", author: str = ""):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style=style, fname=str(FONT_DIR / name))
        self.set_margins(30, 20, 15)
        self.set_auto_page_break(True, margin=20)
        self.set_font(FONT, size=BODY_SIZE)
        self.set_title(clean(title))
        if author:
            self.set_author(clean(author))
        self.set_creator("Dân vận khéo")
        self.alias_nb_pages()

    def footer(self) -> None:
        if self.page_no() > 1:
            self.set_y(-14)
            self.set_font(FONT, size=9)
            self.cell(0, 5, str(self.page_no()), align="C")

    # -- blocks -----------------------------------------------------------------------------

    def lines_at(self, x: float, y: float, w: float, lines, *, size: float, h: float) -> float:
        """Centred lines in a column [x, x+w] from y; each line is (text, style). Returns the
        y below them."""
        for text, style in lines:
            self.set_xy(x, y)
            self.set_font(FONT, style=style.replace("U", ""), size=size)
            self.multi_cell(w, h, clean(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if "U" in style:
                width = min(self.get_string_width(clean(text)), w)
                self.line(
                    x + (w - width) / 2, self.get_y() - 0.6, x + (w + width) / 2, self.get_y() - 0.6
                )
            y = self.get_y()
        return y

    def para(self, block: Para) -> None:
        size = block.size or BODY_SIZE
        style = ("B" if block.bold else "") + ("I" if block.italic else "")
        indent = 10 if block.indent and block.align in ("justify", "left") else 0
        self.set_x(self.l_margin)
        with (
            self.text_columns(
                text_align=ALIGN[block.align], l_margin=self.l_margin, r_margin=self.r_margin
            ) as columns,
            columns.paragraph(
                text_align=ALIGN[block.align],
                first_line_indent=indent,
                bottom_margin=1.8,
                line_height=1.3,
            ) as paragraph,
        ):
            if block.lead:
                self.set_font(FONT, style="B" + style.replace("B", ""), size=size)
                paragraph.write(clean(block.lead) + " ")
            self.set_font(FONT, style=style, size=size)
            paragraph.write(clean(block.text))
        self.set_font(FONT, size=BODY_SIZE)

    def table_block(self, block: Table) -> None:
        size = block.size or 10.5
        self.set_font(FONT, size=size)
        total = sum(block.widths)
        usable = self.epw
        widths = tuple(usable * w / total for w in block.widths)
        self.set_x(self.l_margin)
        with self.table(
            col_widths=widths,
            text_align=tuple(ALIGN[block.column_align(i)] for i in range(len(block.columns))),
            line_height=size * 0.5,
            first_row_as_headings=True,
            headings_style=_heading_style(),
            repeat_headings=1,
            padding=1.2,
        ) as table:
            header = table.row()
            for name in block.columns:
                header.cell(clean(name), align="C")
            for values in block.rows:
                row = table.row()
                if len(values) == 1 and len(block.columns) > 1:
                    row.cell(clean(values[0]), colspan=len(block.columns), align="L")
                    continue
                for value in values:
                    row.cell(clean(value))
        self.ln(2)
        self.set_font(FONT, size=BODY_SIZE)

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Para):
                self.para(block)
            else:
                self.table_block(block)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


def render(document: Document) -> bytes:
    pdf = Pdf(landscape=document.landscape, title=_title(document), author=document.author)
    pdf.add_page()
    _header(pdf, document)
    _title_block(pdf, document.title, document.subject)
    pdf.blocks(document.body)
    _closing(pdf, document.recipients, document.signature)
    for appendix in document.appendices:
        _appendix(pdf, appendix)
    return bytes(pdf.output())


def _title(document: Document) -> str:
    return " ".join([document.title.capitalize(), *document.subject]).strip()


def _header(pdf: Pdf, document: Document) -> None:
    header = document.header
    if header is None:
        return
    top = pdf.get_y()
    left_w = 78
    x_left = pdf.l_margin - 12  # the issuer's column starts in the margin, as printed forms do
    right_x = x_left + left_w + 4
    right_w = pdf.w - pdf.r_margin - right_x
    left = []
    if header.parent_body:
        left.append((header.parent_body, ""))
    left += [(header.issuer_name, "B"), ("*", ""), (header.number, "")]
    y_left = pdf.lines_at(x_left, top, left_w, left, size=12, h=5.6)
    # The Party heading is underlined; the State one underlines its motto line.
    national = [(header.national[0], "BU" if len(header.national) == 1 else "B")]
    national += [(line, "BU") for line in header.national[1:]]
    y_right = pdf.lines_at(right_x, top, right_w, national, size=12, h=5.6)
    y_right = pdf.lines_at(
        right_x, y_right + 3, right_w, [(header.place_date, "I")], size=12, h=5.6
    )
    pdf.set_y(max(y_left, y_right) + 6)


def _title_block(pdf: Pdf, title: str, subject: list[str]) -> None:
    pdf.set_font(FONT, style="B", size=14)
    pdf.multi_cell(0, 7, clean(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, style="B", size=13)
    for line in subject:
        pdf.multi_cell(0, 6.5, clean(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 5, "-----", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, size=BODY_SIZE)


def _closing(pdf: Pdf, recipients: list[str], signature: Signature | None) -> None:
    if not recipients and signature is None:
        return
    needed = 12 + 6 * max(len(recipients), 6)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 4
    half = pdf.epw / 2
    y_left = top
    if recipients:
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT, style="BI", size=11.5)
        pdf.cell(half, 5.5, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, size=10.5)
        for line in recipients:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(half - 4, 5, "- " + clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y_left = pdf.get_y()
    y_right = top
    if signature is not None:
        lines = []
        if signature.capacity:
            lines.append((signature.capacity, "B"))
        lines.append((signature.title, "B"))
        y_right = pdf.lines_at(pdf.l_margin + half, top, half, lines, size=12.5, h=6)
        # Room for the hand signature and the seal.
        y_right += 24
        if signature.name:
            y_right = pdf.lines_at(
                pdf.l_margin + half, y_right, half, [(signature.name, "B")], size=12.5, h=6
            )
    pdf.set_y(max(y_left, y_right) + 4)
    pdf.set_font(FONT, size=BODY_SIZE)


def _appendix(pdf: Pdf, appendix: Appendix) -> None:
    pdf.add_page(orientation="L" if appendix.landscape else "P")
    pdf.set_font(FONT, style="B", size=13)
    pdf.multi_cell(0, 6.5, clean(appendix.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if appendix.subtitle:
        pdf.set_font(FONT, style="I", size=12)
        pdf.multi_cell(
            0, 6, clean(appendix.subtitle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 5, "-----", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.blocks(appendix.body)
