"""Word (.docx) of a documents.layout.Document, with python-docx. The text is Unicode (NFC) in
Times New Roman, the font the Party's and the State's layout rules prescribe (every office
machine has it, with every Vietnamese letter); sizes and margins as in documents.pdf."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .layout import Appendix, Block, Document, Para, Signature, Table, clean

FONT = "Times New Roman"
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def render(document: Document) -> bytes:
    word = WordDocument()
    _styles(word)
    section = word.sections[0]
    _page(section, landscape=document.landscape)
    word.core_properties.title = clean(" ".join([document.title, *document.subject]))
    word.core_properties.author = clean(document.author or "Dân vận khéo")
    _header(word, document)
    _line(word, document.title, bold=True, size=14, space_before=6)
    for line in document.subject:
        _line(word, line, bold=True, size=14)
    _line(word, "-----", size=12, space_after=6)
    _blocks(word, document.body)
    _closing(word, document.recipients, document.signature)
    for appendix in document.appendices:
        _appendix(word, appendix)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _styles(word) -> None:
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    # Word picks the font per script: name it for all of them, or Vietnamese letters outside
    # Latin-1 may fall back to another face.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _page(section, *, landscape: bool) -> None:
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=None):
    run = paragraph.add_run(clean(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return run


def _line(
    container,
    text,
    *,
    bold=False,
    italic=False,
    underline=False,
    size=None,
    align="center",
    space_before=0,
    space_after=0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(space_after)
    _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _two_columns(word, left_width_mm: float, right_width_mm: float):
    table = word.add_table(rows=1, cols=2)
    table.autofit = False
    _borderless(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_width_mm), Mm(right_width_mm)
    # A new cell holds one empty paragraph: write into it, then add.
    return left, right


def _cell_line(cell, text, **kwargs):
    paragraph = (
        cell.paragraphs[0]
        if not cell.paragraphs[0].text and not cell.paragraphs[0].runs
        else cell.add_paragraph()
    )
    paragraph.alignment = ALIGN[kwargs.pop("align", "center")]
    _run(paragraph, text, **kwargs)
    return paragraph


def _header(word, document: Document) -> None:
    header = document.header
    if header is None:
        return
    usable = 165 if not document.landscape else 252
    left, right = _two_columns(word, 72, usable - 72)
    if header.parent_body:
        _cell_line(left, header.parent_body, size=13)
    _cell_line(left, header.issuer_name, bold=True, size=13)
    _cell_line(left, "*", size=13)
    _cell_line(left, header.number, size=13)
    single = len(header.national) == 1
    _cell_line(right, header.national[0], bold=True, underline=single, size=13)
    for line in header.national[1:]:
        _cell_line(right, line, bold=True, underline=True, size=13)
    _cell_line(right, "", size=8)
    _cell_line(right, header.place_date, italic=True, size=13)
    word.add_paragraph()


def _para(container, block: Para) -> None:
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[block.align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(4)
    if block.indent and block.align in ("justify", "left"):
        fmt.first_line_indent = Mm(10)
    size = block.size or 14
    if block.lead:
        _run(paragraph, block.lead + " ", bold=True, italic=block.italic, size=size)
    _run(paragraph, block.text, bold=block.bold, italic=block.italic, size=size)


def _table(word, block: Table, *, usable_mm: float) -> None:
    size = block.size or 12
    table = word.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths)
    widths = [Mm(usable_mm * w / total) for w in block.widths]
    for i, name in enumerate(block.columns):
        cell = table.rows[0].cells[i]
        cell.width = widths[i]
        _cell_line(cell, name, bold=True, size=size)
    # The heading row repeats on every page of a long list.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for values in block.rows:
        cells = table.add_row().cells
        if len(values) == 1 and len(cells) > 1:
            merged = cells[0].merge(cells[-1])
            _cell_line(merged, values[0], bold=True, size=size, align="left")
            continue
        for i, value in enumerate(values):
            cells[i].width = widths[i]
            _cell_line(cells[i], value, size=size, align=block.column_align(i))
    word.add_paragraph()


def _blocks(word, blocks: list[Block], *, landscape: bool = False) -> None:
    usable = 252 if landscape else 165
    for block in blocks:
        if isinstance(block, Para):
            _para(word, block)
        else:
            _table(word, block, usable_mm=usable)


def _closing(word, recipients: list[str], signature: Signature | None) -> None:
    if not recipients and signature is None:
        return
    word.add_paragraph()
    left, right = _two_columns(word, 82, 83)
    if recipients:
        _cell_line(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left")
        for line in recipients:
            _cell_line(left, "- " + line, size=11, align="left")
    if signature is not None:
        if signature.capacity:
            _cell_line(right, signature.capacity, bold=True, size=14)
        _cell_line(right, signature.title, bold=True, size=14)
        for _ in range(4):  # room for the hand signature and the seal
            _cell_line(right, "", size=14)
        if signature.name:
            _cell_line(right, signature.name, bold=True, size=14)


def _appendix(word, appendix: Appendix) -> None:
    if appendix.landscape:
        section = word.add_section()
        _page(section, landscape=True)
    else:
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _line(word, appendix.title, bold=True, size=14)
    if appendix.subtitle:
        _line(word, appendix.subtitle, italic=True, size=13)
    _line(word, "-----", size=12, space_after=6)
    _blocks(word, appendix.body, landscape=appendix.landscape)
